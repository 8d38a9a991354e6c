//! What every page shares: languages, the template context, forms and error pages.

pub mod i18n;
pub mod input;
pub mod markdown;
pub mod page;
pub mod state;
pub mod text;
