//! The languages Concord speaks: French and English from Fluent files
//! (`locales/{en,fr}/*.ftl`), compiled into the binary, and the language of the
//! request being answered.
//!
//! Below every domain and the web layer, so that an error can be put into words
//! where it is raised: every request runs inside [`per_request`], which starts from
//! the visitor's choice (cookie, then `Accept-Language`) and takes the caller's own
//! language once they are known ([`set_request_language`]); [`request_language`]
//! reads it, English outside a request.

use std::borrow::Cow;
use std::cell::Cell;
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

/// A message in `lang` with arguments. An argument written as a plain integer is
/// given to Fluent as a number, so a message's plural variants (`[one]`, `[other]`)
/// follow it; anything else (amounts, dates, names) stays text as written.
pub fn text_with(lang: &str, key: &str, args: &[(&str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| {
            let value = match v.parse::<i64>() {
                Ok(n) if n.to_string() == *v => FluentValue::from(n),
                _ => FluentValue::from(v.clone()),
            };
            (Cow::Owned(k.to_string()), value)
        })
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

/// The supported language named `lang` (`"fr"`, `"en"`), if it is one.
pub fn supported(lang: &str) -> Option<&'static str> {
    SUPPORTED.into_iter().find(|s| *s == lang)
}

tokio::task_local! {
    static REQUEST_LANGUAGE: Cell<&'static str>;
}

/// Runs one request's answer with `lang` as its language until something better
/// is known (see [`set_request_language`]).
pub async fn per_request<F: std::future::Future>(lang: &'static str, request: F) -> F::Output {
    REQUEST_LANGUAGE.scope(Cell::new(lang), request).await
}

/// The request's language from here on: the caller's own, once they are known, or
/// the page's. Ignored for a language Concord does not speak, and outside a request.
pub fn set_request_language(lang: &str) {
    if let Some(lang) = supported(lang) {
        let _ = REQUEST_LANGUAGE.try_with(|current| current.set(lang));
    }
}

/// The language of the request being answered; English outside a request (the
/// command line, the background workers).
pub fn request_language() -> &'static str {
    REQUEST_LANGUAGE.try_with(Cell::get).unwrap_or("en")
}

/// A message of the request's language, with arguments (see [`text_with`]).
pub fn say(key: &str, args: &[(&str, String)]) -> String {
    text_with(request_language(), key, args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::Path;

    /// Each message of a Fluent file with its whole text (its id's line and the
    /// indented lines of its variants).
    fn messages(text: &str) -> BTreeMap<String, String> {
        let mut found = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in text.lines() {
            let starts_message = line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && line.contains(" =");
            if starts_message {
                let id = line.split(" =").next().unwrap_or_default().trim().to_string();
                found.insert(id.clone(), line.to_string());
                current = Some(id);
            } else if line.starts_with(' ') || line.starts_with('}') {
                if let Some(id) = &current {
                    found.entry(id.clone()).or_default().push_str(line);
                }
            } else {
                current = None;
            }
        }
        found
    }

    /// The variables (`{ $name }`) a message's text uses, and whether each is shown
    /// (rather than only choosing a variant: `{ $party -> …}`).
    fn variables(text: &str) -> Vec<(String, bool)> {
        text.split('$')
            .skip(1)
            .map(|rest| {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let shown = !rest[name.len()..].trim_start().starts_with("->");
                (name, shown)
            })
            .collect()
    }

    fn locale_file(lang: &str, name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang)
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every error code is put into words in English and in French, with each of its
    /// figures in place, and the French is a translation, not the English again.
    #[test]
    fn every_error_code_renders_in_both_languages() {
        let english = messages(&locale_file("en", "errors.ftl"));
        let french = messages(&locale_file("fr", "errors.ftl"));
        assert!(english.len() > 80, "{} error messages", english.len());
        for (code, text) in &english {
            let mut names = variables(text);
            names.extend(variables(&french[code]));
            let args: Vec<(&str, String)> = names.iter().map(|(n, _)| (n.as_str(), "7".to_string())).collect();
            let said = |lang: &str| text_with(lang, code, &args);
            let (en, fr) = (said("en"), said("fr"));
            for (lang, out, source) in [("en", &en, text), ("fr", &fr, &french[code])] {
                assert!(
                    !out.trim().is_empty() && !out.contains("{$") && !out.contains("{ $"),
                    "{code} in {lang}: {out}"
                );
                if variables(source).iter().any(|(_, shown)| *shown) {
                    assert!(out.contains('7'), "{code} in {lang} shows its figures: {out}");
                }
            }
            assert_ne!(en, fr, "{code} is translated");
        }
    }

    /// Every code the source names (`"error-…"`) has its message.
    #[test]
    fn every_code_named_in_the_source_has_a_message() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
        let english: BTreeMap<String, String> = std::fs::read_dir(dir)
            .unwrap()
            .flat_map(|file| messages(&locale_file("en", &file.unwrap().file_name().to_string_lossy())))
            .collect();
        let mut named = 0;
        let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap_or_default();
                for piece in source.split("\"error-").skip(1) {
                    let code: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    if !code.is_empty() && piece[code.len()..].starts_with('"') {
                        named += 1;
                        let code = format!("error-{code}");
                        assert!(
                            english.contains_key(&code),
                            "{code} (in {}) has no message",
                            path.display()
                        );
                    }
                }
            }
        }
        assert!(named > 50, "{named} codes named");
    }
}
