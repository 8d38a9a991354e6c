//! French and English from Fluent files (`locales/{en,fr}/*.ftl`), compiled into the
//! binary, and the tera function `t(key=…, lang=…, …args)` that looks them up.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use unic_langid::langid;

// Every message in every language.
fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Isolation marks around arguments confuse screen readers and copy-paste.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages Concord speaks, the default first.
pub const SUPPORTED: [&str; 2] = ["en", "fr"];

fn langid_for(lang: &str) -> LanguageIdentifier {
    match lang {
        "fr" => langid!("fr"),
        _ => langid!("en"),
    }
}

/// A message in `lang`.
pub fn text(lang: &str, key: &str) -> String {
    LOCALES.lookup(&langid_for(lang), key)
}

/// A message in `lang` with arguments.
pub fn text_with(lang: &str, key: &str, args: &[(&str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
        .collect();
    LOCALES.lookup_with_args(&langid_for(lang), key, &args)
}

/// Picks the first supported language from an `Accept-Language` header.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut ranked: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            Some((quality, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.into_iter().find_map(|(_, tag)| {
        let primary = tag.split('-').next()?.to_ascii_lowercase();
        SUPPORTED.into_iter().find(|s| *s == primary)
    })
}

/// The tera function `t`.
pub struct Translate;

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let key = args
            .get("key")
            .and_then(|v| v.as_str())
            .ok_or_else(|| tera::Error::msg("t() needs a `key`"))?;
        let lang = args.get("lang").and_then(|v| v.as_str()).unwrap_or("en");
        let extra: Vec<(&str, String)> = args
            .iter()
            .filter(|(name, _)| name.as_str() != "key" && name.as_str() != "lang")
            .map(|(name, value)| {
                let text = match value {
                    tera::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (name.as_str(), text)
            })
            .collect();
        Ok(tera::Value::String(text_with(lang, key, &extra)))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

/// The tera filter `money(lang=…)`: a serialised [`crate::money::Money`] written the
/// way the language writes amounts (`1 234,56 €`, `€1,234.56`).
pub fn money_filter(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let lang = args.get("lang").and_then(|v| v.as_str()).unwrap_or("en");
    let money: crate::money::Money =
        serde_json::from_value(value.clone()).map_err(|e| tera::Error::msg(format!("money: {e}")))?;
    let locale = crate::money::Locale::from_tag(lang).unwrap_or(crate::money::Locale::En);
    Ok(tera::Value::String(money.format(locale)))
}

/// A moment written in a co-op's time zone, with the zone named (`2026-12-01 18:00
/// Europe/Paris`), so a member elsewhere knows which clock the deadline follows.
pub fn datetime_in(at: chrono::DateTime<chrono::Utc>, time_zone: &str) -> String {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
    format!("{} {}", at.with_timezone(&tz).format("%Y-%m-%d %H:%M"), tz.name())
}

/// The tera filter `in_tz(tz=…)`: an RFC 3339 time written in a time zone (see [`datetime_in`]).
pub fn in_tz_filter(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let tz = args.get("tz").and_then(|v| v.as_str()).unwrap_or("UTC");
    let Some(text) = value.as_str() else {
        return Ok(tera::Value::String(String::new()));
    };
    let at = chrono::DateTime::parse_from_rfc3339(text)
        .map_err(|e| tera::Error::msg(format!("in_tz: {e}")))?
        .with_timezone(&chrono::Utc);
    Ok(tera::Value::String(datetime_in(at, tz)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"), Some("fr"));
        assert_eq!(from_accept_language("de;q=1.0, en-GB;q=0.5"), Some("en"));
        assert_eq!(from_accept_language("en;q=0.2, fr;q=0.7"), Some("fr"));
        assert_eq!(from_accept_language("de, it"), None);
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn both_languages_have_every_key() {
        let keys = |text: &str| -> Vec<String> {
            let mut keys: Vec<String> = text
                .lines()
                .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().trim().to_string())
                .collect();
            keys.sort();
            keys
        };
        let en = keys(include_str!("../../locales/en/main.ftl"));
        let fr = keys(include_str!("../../locales/fr/main.ftl"));
        assert_eq!(en, fr);
        let (en, fr) = (
            keys(include_str!("../../locales/en/bylaws.ftl")),
            keys(include_str!("../../locales/fr/bylaws.ftl")),
        );
        assert_eq!(en, fr);
        assert!(en.len() > 50);
    }

    #[test]
    fn messages_take_arguments() {
        assert_eq!(
            text_with("en", "home-welcome", &[("name", "Ana".into())]),
            "Welcome, Ana"
        );
        assert_eq!(
            text_with("fr", "home-welcome", &[("name", "Ana".into())]),
            "Bienvenue, Ana"
        );
    }
}
