//! Markdown (motions, statements, bylaws) to HTML that is safe to put in a page:
//! raw HTML is shown as text and only web and mail links are kept, so a member's
//! text can never run a script in another member's browser.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with('/')
        || lower.starts_with('#')
}

/// The HTML of a Markdown text.
pub fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        // Images would load from anywhere (and the CSP refuses them anyway): keep the link.
        Event::Start(Tag::Image {
            dest_url, title, id, ..
        }) => Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Inline,
            dest_url: if safe_url(&dest_url) {
                dest_url
            } else {
                CowStr::Borrowed("#")
            },
            title,
            id,
        }),
        Event::End(pulldown_cmark::TagEnd::Image) => Event::End(pulldown_cmark::TagEnd::Link),
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// The tera filter `markdown`: use it as `{{ text | markdown | safe }}`.
pub fn filter(value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(to_html(value.as_str().unwrap_or_default())))
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn formats_the_usual_markdown() {
        assert_eq!(
            to_html("The **annual** meeting"),
            "<p>The <strong>annual</strong> meeting</p>\n"
        );
        assert!(to_html("- one\n- two").contains("<li>one</li>"));
        assert!(to_html("[accounts](https://example.org/a.pdf)").contains("href=\"https://example.org/a.pdf\""));
    }

    #[test]
    fn never_lets_html_or_scripts_through() {
        let html = to_html("<script>alert(1)</script> <b onclick=x>hi</b>");
        assert!(!html.contains("<script") && !html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let link = to_html("[x](javascript:alert(1)) [y](data:text/html,hi)");
        assert!(!link.contains("javascript:") && !link.contains("data:"), "{link}");
        let image = to_html("![pic](https://example.org/p.png)");
        assert!(!image.contains("<img"), "{image}");
    }
}
