//! The languages in pages: the tera function `t(key=…, lang=…, …args)` that looks up
//! the Fluent messages of [`crate::i18n`], and the filters that write money, dates and
//! times the language's way.

use std::collections::HashMap;

pub use crate::i18n::{from_accept_language, supported, text, text_with, LOCALES, SUPPORTED};

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
    fn a_count_chooses_the_plural_and_other_arguments_stay_as_written() {
        let one = text_with("en", "digest-subject", &[("count", "1".into())]);
        assert_eq!(one, "Your daily digest: 1 message");
        let two = text_with("en", "digest-subject", &[("count", "2".into())]);
        assert_eq!(two, "Your daily digest: 2 messages");
        // A leading zero or a decimal is not a count: it is shown exactly.
        let kept = text_with(
            "en",
            "notices-counts",
            &[("sent", "007".into()), ("total", "25.00".into())],
        );
        assert_eq!(kept, "007 of 25.00 delivered");
    }

    /// Every Fluent key of a language, from all its files.
    fn keys_of(lang: &str) -> std::collections::BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut keys = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            keys.extend(
                text.lines()
                    .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
                    .map(|l| l.split(" =").next().unwrap().trim().to_string()),
            );
        }
        keys
    }

    /// Every file under the crate's `dir` whose name ends in `.ext`, with its text.
    fn files(dir: &str, ext: &str) -> Vec<(std::path::PathBuf, String)> {
        fn walk(dir: &std::path::Path, ext: &str, out: &mut Vec<(std::path::PathBuf, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, ext, out);
                } else if path.extension().is_some_and(|e| e == ext) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
            ext,
            &mut out,
        );
        out
    }

    fn templates() -> Vec<(std::path::PathBuf, String)> {
        files("templates", "html")
    }

    /// `text` without the spans between `open` and `close`.
    fn without(text: &str, open: &str, close: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            out.push_str(&rest[..start]);
            out.push(' ');
            rest = rest[start..]
                .find(close)
                .map_or("", |end| &rest[start + end + close.len()..]);
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn both_languages_have_every_key() {
        let (en, fr) = (keys_of("en"), keys_of("fr"));
        assert_eq!(
            en.difference(&fr).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in French"
        );
        assert_eq!(
            fr.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in English"
        );
        assert!(en.len() > 50);
    }

    #[test]
    fn every_key_a_template_names_exists() {
        let keys = keys_of("en");
        for (path, text) in templates() {
            for (i, _) in text.match_indices("t(key=\"") {
                let rest = &text[i + 7..];
                let end = rest.find('"').unwrap();
                let key = &rest[..end];
                // `key="prefix-" ~ value`: one of a family, checked by the pages' tests.
                if rest[end + 1..].trim_start().starts_with('~') {
                    continue;
                }
                assert!(keys.contains(key), "{}: unknown key {key}", path.display());
            }
        }
    }

    #[test]
    fn every_key_the_code_names_exists() {
        let keys = keys_of("en");
        let mut checked = 0;
        for (path, code) in files("src", "rs") {
            for call in ["text(", "text_with(", "i18n::text("] {
                for (i, _) in code.match_indices(call) {
                    // The key is the second argument when it is a literal: `text(lang, "key"`.
                    let args = &code[i + call.len()..];
                    let Some((_, rest)) = args.split_once(',') else {
                        continue;
                    };
                    let rest = rest.trim_start();
                    if let Some(literal) = rest.strip_prefix('"') {
                        let key = &literal[..literal.find('"').unwrap()];
                        if key.contains('-') && !key.contains(' ') {
                            assert!(keys.contains(key), "{}: unknown key {key}", path.display());
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 20, "the scan found the calls ({checked})");
    }

    #[test]
    fn templates_show_no_untranslated_words() {
        // Names that are the same in every language: the product, the languages in
        // their own words, a file format.
        const SAME_IN_EVERY_LANGUAGE: [&str; 4] = ["Concord", "English", "Français", "CSV"];
        // The macros write attributes (aria-invalid…), not text.
        for (path, text) in templates().into_iter().filter(|(p, _)| !p.ends_with("macros.html")) {
            let mut visible = without(&text, "{#", "#}");
            for (open, close) in [("<script", "</script>"), ("{%", "%}"), ("{{", "}}"), ("<", ">")] {
                visible = without(&visible, open, close);
            }
            for word in visible
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() > 1)
            {
                assert!(
                    SAME_IN_EVERY_LANGUAGE.contains(&word),
                    "{}: \"{word}\" is shown untranslated",
                    path.display()
                );
            }
            // Labels read out by screen readers are text too.
            for attribute in ["aria-label=\"", "title=\"", "alt=\""] {
                for (i, _) in text.match_indices(attribute) {
                    let value = &text[i + attribute.len()..];
                    let value = &value[..value.find('"').unwrap()];
                    assert!(
                        value.is_empty() || value.starts_with("{{"),
                        "{}: {attribute}{value}\" is not translated",
                        path.display()
                    );
                }
            }
        }
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
