//! The document as one self-contained HTML page: the Markdown of
//! [`super::markdown`] through pulldown-cmark, in a page with its style
//! inline. Nothing is fetched from the network and the page runs no script.
//!
//! What the charter's authors wrote (doc comments) is Markdown too, so the
//! conversion keeps only what cannot reach outside the page: raw HTML other
//! than the document's own anchors (`<a id="...">`) is shown as text, images
//! are replaced by their description, and links other than to `#anchors`,
//! `http(s):` and `mailto:` addresses are shown as their text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The page's style: readable prose, numbered articles, no web fonts.
const STYLE: &str = r#"
:root { color-scheme: light; }
body { margin: 0; background: #f4f1ea; color: #1d1d1f;
  font: 17px/1.6 Georgia, "DejaVu Serif", "Times New Roman", serif; }
main { max-width: 46rem; margin: 2rem auto; padding: 2.5rem 3rem; background: #fffdf8;
  border: 1px solid #ddd5c4; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.08); }
h1 { font-size: 2.2rem; margin: 0 0 0.3rem; color: #3a2a10; }
h2 { font-size: 1.45rem; margin-top: 2.6rem; padding-bottom: 0.25rem;
  border-bottom: 2px solid #b08d57; color: #3a2a10; }
h3 { font-size: 1.15rem; margin-top: 2rem; color: #5a3e12; }
a { color: #7a4b00; }
a:hover { color: #b35c00; }
code { font: 0.85em/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace;
  background: #f1ece0; padding: 0.05em 0.3em; border-radius: 3px; }
ol > li, ul > li { margin: 0.35rem 0; }
ol > li::marker { font-weight: bold; color: #7a4b00; }
em { color: #4a4a4a; }
@media print { body { background: none; } main { border: none; box-shadow: none; margin: 0; } }
"#;

/// The page for the Markdown document `markdown` of the charter `title`.
pub fn page(title: &str, markdown: &str) -> String {
    let mut body = String::new();
    let mut dropped_link = false;
    let events = Parser::new_ext(markdown, Options::empty()).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) if !is_anchor(&html) => Some(Event::Text(html)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link { ref dest_url, .. }) if !is_safe_url(dest_url) => {
            dropped_link = true;
            None
        }
        Event::End(TagEnd::Link) if dropped_link => {
            dropped_link = false;
            None
        }
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut body, events);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n\
         </body>\n</html>\n",
        escape_html(title)
    )
}

/// Whether a piece of raw HTML is one of the document's anchors.
fn is_anchor(html: &str) -> bool {
    let html = html.trim_end();
    if html == "</a>" {
        return true;
    }
    html.strip_prefix("<a id=\"")
        .and_then(|rest| rest.strip_suffix("\">"))
        .or_else(|| {
            html.strip_prefix("<a id=\"")
                .and_then(|rest| rest.strip_suffix("\"></a>"))
        })
        .is_some_and(|id| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// Whether a link stays in the page or goes where a person can see it goes.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with('#')
        || lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
}

pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documents_anchors_pass_as_html() {
        let page = page(
            "A <b>",
            "# <a id=\"x\"></a>T\n\n<script>alert(1)</script>\n\n\
             ![logo](https://example.org/x.png) [bad](javascript:alert(1)) [ok](#x)\n",
        );
        assert!(page.contains("<title>A &lt;b&gt;</title>"));
        assert!(page.contains("<h1><a id=\"x\"></a>T</h1>"));
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
        assert!(!page.contains("<img"));
        assert!(!page.contains("javascript:"));
        assert!(page.contains("<a href=\"#x\">ok</a>"));
    }
}
