//! Which characters text input may hold, and where a request's text breaks the rule.
//!
//! Pure: no actix, no database. PostgreSQL refuses a NUL in text (and a request then
//! ended in a 500); the other control characters are refused with it because no field
//! of Concord has a use for them, and they hide text from whoever reads the register
//! or a CSV export later. Tab, line feed and carriage return stay allowed everywhere:
//! multi-line fields (descriptions, minutes, articles, CSV uploads) need them, and in
//! a single-line field they are harmless.

use serde_json::Value;

/// Whether `c` may not appear in text input: a control character (Unicode category
/// Cc: U+0000–U+001F, U+007F–U+009F) other than tab, line feed and carriage return.
pub fn is_refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The line (from 1) of the first refused character in `text`, if there is one.
pub fn first_refused_line(text: &str) -> Option<usize> {
    text.split('\n')
        .position(|line| line.chars().any(is_refused))
        .map(|index| index + 1)
}

/// Whether raw bytes could hold a refused character once decoded as JSON: only an
/// escape (`\u0000`, `\b`, `\f`) or a C1 character written as UTF-8 (0xC2 0x80–0x9F)
/// can, since JSON forbids raw C0 characters in strings. A quick test that lets most
/// bodies skip the full walk.
pub fn json_may_hold_refused(bytes: &[u8]) -> bool {
    bytes.contains(&b'\\') || bytes.windows(2).any(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]))
}

/// Every place in a JSON document where a key or a string holds a refused
/// character, as `(field, line)`: the field as the client wrote it (`display_name`,
/// `rows[2].name`, `body` for the document itself) and the line of the string it is
/// on.
pub fn json_refused(value: &Value) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    walk(value, String::new(), &mut found);
    found
}

fn walk(value: &Value, path: String, found: &mut Vec<(String, usize)>) {
    let name = |path: &str| {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    };
    match value {
        Value::String(text) => {
            if let Some(line) = first_refused_line(text) {
                found.push((name(&path), line));
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{index}]"), found);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if let Some(line) = first_refused_line(key) {
                    found.push((inner.clone(), line));
                }
                walk(item, inner, found);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Every `(name, value)` pair of a form or a query string whose name or value holds a
/// refused character, as `(field, line)`.
pub fn pairs_refused(pairs: &[(String, String)]) -> Vec<(String, usize)> {
    pairs
        .iter()
        .filter_map(|(name, value)| {
            first_refused_line(name)
                .or_else(|| first_refused_line(value))
                .map(|line| (name.clone(), line))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_and_other_controls_are_refused_but_tab_and_line_breaks_are_not() {
        for c in [
            '\0', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}',
        ] {
            assert!(is_refused(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', 'a', 'é', '\u{a0}', '\u{200b}', '\u{202e}'] {
            assert!(!is_refused(c), "{c:?}");
        }
    }

    #[test]
    fn the_line_of_the_first_refused_character_is_found() {
        assert_eq!(first_refused_line("one\r\ntwo\tcols\n"), None);
        assert_eq!(first_refused_line("a\0"), Some(1));
        assert_eq!(first_refused_line("name\nAna\nBo\u{1}b\n\0"), Some(3));
    }

    #[test]
    fn json_fields_are_named_as_the_client_wrote_them() {
        let body = json!({
            "display_name": "Ana\u{0}",
            "questions": ["fine", {"text": "line one\nline\u{7} two"}],
            "ok": "multi\nline\ttext",
            "n": 3,
            "ke\u{1}y": true
        });
        let mut found = json_refused(&body);
        found.sort();
        assert_eq!(
            found,
            [
                ("display_name".to_string(), 1),
                ("ke\u{1}y".to_string(), 1),
                ("questions[1].text".to_string(), 2)
            ]
        );
        assert_eq!(json_refused(&json!("\u{0}")), [("body".to_string(), 1)]);
        assert!(json_refused(&json!({"a": ["b", "c\nd"]})).is_empty());
    }

    #[test]
    fn only_escapes_and_c1_bytes_call_for_the_walk() {
        assert!(!json_may_hold_refused(
            "{\"name\": \"Ana\", \"note\": \"café\"}".as_bytes()
        ));
        assert!(json_may_hold_refused(br#"{"name": "Ana\u0000"}"#));
        assert!(json_may_hold_refused("{\"name\": \"A\u{85}\"}".as_bytes()));
    }

    #[test]
    fn form_pairs_are_named_by_their_field() {
        let pairs = vec![
            ("display_name".to_string(), "Bo\0".to_string()),
            ("csv".to_string(), "email\na@b.c\n\u{1}".to_string()),
            ("note".to_string(), "fine\r\n".to_string()),
        ];
        assert_eq!(
            pairs_refused(&pairs),
            [("display_name".to_string(), 1), ("csv".to_string(), 3)]
        );
    }
}
