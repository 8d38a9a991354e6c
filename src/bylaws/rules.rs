//! The pure rules of bylaws: the document (numbered articles in Markdown), its
//! import from and export to Markdown, the comparison of two versions (word-level
//! diff, rendered safely), amendments (apply, stale-base conflicts, rebase) and the
//! governance schedule, the typed part of the bylaws that the software obeys.
//!
//! No I/O, no clock, no randomness: versions, dates and decisions belong to the
//! service. Every function here is total: bad input gives an error value, never a
//! panic, because the input is whatever a board pasted into a form.
//!
//! The Markdown conventions of [`parse_markdown`] are the contract of the import
//! page and of [`to_markdown`]; `docs/rules/bylaws.md` repeats them for boards.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

use crate::ballots::rules::{BallotParameters, Base, Fraction, ProxyLimit, Quorum, Threshold};

/// The most articles one version may hold (a long set of bylaws has about 60).
pub const MAX_ARTICLES: usize = 300;
/// The longest body of one article, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;
/// The longest title of an article or section heading, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The largest Markdown text [`parse_markdown`] reads, in bytes (checked first, so
/// that a huge upload costs nothing).
pub const MAX_IMPORT_BYTES: usize = 1_000_000;
/// The highest article number.
pub const MAX_ARTICLE_NUMBER: u32 = 9_999;
/// The most article edits one amendment may carry.
pub const MAX_EDITS: usize = 300;
/// The longest rationale of an amendment, in characters.
pub const MAX_RATIONALE_CHARS: usize = 20_000;

/// The Latin suffixes of inserted articles ("12 bis", "12 ter"), in their order.
/// Both spellings of the ninth one are in use.
const SUFFIXES: [&str; 10] = [
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "nonies",
    "decies",
];

// ---------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------

/// One numbered article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// The article's number in canonical form: digits without leading zeros,
    /// optionally followed by one capital letter (`12A`) or by a space and a Latin
    /// suffix (`12 bis`). See [`canonical_number`].
    pub number: String,
    /// The title, plain text on one line (never Markdown: it is escaped on display).
    pub title: String,
    /// The text, Markdown, normalised by [`normalise_body`]; may be empty (a
    /// repealed article).
    pub body: String,
    /// The section heading the article is grouped under, if any.
    pub section: Option<String>,
}

/// One version of a co-op's bylaws: its articles in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bylaws {
    /// The articles, in the order they are printed.
    pub articles: Vec<Article>,
}

impl Bylaws {
    /// The article with this number, if any.
    pub fn article(&self, number: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.number == number)
    }

    fn position(&self, number: &str) -> Option<usize> {
        self.articles.iter().position(|a| a.number == number)
    }
}

/// What is wrong with an article, a heading or a line. Shared by the import (which
/// adds the line) and by amendments (which add the edit), so both say the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// A level-1 heading that does not read as an article heading.
    #[error("the heading `# {heading}` is not an article heading; write for example `# Article 3 — Members`")]
    NotAnArticleHeading {
        /// The heading's text.
        heading: String,
    },
    /// Text before the first article, which Concord does not keep.
    #[error(
        "text before the first article: Concord keeps articles only, so remove the title or preamble \
         or make it an article (`# Article 1 — Preamble`)"
    )]
    TextBeforeFirstArticle,
    /// A fenced code block (```` ``` ```` or `~~~`) that is never closed.
    #[error("this code block (``` or ~~~) is never closed")]
    UnclosedCodeBlock,
    /// A section heading (`##`) with no text.
    #[error("this section heading is empty")]
    EmptySection,
    /// A section heading that is too long or not one plain line.
    #[error("a section heading is one line of at most {max} characters, not ending with `#`")]
    InvalidSection {
        /// The longest section heading.
        max: usize,
    },
    /// An article without a section after articles that have one: Markdown cannot
    /// end a section, so once sections start every article belongs to one.
    #[error("article {number} has no section, but an article before it has one: give it a section")]
    SectionMissing {
        /// The article.
        number: String,
    },
    /// Two articles with the same number.
    #[error("article {number} appears twice{}", first_line.map(|l| format!(" (first on line {l})")).unwrap_or_default())]
    DuplicateNumber {
        /// The number.
        number: String,
        /// The line where it first appears (1-based), in an import.
        first_line: Option<usize>,
    },
    /// More articles than [`MAX_ARTICLES`].
    #[error("bylaws hold at most {max} articles")]
    TooManyArticles {
        /// The limit.
        max: usize,
    },
    /// A number that is not in canonical form.
    #[error("`{number}` is not an article number: use digits, optionally with a letter (12A) or bis, ter… (12 bis)")]
    InvalidNumber {
        /// The number as given.
        number: String,
    },
    /// An article heading without a title.
    #[error("article {number} has no title")]
    EmptyTitle {
        /// The article.
        number: String,
    },
    /// A title that is too long, spans lines or ends with `#`.
    #[error("the title of article {number} must be one line of at most {max} characters, not ending with `#`")]
    InvalidTitle {
        /// The article.
        number: String,
        /// The longest title.
        max: usize,
    },
    /// A body longer than [`MAX_BODY_CHARS`].
    #[error("article {number} has {chars} characters; an article holds at most {max}")]
    BodyTooLong {
        /// The article.
        number: String,
        /// Its length.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A body with a level-1 heading, which would start a new article.
    #[error("line {line} of article {number} is a level-1 heading (`# …`), which starts an article: use `###`")]
    BodyHasArticleHeading {
        /// The article.
        number: String,
        /// The line within the body (1-based).
        line: usize,
    },
    /// A body ending with a level-2 heading, which would read as a section heading.
    #[error("article {number} ends with a `##` heading, which would read as a section heading: remove it or add text")]
    BodyEndsWithSectionHeading {
        /// The article.
        number: String,
    },
    /// A body with a code block that is never closed.
    #[error("article {number} has a code block (``` or ~~~) that is never closed")]
    BodyUnclosedCodeBlock {
        /// The article.
        number: String,
    },
    /// A body that is not in the form [`normalise_body`] gives.
    #[error("article {number} has blank lines at its start, spaces at its end or carriage returns")]
    BodyNotNormalised {
        /// The article.
        number: String,
    },
}

/// Why a Markdown text was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ImportError {
    /// The text is larger than [`MAX_IMPORT_BYTES`].
    #[error("the text has {bytes} bytes; bylaws are limited to {max}")]
    TooLarge {
        /// The text's size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// No article heading at all.
    #[error("no article found: start each article with a heading such as `# Article 1 — Name`")]
    NoArticle,
    /// A problem at a line.
    #[error("line {line}: {problem}")]
    AtLine {
        /// The line (1-based) of the text as pasted.
        line: usize,
        /// What is wrong.
        problem: Problem,
    },
}

impl ImportError {
    /// The line the error is about (1-based), when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ImportError::AtLine { line, .. } => Some(*line),
            _ => None,
        }
    }

    fn at(line: usize, problem: Problem) -> Self {
        ImportError::AtLine { line, problem }
    }
}

/// The canonical form of an article number, or `None` when `text` is not one.
///
/// Accepted: `7`, `007` (→ `7`), `1er` / `1re` / `premier` / `première` (French
/// for the first article, → `1`), `12A` / `12a` (→ `12A`), `12 bis`, `12bis`,
/// `12-bis`, `12 BIS` (→ `12 bis`), with the suffixes bis to decies. The number
/// is at most [`MAX_ARTICLE_NUMBER`].
pub fn canonical_number(text: &str) -> Option<String> {
    match split_number(text.trim()) {
        Some((number, "")) => Some(number),
        _ => None,
    }
}

/// Whether `number` is an article number in canonical form.
pub fn is_canonical_number(number: &str) -> bool {
    canonical_number(number).as_deref() == Some(number)
}

/// Whether `s` starts a new word: the end, a space or a separator.
fn at_boundary(s: &str) -> bool {
    match s.chars().next() {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '—' | '–' | '-' | ':' | '.' | ')' | ','),
    }
}

/// Strips `prefix` from `s` ignoring ASCII case.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// Reads an article number at the start of `s`; returns it canonical and the rest.
fn split_number(s: &str) -> Option<(String, &str)> {
    for word in ["premier", "première", "premiere"] {
        if let Some(rest) = strip_prefix_ci(s, word) {
            if at_boundary(rest) {
                return Some(("1".into(), rest));
            }
        }
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let value: u32 = s[..digits].parse().ok()?;
    if value > MAX_ARTICLE_NUMBER {
        return None;
    }
    let mut rest = &s[digits..];
    if value == 1 {
        // French ordinal of the first article: "Article 1er", "Article 1re".
        for ordinal in ["er", "re"] {
            if let Some(after) = strip_prefix_ci(rest, ordinal) {
                if at_boundary(after) {
                    rest = after;
                }
            }
        }
    }
    let mut number = value.to_string();
    // A Latin suffix, written attached, after a space or after a hyphen.
    let separators = ["", " ", "-"];
    'suffix: for sep in separators {
        if let Some(after_sep) = rest.strip_prefix(sep) {
            for suffix in SUFFIXES {
                if let Some(after) = strip_prefix_ci(after_sep, suffix) {
                    if at_boundary(after) {
                        number = format!("{value} {suffix}");
                        rest = after;
                        break 'suffix;
                    }
                }
            }
        }
    }
    if number == value.to_string() {
        // A single attached letter: "12A".
        let mut chars = rest.chars();
        if let Some(letter) = chars.next().filter(char::is_ascii_alphabetic) {
            if at_boundary(chars.as_str()) {
                number = format!("{value}{}", letter.to_ascii_uppercase());
                rest = chars.as_str();
            }
        }
    }
    Some((number, rest))
}

/// Parses the text of a level-1 heading into an article's number and title.
fn parse_article_heading(text: &str) -> Result<(String, String), Problem> {
    let not_article = || Problem::NotAnArticleHeading {
        heading: text.to_string(),
    };
    let mut rest = text;
    for prefix in ["article", "art.", "art"] {
        if let Some(after) = strip_prefix_ci(text, prefix) {
            // "Art." may touch the number; the words need a space after them.
            if prefix.ends_with('.') || after.starts_with(char::is_whitespace) {
                rest = after.trim_start();
                break;
            }
        }
    }
    let (number, after) = split_number(rest).ok_or_else(not_article)?;
    let mut title = after.trim_start();
    for separator in ["—", "–", "-", ":", "."] {
        if let Some(t) = title.strip_prefix(separator) {
            title = t;
            break;
        }
    }
    let title = title.trim().replace('\t', " ");
    if title.is_empty() {
        return Err(Problem::EmptyTitle { number });
    }
    Ok((number, title))
}

/// The body as Concord stores it: line breaks as `\n`, no blank lines at the
/// start, no white space at the end. Leading spaces of the first line are kept
/// (they may make it an indented code block).
pub fn normalise_body(body: &str) -> String {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = body.split('\n').collect();
    let start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(lines.len());
    lines[start..].join("\n").trim_end().to_string()
}

/// How the line-based reader sees a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind<'a> {
    /// Only white space.
    Blank,
    /// An ATX heading outside a code block.
    Heading { level: usize, text: &'a str },
    /// Anything else, including every line of a fenced code block.
    Other,
}

/// Removes an ATX heading's closing sequence (`## Title ##`), as CommonMark does.
fn strip_closing_hashes(s: &str) -> &str {
    let t = s.trim_end();
    let without = t.trim_end_matches('#');
    if without.len() == t.len() {
        t
    } else if without.is_empty() {
        ""
    } else if without.ends_with([' ', '\t']) {
        without.trim_end()
    } else {
        t
    }
}

/// Strips the up to three spaces of indentation a block may have in CommonMark.
fn strip_indent(line: &str) -> Option<&str> {
    let spaces = line.bytes().take_while(|b| *b == b' ').count();
    (spaces <= 3).then(|| &line[spaces..])
}

/// `(level, text)` when `line` is an ATX heading.
fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let s = strip_indent(line)?;
    let level = s.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &s[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((level, strip_closing_hashes(rest.trim_start())))
}

/// `(fence char, length)` when `line` opens a fenced code block.
fn fence_open(line: &str) -> Option<(u8, usize)> {
    let s = strip_indent(line)?;
    let ch = *s.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = s.bytes().take_while(|b| *b == ch).count();
    // A backtick fence's info string may not contain backticks (CommonMark).
    (len >= 3 && !(ch == b'`' && s[len..].contains('`'))).then_some((ch, len))
}

/// Whether `line` closes a fence of `len` times `ch`.
fn closes_fence(line: &str, ch: u8, len: usize) -> bool {
    strip_indent(line).is_some_and(|s| {
        let n = s.bytes().take_while(|b| *b == ch).count();
        n >= len && s[n..].trim().is_empty()
    })
}

/// Classifies every line of `text` (split on `\n`); `Err(i)` when the fenced code
/// block opened on line `i` (0-based) is never closed.
fn scan(text: &str) -> Result<Vec<(LineKind<'_>, &str)>, usize> {
    let mut out = Vec::new();
    let mut fence: Option<(u8, usize, usize)> = None;
    for (i, line) in text.split('\n').enumerate() {
        let kind = if let Some((ch, len, _)) = fence {
            if closes_fence(line, ch, len) {
                fence = None;
            }
            LineKind::Other
        } else if let Some((ch, len)) = fence_open(line) {
            fence = Some((ch, len, i));
            LineKind::Other
        } else if line.trim().is_empty() {
            LineKind::Blank
        } else if let Some((level, text)) = atx_heading(line) {
            LineKind::Heading { level, text }
        } else {
            LineKind::Other
        };
        out.push((kind, line));
    }
    match fence {
        Some((_, _, i)) => Err(i),
        None => Ok(out),
    }
}

fn is_plain_line(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

fn check_heading_text(s: &str) -> bool {
    !s.is_empty()
        && s.trim() == s
        && is_plain_line(s)
        && s.chars().count() <= MAX_TITLE_CHARS
        && strip_closing_hashes(s) == s
}

/// Checks one article on its own: canonical number, a plain one-line title, a
/// body in normal form that [`to_markdown`] can write and [`parse_markdown`] read
/// back identically, and a plain section heading.
pub fn check_article(article: &Article) -> Result<(), Problem> {
    let number = &article.number;
    if !is_canonical_number(number) {
        return Err(Problem::InvalidNumber { number: number.clone() });
    }
    if article.title.trim().is_empty() {
        return Err(Problem::EmptyTitle { number: number.clone() });
    }
    if !check_heading_text(&article.title) {
        return Err(Problem::InvalidTitle {
            number: number.clone(),
            max: MAX_TITLE_CHARS,
        });
    }
    if let Some(section) = &article.section {
        if section.trim().is_empty() {
            return Err(Problem::EmptySection);
        }
        if !check_heading_text(section) {
            return Err(Problem::InvalidSection { max: MAX_TITLE_CHARS });
        }
    }
    let body = &article.body;
    let chars = body.chars().count();
    if chars > MAX_BODY_CHARS {
        return Err(Problem::BodyTooLong {
            number: number.clone(),
            chars,
            max: MAX_BODY_CHARS,
        });
    }
    if normalise_body(body) != *body {
        return Err(Problem::BodyNotNormalised { number: number.clone() });
    }
    let lines = scan(body).map_err(|_| Problem::BodyUnclosedCodeBlock { number: number.clone() })?;
    if let Some(i) = lines
        .iter()
        .position(|(kind, _)| matches!(kind, LineKind::Heading { level: 1, .. }))
    {
        return Err(Problem::BodyHasArticleHeading {
            number: number.clone(),
            line: i + 1,
        });
    }
    let last = lines.iter().rev().find(|(kind, _)| *kind != LineKind::Blank);
    if let Some((LineKind::Heading { level: 2, .. }, _)) = last {
        return Err(Problem::BodyEndsWithSectionHeading { number: number.clone() });
    }
    Ok(())
}

/// Why a whole document is not valid, with the index of the article concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum BylawsError {
    /// A version needs at least one article.
    #[error("the bylaws have no article")]
    Empty,
    /// A problem with one article.
    #[error("article {index}: {problem}", index = index + 1)]
    Article {
        /// The article's index (0-based).
        index: usize,
        /// What is wrong.
        problem: Problem,
    },
}

/// Checks a whole version: at least one and at most [`MAX_ARTICLES`] articles,
/// distinct numbers, every article valid ([`check_article`]), and no article
/// without a section after one with a section. Whatever passes round-trips
/// through [`to_markdown`] and [`parse_markdown`].
pub fn check_bylaws(bylaws: &Bylaws) -> Result<(), BylawsError> {
    if bylaws.articles.is_empty() {
        return Err(BylawsError::Empty);
    }
    let at = |index, problem| BylawsError::Article { index, problem };
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut sectioned = false;
    for (i, a) in bylaws.articles.iter().enumerate() {
        if i == MAX_ARTICLES {
            return Err(at(i, Problem::TooManyArticles { max: MAX_ARTICLES }));
        }
        check_article(a).map_err(|p| at(i, p))?;
        if !seen.insert(&a.number) {
            return Err(at(
                i,
                Problem::DuplicateNumber {
                    number: a.number.clone(),
                    first_line: None,
                },
            ));
        }
        if a.section.is_some() {
            sectioned = true;
        } else if sectioned {
            return Err(at(
                i,
                Problem::SectionMissing {
                    number: a.number.clone(),
                },
            ));
        }
    }
    Ok(())
}

/// Reads bylaws pasted or uploaded as Markdown.
///
/// Conventions (the contract of the import page and of [`to_markdown`]):
/// - Headings are ATX headings (`#` at the start of a line, after at most three
///   spaces); lines inside fenced code blocks (```` ``` ````, `~~~`) are never
///   headings. Setext headings (underlined) are ordinary body text.
/// - Every level-1 heading starts an article and must read `[Article|Art.|Art]
///   NUMBER [separator] TITLE`, in any case, where the separator is one of
///   `—`, `–`, `-`, `:`, `.`: `# Article 1 — Name`, `# Article 2: Purpose`,
///   `# 3. Members`, `# Art. 12 bis – Reserve`, `# Article 1er : Objet`,
///   `# Article premier – Forme`. Numbers are stored canonical
///   ([`canonical_number`]), so `# Article 1er` is article `1`.
/// - A level-2 heading whose next non-blank line is an article heading is a
///   **section heading**: it applies to every following article until the next
///   one. Any other level-2 heading (and every level 3 to 6) belongs to the body.
/// - The body is everything between an article heading and the next article or
///   section heading, normalised by [`normalise_body`].
/// - **Text before the first article is refused**, not kept: a version holds
///   articles only, and silently dropping a title or a preamble would lose text.
///   The error says to remove it or to make it an article.
///
/// Errors carry the 1-based line of the pasted text. The first error is returned.
pub fn parse_markdown(text: &str) -> Result<Bylaws, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge {
            bytes: text.len(),
            max: MAX_IMPORT_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Keeping one line per line (a lone CR becomes an empty line's end) keeps
    // the line numbers of errors right for CRLF, LF and old Mac files.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines = scan(&text).map_err(|i| ImportError::at(i + 1, Problem::UnclosedCodeBlock))?;

    struct Open<'a> {
        article: Article,
        line: usize,
        body: Vec<&'a str>,
    }
    let mut articles: Vec<(Article, usize)> = Vec::new();
    let mut open: Option<Open> = None;
    let mut section: Option<String> = None;
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let close = |open: &mut Option<Open>, articles: &mut Vec<(Article, usize)>| {
        if let Some(mut o) = open.take() {
            o.article.body = normalise_body(&o.body.join("\n"));
            articles.push((o.article, o.line));
        }
    };

    for (i, &(kind, line)) in lines.iter().enumerate() {
        let n = i + 1;
        match kind {
            LineKind::Heading { level: 1, text } => {
                close(&mut open, &mut articles);
                let (number, title) = parse_article_heading(text).map_err(|p| ImportError::at(n, p))?;
                if let Some(first) = first_line.get(&number) {
                    return Err(ImportError::at(
                        n,
                        Problem::DuplicateNumber {
                            number,
                            first_line: Some(*first),
                        },
                    ));
                }
                if articles.len() == MAX_ARTICLES {
                    return Err(ImportError::at(n, Problem::TooManyArticles { max: MAX_ARTICLES }));
                }
                first_line.insert(number.clone(), n);
                open = Some(Open {
                    article: Article {
                        number,
                        title,
                        body: String::new(),
                        section: section.clone(),
                    },
                    line: n,
                    body: Vec::new(),
                });
            }
            LineKind::Heading { level: 2, text }
                if matches!(
                    lines[i + 1..].iter().find(|(k, _)| *k != LineKind::Blank),
                    Some((LineKind::Heading { level: 1, .. }, _))
                ) =>
            {
                close(&mut open, &mut articles);
                let heading = text.trim().replace('\t', " ");
                if heading.is_empty() {
                    return Err(ImportError::at(n, Problem::EmptySection));
                }
                if !check_heading_text(&heading) {
                    return Err(ImportError::at(n, Problem::InvalidSection { max: MAX_TITLE_CHARS }));
                }
                section = Some(heading);
            }
            _ => match &mut open {
                Some(o) => o.body.push(line),
                None if kind == LineKind::Blank => {}
                None => return Err(ImportError::at(n, Problem::TextBeforeFirstArticle)),
            },
        }
    }
    close(&mut open, &mut articles);
    if articles.is_empty() {
        return Err(ImportError::NoArticle);
    }
    // The same checks as an amendment's, so that whatever is imported can be
    // written back and amended; reported at the article's heading line.
    for (article, line) in &articles {
        check_article(article).map_err(|p| ImportError::at(*line, p))?;
    }
    Ok(Bylaws {
        articles: articles.into_iter().map(|(a, _)| a).collect(),
    })
}

/// Writes bylaws as Markdown in the conventions of [`parse_markdown`]: a `##`
/// line when the section changes, `# Article N — Title` for each article, blocks
/// separated by one blank line, a final newline. For bylaws that pass
/// [`check_bylaws`], `parse_markdown(&to_markdown(b)) == Ok(b)`. (Markdown cannot
/// close a section, so an article without a section after a sectioned one is
/// written under the previous section; [`check_bylaws`] refuses such bylaws.)
pub fn to_markdown(bylaws: &Bylaws) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut section: Option<&str> = None;
    for a in &bylaws.articles {
        if let Some(s) = a.section.as_deref() {
            if section != Some(s) {
                blocks.push(format!("## {s}"));
                section = Some(s);
            }
        }
        let mut block = format!("# Article {} — {}", a.number, a.title);
        if !a.body.is_empty() {
            block.push_str("\n\n");
            block.push_str(&a.body);
        }
        blocks.push(block);
    }
    let mut out = blocks.join("\n\n");
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------
// Comparing two versions
// ---------------------------------------------------------------------------

/// What a span of a word-level diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// In both texts.
    Equal,
    /// Only in the new text.
    Insert,
    /// Only in the old text.
    Delete,
}

/// A run of text of one kind. Equal and delete spans, in order, re-assemble the
/// old text; equal and insert spans re-assemble the new text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSpan {
    /// Equal, inserted or deleted.
    pub kind: SpanKind,
    /// The text, verbatim (Markdown source, not rendered).
    pub text: String,
}

impl DiffSpan {
    fn new(kind: SpanKind, text: impl Into<String>) -> Self {
        DiffSpan {
            kind,
            text: text.into(),
        }
    }
}

/// A word-level diff of two texts, computed by `similar` on words and the white
/// space between them.
///
/// Adjacent spans of one kind are merged, and a change is shown whole: where the
/// raw diff would keep one space between two replaced words ("two thirds" →
/// "three quarters" gives `two`→`three`, ` `, `thirds`→`quarters`), the space is
/// folded into the deletion and the insertion, so readers see
/// `<del>two thirds</del><ins>three quarters</ins>`. Within one change the
/// deletion comes before the insertion.
pub fn diff_words(old: &str, new: &str) -> Vec<DiffSpan> {
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).diff_words(old, new);
    let mut raw: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => SpanKind::Equal,
            ChangeTag::Insert => SpanKind::Insert,
            ChangeTag::Delete => SpanKind::Delete,
        };
        match raw.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => raw.push(DiffSpan::new(kind, change.value())),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i].kind == SpanKind::Equal {
            out.push(raw[i].clone());
            i += 1;
            continue;
        }
        let (mut deleted, mut inserted) = (String::new(), String::new());
        loop {
            while i < raw.len() && raw[i].kind != SpanKind::Equal {
                match raw[i].kind {
                    SpanKind::Delete => deleted.push_str(&raw[i].text),
                    _ => inserted.push_str(&raw[i].text),
                }
                i += 1;
            }
            // Adjacent equal spans are merged, so a change always follows an
            // equal span that is not the last one.
            let folds = i + 1 < raw.len()
                && !deleted.is_empty()
                && !inserted.is_empty()
                && raw[i].text.chars().all(char::is_whitespace);
            if !folds {
                break;
            }
            deleted.push_str(&raw[i].text);
            inserted.push_str(&raw[i].text);
            i += 1;
        }
        if !deleted.is_empty() {
            out.push(DiffSpan::new(SpanKind::Delete, deleted));
        }
        if !inserted.is_empty() {
            out.push(DiffSpan::new(SpanKind::Insert, inserted));
        }
    }
    out
}

/// The old text (equal and deleted spans) and the new text (equal and inserted
/// spans) of a diff.
pub fn reassemble(spans: &[DiffSpan]) -> (String, String) {
    let (mut old, mut new) = (String::new(), String::new());
    for s in spans {
        if s.kind != SpanKind::Insert {
            old.push_str(&s.text);
        }
        if s.kind != SpanKind::Delete {
            new.push_str(&s.text);
        }
    }
    (old, new)
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a diff as HTML: every text escaped, insertions in `<ins>`, deletions
/// in `<del>`, nothing else. The texts are Markdown source, shown as such: put
/// the result in an element styled `white-space: pre-wrap` so line breaks show.
/// Safe to insert unescaped in a template (`| safe`) because every byte of
/// member-written text goes through [`escape_html`].
pub fn render_diff_html(spans: &[DiffSpan]) -> String {
    let mut out = String::new();
    for s in spans {
        let text = escape_html(&s.text);
        match s.kind {
            SpanKind::Equal => out.push_str(&text),
            SpanKind::Insert => {
                out.push_str("<ins>");
                out.push_str(&text);
                out.push_str("</ins>");
            }
            SpanKind::Delete => {
                out.push_str("<del>");
                out.push_str(&text);
                out.push_str("</del>");
            }
        }
    }
    out
}

/// How one article changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    /// The article is new.
    Added {
        /// The new article.
        article: Article,
    },
    /// The article is gone.
    Removed {
        /// The old article.
        article: Article,
    },
    /// The title changed.
    Retitled {
        /// The old title.
        old: String,
        /// The new title.
        new: String,
    },
    /// The body changed.
    BodyChanged {
        /// The word-level diff of the bodies.
        spans: Vec<DiffSpan>,
    },
    /// The article moved to another section.
    Moved {
        /// The old section.
        from: Option<String>,
        /// The new section.
        to: Option<String>,
    },
    /// The article moved within the document (other articles kept their order
    /// around it).
    Reordered {
        /// The article it now follows (`None`: it is now first).
        after: Option<String>,
    },
}

/// One change of one article. An article both retitled and reworded gives two
/// changes, one after the other (order: reordered, moved, retitled, body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleChange {
    /// The article's number.
    pub number: String,
    /// Its title (the new one, or the old one for a removed article), for headings.
    pub title: String,
    /// What changed.
    #[serde(flatten)]
    pub kind: ChangeKind,
}

/// Compares two versions article by article, matched by number. Unchanged
/// articles give nothing, so `compare(a, a)` is empty. The changes follow the
/// documents: the order of `new`, with removed articles where they stood in
/// `old`. Position changes are found with `similar` on the sequences of numbers.
pub fn compare(old: &Bylaws, new: &Bylaws) -> Vec<ArticleChange> {
    let old_numbers: Vec<&str> = old.articles.iter().map(|a| a.number.as_str()).collect();
    let new_numbers: Vec<&str> = new.articles.iter().map(|a| a.number.as_str()).collect();
    let mut out = Vec::new();
    let removed = |out: &mut Vec<ArticleChange>, i: usize| {
        let a = &old.articles[i];
        if new.article(&a.number).is_none() {
            out.push(ArticleChange {
                number: a.number.clone(),
                title: a.title.clone(),
                kind: ChangeKind::Removed { article: a.clone() },
            });
        }
    };
    let inserted = |out: &mut Vec<ArticleChange>, j: usize| {
        let a = &new.articles[j];
        match old.article(&a.number) {
            Some(before) => {
                out.push(ArticleChange {
                    number: a.number.clone(),
                    title: a.title.clone(),
                    kind: ChangeKind::Reordered {
                        after: j.checked_sub(1).map(|k| new.articles[k].number.clone()),
                    },
                });
                aspects(&mut *out, before, a);
            }
            None => out.push(ArticleChange {
                number: a.number.clone(),
                title: a.title.clone(),
                kind: ChangeKind::Added { article: a.clone() },
            }),
        }
    };
    for op in similar::capture_diff_slices(Algorithm::Myers, &old_numbers, &new_numbers) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    aspects(&mut out, &old.articles[old_index + k], &new.articles[new_index + k]);
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                (old_index..old_index + old_len).for_each(|i| removed(&mut out, i))
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                (new_index..new_index + new_len).for_each(|j| inserted(&mut out, j))
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                (old_index..old_index + old_len).for_each(|i| removed(&mut out, i));
                (new_index..new_index + new_len).for_each(|j| inserted(&mut out, j));
            }
        }
    }
    out
}

/// The changes of an article present in both versions, in a fixed order.
fn aspects(out: &mut Vec<ArticleChange>, old: &Article, new: &Article) {
    let change = |kind| ArticleChange {
        number: new.number.clone(),
        title: new.title.clone(),
        kind,
    };
    if old.section != new.section {
        out.push(change(ChangeKind::Moved {
            from: old.section.clone(),
            to: new.section.clone(),
        }));
    }
    if old.title != new.title {
        out.push(change(ChangeKind::Retitled {
            old: old.title.clone(),
            new: new.title.clone(),
        }));
    }
    if old.body != new.body {
        out.push(change(ChangeKind::BodyChanged {
            spans: diff_words(&old.body, &new.body),
        }));
    }
}

/// A plain-text summary of the changes for e-mails, in `lang` (`fr`, otherwise
/// English): one line per change, and under a changed body a line-level unified
/// diff (`-` old line, `+` new line, one line of context) indented by two spaces.
pub fn summary_text(changes: &[ArticleChange], lang: &str) -> String {
    let fr = lang == "fr";
    let none = if fr { "(aucune section)" } else { "(no section)" };
    let section = |s: &Option<String>| s.as_deref().map_or(none.to_string(), |s| format!("« {s} »"));
    let mut out = String::new();
    for c in changes {
        let head = if fr {
            format!("Article {} — {} : ", c.number, c.title)
        } else {
            format!("Article {} — {}: ", c.number, c.title)
        };
        out.push_str(&head);
        let (what, lines) = match &c.kind {
            ChangeKind::Added { article } => (
                if fr { "ajouté".to_string() } else { "added".to_string() },
                unified("", &article.body),
            ),
            ChangeKind::Removed { article } => (
                if fr { "supprimé".into() } else { "removed".into() },
                unified(&article.body, ""),
            ),
            ChangeKind::Retitled { old, .. } => (
                if fr {
                    format!("titre modifié (auparavant « {old} »)")
                } else {
                    format!("title changed (was “{old}”)")
                },
                String::new(),
            ),
            ChangeKind::BodyChanged { spans } => {
                let (old, new) = reassemble(spans);
                (
                    if fr {
                        "texte modifié".into()
                    } else {
                        "text changed".into()
                    },
                    unified(&old, &new),
                )
            }
            ChangeKind::Moved { from, to } => (
                if fr {
                    format!("déplacé de la section {} à la section {}", section(from), section(to))
                } else {
                    format!("moved from section {} to section {}", section(from), section(to))
                },
                String::new(),
            ),
            ChangeKind::Reordered { after } => (
                match (after, fr) {
                    (Some(a), true) => format!("placé après l'article {a}"),
                    (Some(a), false) => format!("moved after article {a}"),
                    (None, true) => "placé en tête".into(),
                    (None, false) => "moved to the beginning".into(),
                },
                String::new(),
            ),
        };
        out.push_str(&what);
        out.push('\n');
        out.push_str(&lines);
    }
    out
}

/// A line-level unified diff, each line indented by two spaces.
fn unified(old: &str, new: &str) -> String {
    // An empty text has no line (not one empty line), so an added article shows
    // only `+` lines.
    let lines = |t: &str| if t.is_empty() { String::new() } else { format!("{t}\n") };
    let (old, new) = (lines(old), lines(new));
    let diff = TextDiff::from_lines(&old, &new);
    let mut out = String::new();
    for hunk in diff
        .unified_diff()
        .context_radius(1)
        .missing_newline_hint(false)
        .iter_hunks()
    {
        for line in hunk.to_string().lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Amendments
// ---------------------------------------------------------------------------

/// One change an amendment makes to the articles. Edits apply in order, so a
/// later edit sees the result of the earlier ones (an article may be removed
/// and inserted again elsewhere, which is how an article changes section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ArticleEdit {
    /// New title and text for an existing article (its number and section stay).
    Replace {
        /// The article.
        number: String,
        /// The new title.
        title: String,
        /// The new text (Markdown).
        body: String,
    },
    /// A new article, after `after` (`None`: first).
    Insert {
        /// The article it follows.
        after: Option<String>,
        /// The new article (its section as given).
        article: Article,
    },
    /// An article repealed.
    Remove {
        /// The article.
        number: String,
    },
}

/// A proposed change to the bylaws: article edits and/or a new governance
/// schedule, drafted against one version (`base_version`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// The version the amendment was drafted on.
    pub base_version: u32,
    /// The article edits, applied in order.
    pub changes: Vec<ArticleEdit>,
    /// The whole new schedule, when the amendment changes it.
    pub parameters: Option<GovernanceSchedule>,
    /// Why (Markdown), shown with the ballot.
    pub rationale: String,
}

/// Why an amendment cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AmendmentError {
    /// An edit names an article that does not exist (at that point).
    #[error("change {}: there is no article {number}", edit + 1)]
    UnknownArticle {
        /// The edit (0-based).
        edit: usize,
        /// The number.
        number: String,
    },
    /// An insertion uses a number already taken.
    #[error("change {}: article {number} already exists", edit + 1)]
    DuplicateNumber {
        /// The edit (0-based).
        edit: usize,
        /// The number.
        number: String,
    },
    /// An edit makes an invalid article, or the result is invalid (`edit` is
    /// `None` when only the whole result shows it, e.g. a section order).
    #[error("{}{problem}", edit.map(|e| format!("change {}: ", e + 1)).unwrap_or_default())]
    Invalid {
        /// The edit (0-based), when one edit is at fault.
        edit: Option<usize>,
        /// What is wrong.
        problem: Problem,
    },
    /// The result would have no article.
    #[error("the bylaws would have no article left")]
    EmptyResult,
}

/// Applies the amendment's article edits to `base`. Titles are trimmed and
/// bodies normalised ([`normalise_body`]), numbers of inserted articles made
/// canonical; the result passes [`check_bylaws`]. The schedule is not touched:
/// see [`adopted_schedule`]. Checking that `base` is the amendment's base
/// version is the caller's job (see [`conflicts`] and [`rebase`]).
pub fn apply(base: &Bylaws, amendment: &Amendment) -> Result<Bylaws, AmendmentError> {
    let mut articles = base.articles.clone();
    let find = |articles: &[Article], number: &str| articles.iter().position(|a| a.number == number);
    for (e, edit) in amendment.changes.iter().enumerate() {
        let invalid = |problem| AmendmentError::Invalid { edit: Some(e), problem };
        let unknown = |number: &str| AmendmentError::UnknownArticle {
            edit: e,
            number: number.to_string(),
        };
        match edit {
            ArticleEdit::Replace { number, title, body } => {
                let i = find(&articles, number).ok_or_else(|| unknown(number))?;
                let a = &mut articles[i];
                a.title = title.trim().to_string();
                a.body = normalise_body(body);
                check_article(a).map_err(invalid)?;
            }
            ArticleEdit::Insert { after, article } => {
                let number = canonical_number(&article.number).ok_or_else(|| {
                    invalid(Problem::InvalidNumber {
                        number: article.number.clone(),
                    })
                })?;
                if find(&articles, &number).is_some() {
                    return Err(AmendmentError::DuplicateNumber { edit: e, number });
                }
                let at = match after {
                    None => 0,
                    Some(anchor) => find(&articles, anchor).ok_or_else(|| unknown(anchor))? + 1,
                };
                if articles.len() >= MAX_ARTICLES {
                    return Err(invalid(Problem::TooManyArticles { max: MAX_ARTICLES }));
                }
                let new = Article {
                    number,
                    title: article.title.trim().to_string(),
                    body: normalise_body(&article.body),
                    section: article.section.as_ref().map(|s| s.trim().to_string()),
                };
                check_article(&new).map_err(invalid)?;
                articles.insert(at, new);
            }
            ArticleEdit::Remove { number } => {
                let i = find(&articles, number).ok_or_else(|| unknown(number))?;
                articles.remove(i);
            }
        }
    }
    if articles.is_empty() {
        return Err(AmendmentError::EmptyResult);
    }
    let result = Bylaws { articles };
    check_bylaws(&result).map_err(|e| match e {
        BylawsError::Empty => AmendmentError::EmptyResult,
        BylawsError::Article { problem, .. } => AmendmentError::Invalid { edit: None, problem },
    })?;
    Ok(result)
}

/// The article edits that turn `old` into `new`, for an amendment drafted by
/// editing the whole text: repeals (and articles that change place or section)
/// first, then rewordings in place, then insertions in the order of `new`, each
/// after the article that precedes it there. `apply(old, edits_between(old, new))`
/// gives `new` whenever `new` is valid and normalised (as [`parse_markdown`] makes it).
pub fn edits_between(old: &Bylaws, new: &Bylaws) -> Vec<ArticleEdit> {
    let old_numbers: Vec<&str> = old.articles.iter().map(|a| a.number.as_str()).collect();
    let new_numbers: Vec<&str> = new.articles.iter().map(|a| a.number.as_str()).collect();
    // Articles that keep their place (the longest common sequence) and section.
    let mut stays = std::collections::BTreeSet::new();
    for op in similar::capture_diff_slices(Algorithm::Myers, &old_numbers, &new_numbers) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                if old.articles[old_index + k].section == new.articles[new_index + k].section {
                    stays.insert(new_index + k);
                }
            }
        }
    }
    let staying = |number: &str| {
        new_numbers
            .iter()
            .position(|n| *n == number)
            .filter(|j| stays.contains(j))
    };
    let mut edits: Vec<ArticleEdit> = old
        .articles
        .iter()
        .filter(|a| staying(&a.number).is_none())
        .map(|a| ArticleEdit::Remove {
            number: a.number.clone(),
        })
        .collect();
    for &j in &stays {
        let (a, before) = (&new.articles[j], old.article(&new.articles[j].number));
        if before.is_some_and(|b| b.title != a.title || b.body != a.body) {
            edits.push(ArticleEdit::Replace {
                number: a.number.clone(),
                title: a.title.clone(),
                body: a.body.clone(),
            });
        }
    }
    for (j, a) in new.articles.iter().enumerate() {
        if !stays.contains(&j) {
            edits.push(ArticleEdit::Insert {
                after: j.checked_sub(1).map(|k| new.articles[k].number.clone()),
                article: a.clone(),
            });
        }
    }
    edits
}

/// The schedule in force once the amendment is adopted: its own, or `current`.
pub fn adopted_schedule(current: &GovernanceSchedule, amendment: &Amendment) -> GovernanceSchedule {
    amendment.parameters.clone().unwrap_or_else(|| current.clone())
}

/// Every problem with an amendment as drafted, field by field (empty when none):
/// a rationale, at least one change, at most [`MAX_EDITS`] edits, a valid schedule.
/// Whether the edits apply is [`apply`]'s question.
pub fn check_amendment(amendment: &Amendment) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let rationale = amendment.rationale.trim();
    if rationale.is_empty() || rationale.chars().count() > MAX_RATIONALE_CHARS {
        errors.push((
            "rationale".to_string(),
            format!("Explain the amendment in 1 to {MAX_RATIONALE_CHARS} characters."),
        ));
    }
    if amendment.changes.is_empty() && amendment.parameters.is_none() {
        errors.push((
            "changes".to_string(),
            "An amendment changes at least one article or the governance schedule.".to_string(),
        ));
    }
    if amendment.changes.len() > MAX_EDITS {
        errors.push((
            "changes".to_string(),
            format!("An amendment makes at most {MAX_EDITS} changes."),
        ));
    }
    if let Some(schedule) = &amendment.parameters {
        errors.extend(
            schedule
                .validate()
                .into_iter()
                .map(|(field, message)| (format!("parameters.{field}"), message)),
        );
    }
    errors
}

/// Why an amendment drafted on an older version must be rebased by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "conflict", rename_all = "snake_case")]
pub enum Conflict {
    /// The amendment says it was drafted on another version than the one given.
    #[error("the amendment was drafted on version {amendment_base}, not on version {given}")]
    WrongBase {
        /// The amendment's `base_version`.
        amendment_base: u32,
        /// The version given as its base.
        given: u32,
    },
    /// The amendment claims a base newer than the current version.
    #[error("the amendment was drafted on version {base_version}, newer than the current version {current_version}")]
    BaseAhead {
        /// The amendment's base.
        base_version: u32,
        /// The current version.
        current_version: u32,
    },
    /// An edited article changed (title, text or section) since the base.
    #[error("change {}: article {number} was amended since this draft was written", edit + 1)]
    ArticleChanged {
        /// The edit (0-based).
        edit: usize,
        /// The article.
        number: String,
    },
    /// An edited article was removed since the base.
    #[error("change {}: article {number} was repealed since this draft was written", edit + 1)]
    ArticleRemoved {
        /// The edit (0-based).
        edit: usize,
        /// The article.
        number: String,
    },
    /// An inserted article's number was taken since the base.
    #[error("change {}: another amendment added an article {number} since this draft was written", edit + 1)]
    NumberTaken {
        /// The edit (0-based).
        edit: usize,
        /// The number.
        number: String,
    },
    /// The place of an insertion changed since the base (its anchor was removed or
    /// another article now stands where it would go).
    #[error("change {}: the place of the new article changed since this draft was written", edit + 1)]
    PlaceChanged {
        /// The edit (0-based).
        edit: usize,
        /// The article it was to follow.
        after: Option<String>,
    },
    /// A schedule field the amendment changes was changed since the base too.
    #[error("the governance schedule's `{field}` was changed since this draft was written")]
    ParameterChanged {
        /// The field's path (`decisions.dissolution`, `notice_days`).
        field: String,
    },
    /// The rebased amendment does not apply to the current version.
    #[error("the draft no longer applies: {error}")]
    NoLongerApplies {
        /// Why.
        error: AmendmentError,
    },
}

/// The article edits of an amendment drafted on `base` that clash with what
/// changed between `base` and `current` (empty when the amendment's base is the
/// current version). An edited article conflicts when its title, text or section
/// changed or it was removed; an insertion conflicts when its number was taken or
/// its place changed (its anchor removed, or the article after the anchor is not
/// the same). Articles inserted earlier by the same amendment are its own and do
/// not conflict. Changes to other articles do not conflict: [`rebase`] carries
/// the amendment over them.
pub fn conflicts(current_version: u32, current: &Bylaws, base: &Bylaws, amendment: &Amendment) -> Vec<Conflict> {
    if amendment.base_version == current_version {
        return Vec::new();
    }
    if amendment.base_version > current_version {
        return vec![Conflict::BaseAhead {
            base_version: amendment.base_version,
            current_version,
        }];
    }
    let mut out = Vec::new();
    let mut own: BTreeSet<String> = BTreeSet::new();
    let follower = |b: &Bylaws, after: Option<&str>| -> Option<String> {
        let i = match after {
            None => 0,
            Some(n) => b.position(n)? + 1,
        };
        b.articles.get(i).map(|a| a.number.clone())
    };
    for (e, edit) in amendment.changes.iter().enumerate() {
        match edit {
            ArticleEdit::Replace { number, .. } | ArticleEdit::Remove { number } => {
                if own.contains(number) {
                    continue;
                }
                match (base.article(number), current.article(number)) {
                    (Some(_), None) => out.push(Conflict::ArticleRemoved {
                        edit: e,
                        number: number.clone(),
                    }),
                    (Some(b), Some(c)) if b != c => out.push(Conflict::ArticleChanged {
                        edit: e,
                        number: number.clone(),
                    }),
                    // Not in the base: apply refuses it; not a staleness question.
                    _ => {}
                }
            }
            ArticleEdit::Insert { after, article } => {
                let number = canonical_number(&article.number).unwrap_or_else(|| article.number.clone());
                if base.article(&number).is_none() && current.article(&number).is_some() {
                    out.push(Conflict::NumberTaken {
                        edit: e,
                        number: number.clone(),
                    });
                }
                let anchor_is_own = after.as_ref().is_some_and(|a| own.contains(a));
                if !anchor_is_own {
                    let anchor_gone = after.as_deref().is_some_and(|a| current.article(a).is_none());
                    if anchor_gone || follower(base, after.as_deref()) != follower(current, after.as_deref()) {
                        out.push(Conflict::PlaceChanged {
                            edit: e,
                            after: after.clone(),
                        });
                    }
                }
            }
        }
        // An article the amendment inserted is its own: later edits to it cannot
        // be stale.
        if let ArticleEdit::Insert { article, .. } = edit {
            own.insert(canonical_number(&article.number).unwrap_or_else(|| article.number.clone()));
        }
    }
    out
}

/// The schedule fields that the amendment changes (relative to `base_schedule`)
/// and that also changed between `base_schedule` and `current_schedule`. Fields
/// are compared one by one (each decision kind and each distribution setting on
/// its own), so two amendments to different parameters do not conflict.
pub fn parameter_conflicts(
    current_schedule: &GovernanceSchedule,
    base_schedule: &GovernanceSchedule,
    amendment: &Amendment,
) -> Vec<Conflict> {
    match &amendment.parameters {
        None => Vec::new(),
        Some(amended) => merge_schedules(base_schedule, amended, current_schedule).1,
    }
}

/// One adopted version as the rebase needs it.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// The version number.
    pub number: u32,
    /// Its articles.
    pub bylaws: &'a Bylaws,
    /// Its schedule.
    pub schedule: &'a GovernanceSchedule,
}

/// Carries an amendment drafted on `base` over to `current`, when nothing it
/// edits changed in between: the same edits, `base_version` set to the current
/// version, and a schedule that keeps what changed since the base and adds what
/// the amendment changes (a three-way merge, field by field). Otherwise every
/// conflict, for the board to resolve by redrafting. A rebased amendment is
/// checked to apply to `current`.
pub fn rebase(current: Version<'_>, base: Version<'_>, amendment: &Amendment) -> Result<Amendment, Vec<Conflict>> {
    if amendment.base_version != base.number {
        return Err(vec![Conflict::WrongBase {
            amendment_base: amendment.base_version,
            given: base.number,
        }]);
    }
    let mut found = conflicts(current.number, current.bylaws, base.bylaws, amendment);
    let parameters = match &amendment.parameters {
        None => None,
        Some(amended) => {
            let (merged, clashes) = merge_schedules(base.schedule, amended, current.schedule);
            found.extend(clashes);
            Some(merged)
        }
    };
    if !found.is_empty() {
        return Err(found);
    }
    let rebased = Amendment {
        base_version: current.number,
        changes: amendment.changes.clone(),
        parameters,
        rationale: amendment.rationale.clone(),
    };
    apply(current.bylaws, &rebased).map_err(|error| vec![Conflict::NoLongerApplies { error }])?;
    Ok(rebased)
}

/// The schedule fields merged one by one: objects at these paths are merged key
/// by key; every other value is one field. (Quorums and proxy limits are tagged
/// objects that must not be merged inside.)
const MERGED_GROUPS: [&str; 3] = ["", "decisions", "distribution"];

/// Three-way merge of schedules: the merged schedule and the conflicting fields.
fn merge_schedules(
    base: &GovernanceSchedule,
    amended: &GovernanceSchedule,
    current: &GovernanceSchedule,
) -> (GovernanceSchedule, Vec<Conflict>) {
    let values = (
        serde_json::to_value(base),
        serde_json::to_value(amended),
        serde_json::to_value(current),
    );
    let (Ok(b), Ok(a), Ok(c)) = values else {
        // Cannot happen for this plain data type; refuse to guess if it does.
        return (
            current.clone(),
            vec![Conflict::ParameterChanged {
                field: "parameters".into(),
            }],
        );
    };
    let mut clashes = Vec::new();
    let merged = merge_value("", &b, &a, &c, &mut clashes);
    match serde_json::from_value(merged) {
        Ok(schedule) => (schedule, clashes),
        Err(_) => (
            current.clone(),
            vec![Conflict::ParameterChanged {
                field: "parameters".into(),
            }],
        ),
    }
}

fn merge_value(
    path: &str,
    base: &serde_json::Value,
    amended: &serde_json::Value,
    current: &serde_json::Value,
    clashes: &mut Vec<Conflict>,
) -> serde_json::Value {
    use serde_json::Value;
    if amended == base || amended == current {
        return current.clone();
    }
    if current == base {
        return amended.clone();
    }
    if let (true, Value::Object(b), Value::Object(a), Value::Object(c)) =
        (MERGED_GROUPS.contains(&path), base, amended, current)
    {
        let keys: BTreeSet<&String> = b.keys().chain(a.keys()).chain(c.keys()).collect();
        let mut out = serde_json::Map::new();
        for key in keys {
            let sub = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let pick = |m: &serde_json::Map<String, Value>| m.get(key).cloned().unwrap_or(Value::Null);
            let v = merge_value(&sub, &pick(b), &pick(a), &pick(c), clashes);
            out.insert(key.clone(), v);
        }
        return Value::Object(out);
    }
    clashes.push(Conflict::ParameterChanged {
        field: path.to_string(),
    });
    current.clone()
}

// ---------------------------------------------------------------------------
// The governance schedule
// ---------------------------------------------------------------------------

/// The kinds of decision the schedule sets a rule for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Any decision the bylaws do not name.
    Ordinary,
    /// An amendment of the bylaws (and of this schedule).
    BylawAmendment,
    /// Admitting a member.
    Admission,
    /// Expelling a member.
    Expulsion,
    /// Approving a year-end distribution.
    DistributionApproval,
    /// Dissolving the co-op.
    Dissolution,
}

impl DecisionKind {
    /// Every kind, in a stable order.
    pub const ALL: [DecisionKind; 6] = [
        DecisionKind::Ordinary,
        DecisionKind::BylawAmendment,
        DecisionKind::Admission,
        DecisionKind::Expulsion,
        DecisionKind::DistributionApproval,
        DecisionKind::Dissolution,
    ];

    /// The name used in the API and in field paths (`bylaw_amendment`).
    pub fn name(self) -> &'static str {
        match self {
            DecisionKind::Ordinary => "ordinary",
            DecisionKind::BylawAmendment => "bylaw_amendment",
            DecisionKind::Admission => "admission",
            DecisionKind::Expulsion => "expulsion",
            DecisionKind::DistributionApproval => "distribution_approval",
            DecisionKind::Dissolution => "dissolution",
        }
    }

    /// The kind a [`DecisionKind::name`] names.
    pub fn parse(name: &str) -> Option<DecisionKind> {
        DecisionKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for DecisionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What one kind of decision needs: a quorum, and a threshold on a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// Who must take part.
    pub quorum: Quorum,
    /// The majority.
    pub threshold: Threshold,
    /// What the majority is measured against.
    pub base: Base,
}

/// The rule of every kind of decision. A struct rather than a map, so a schedule
/// can never miss a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    /// Ordinary decisions.
    pub ordinary: DecisionRule,
    /// Amendments of the bylaws.
    pub bylaw_amendment: DecisionRule,
    /// Admissions.
    pub admission: DecisionRule,
    /// Expulsions.
    pub expulsion: DecisionRule,
    /// Approval of a year-end distribution.
    pub distribution_approval: DecisionRule,
    /// Dissolution.
    pub dissolution: DecisionRule,
}

impl Decisions {
    /// The rule of one kind.
    pub fn get(&self, kind: DecisionKind) -> DecisionRule {
        match kind {
            DecisionKind::Ordinary => self.ordinary,
            DecisionKind::BylawAmendment => self.bylaw_amendment,
            DecisionKind::Admission => self.admission,
            DecisionKind::Expulsion => self.expulsion,
            DecisionKind::DistributionApproval => self.distribution_approval,
            DecisionKind::Dissolution => self.dissolution,
        }
    }
}

/// Who votes on a decision: the members, or the board where the bylaws give it
/// the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidingBody {
    /// The members in good standing, by ballot.
    Members,
    /// The members of the board in good standing, by a ballot of the board under
    /// the board's quorum.
    Board,
}

impl DecidingBody {
    /// The name used in the API and the database (`board`).
    pub fn name(self) -> &'static str {
        match self {
            DecidingBody::Members => "members",
            DecidingBody::Board => "board",
        }
    }

    /// The body a [`DecidingBody::name`] names.
    pub fn parse(name: &str) -> Option<DecidingBody> {
        [DecidingBody::Members, DecidingBody::Board]
            .into_iter()
            .find(|b| b.name() == name)
    }
}

/// Who approves a year-end distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistributionApprover {
    /// A ballot of the members, under the `distribution_approval` rule.
    MembersBallot,
    /// A recorded decision of the board.
    Board,
}

/// The measure of patronage for the year-end distribution. (A weighted mix is set
/// in the distribution's rule set itself.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatronageBasis {
    /// Hours worked.
    Hours,
    /// Wages paid.
    Wages,
    /// Equal shares.
    Equal,
}

/// The names of the distribution presets (`crate::patronage::rules::Preset`) and
/// `custom`.
pub const PRESETS: [&str; 5] = ["scop_fr", "us_worker", "ca_federal", "qc_worker", "custom"];

/// The year-end distribution limits the bylaws set; the service maps them onto
/// the distribution's rule set. Rates are decimal strings in [0, 1] with at most
/// four decimals (`"0.15"` is 15 %), kept as text so this module needs no decimal
/// type and the stored JSON says exactly what the members adopted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionSchedule {
    /// The rule-set preset the distribution starts from (one of [`PRESETS`]).
    pub preset: String,
    /// The measure of patronage.
    pub basis: PatronageBasis,
    /// The share of the surplus put in the indivisible reserve.
    pub reserve_rate: String,
    /// The yearly cap on the return on each member's shares (`"0"`: none paid).
    pub share_return_rate: String,
    /// Who approves a distribution.
    pub approved_by: DistributionApprover,
}

/// The governance schedule: the typed part of a version of the bylaws, which
/// ballots, admissions, redemptions and distributions obey from the day the
/// version is in force. It changes only by amendment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceSchedule {
    /// The rule of each kind of decision.
    pub decisions: Decisions,
    /// How many proxies a member may hold.
    pub proxies: ProxyLimit,
    /// Whether ballots are secret unless the board decides otherwise.
    pub secret_ballots: bool,
    /// Whether members on leave keep their vote.
    pub members_on_leave_vote: bool,
    /// Whether the qualifying share must be fully paid to be a full member and vote.
    pub qualifying_share_must_be_paid: bool,
    /// Months of probation before admission (1 to 60), or none.
    pub probation_months: Option<u32>,
    /// Whether redemptions wait until the year's accounts are approved.
    pub redemption_hold: bool,
    /// Paid-up capital below which no redemption may take the co-op: a decimal
    /// string, zero or more, at most two decimals (`"1000.00"`).
    pub capital_floor: String,
    /// Days of notice before a general meeting or a ballot opens (0 to 365).
    pub notice_days: u32,
    /// The year-end distribution.
    pub distribution: DistributionSchedule,
    /// Who decides admissions (the board, in most bylaws). Schedules stored before
    /// this was kept read as the board, which Concord's register assumed then.
    #[serde(default = "board_decides")]
    pub admission_by: DecidingBody,
    /// Who decides expulsions. Schedules stored before this was kept read as the
    /// members, under the expulsion rule they already set.
    #[serde(default = "members_decide")]
    pub expulsion_by: DecidingBody,
    /// The quorum of a ballot of the board, measured on the board's members in
    /// good standing when it opens.
    #[serde(default = "half_of_the_board")]
    pub board_quorum: Quorum,
    /// Whether a member must be sent the grounds in writing and heard before a
    /// vote on their expulsion opens.
    #[serde(default = "hearing_required")]
    pub hearing_before_expulsion: bool,
}

fn board_decides() -> DecidingBody {
    DecidingBody::Board
}

fn members_decide() -> DecidingBody {
    DecidingBody::Members
}

fn half_of_the_board() -> Quorum {
    Quorum::Fraction {
        fraction: Fraction {
            numerator: 1,
            denominator: 2,
        },
    }
}

fn hearing_required() -> bool {
    true
}

/// Whether `s` is a plain decimal: digits (no leading zero unless alone), then
/// optionally a point and 1 to `max_decimals` digits.
fn is_decimal(s: &str, max_decimals: usize, max_int_digits: usize) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let int_ok = !int.is_empty()
        && int.len() <= max_int_digits
        && int.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'));
    let frac_ok = if s.contains('.') {
        (1..=max_decimals).contains(&frac.len()) && frac.bytes().all(|b| b.is_ascii_digit())
    } else {
        true
    };
    int_ok && frac_ok
}

/// Whether `s` is a rate: a decimal in [0, 1] with at most four decimals.
fn is_rate(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    is_decimal(s, 4, 1) && (int == "0" || (int == "1" && frac.bytes().all(|b| b == b'0')))
}

fn fraction_ok(f: Fraction) -> bool {
    Fraction::new(f.numerator, f.denominator).is_ok()
}

fn check_quorum(field: String, quorum: Quorum, errors: &mut Vec<(String, String)>) {
    match quorum {
        Quorum::Fraction { fraction } if !fraction_ok(fraction) => {
            errors.push((field, "A quorum fraction lies between 0 and 1, e.g. 1/4.".into()))
        }
        Quorum::Count { count } if count == 0 || count > 1_000_000 => {
            errors.push((field, "A quorum is 1 to 1,000,000 members, or none.".into()))
        }
        _ => {}
    }
}

fn check_rule(field: &str, rule: &DecisionRule, errors: &mut Vec<(String, String)>) {
    check_quorum(format!("{field}.quorum"), rule.quorum, errors);
    if let Threshold::Custom { fraction } = rule.threshold {
        if !fraction_ok(fraction) {
            errors.push((
                format!("{field}.threshold"),
                "A majority fraction lies between 0 and 1, e.g. 3/5.".into(),
            ));
        }
    }
}

impl GovernanceSchedule {
    /// Concord's defaults, for a co-op that has not adopted bylaws in Concord yet:
    /// - ordinary decisions, admissions and distribution approvals: a simple
    ///   majority of the votes cast (abstentions left out), quorum one quarter of
    ///   the roll;
    /// - bylaw amendments, expulsions and dissolution: two thirds of the votes cast
    ///   (abstentions left out), quorum one half of the roll (the decisions that
    ///   change the co-op or a member's place in it ask more);
    /// - no proxies, secret ballots, members on leave vote, the qualifying share
    ///   must be fully paid, no probation, no redemption hold, no capital floor,
    ///   15 days' notice;
    /// - distribution: custom rule set by hours, 15 % to the reserve, no return on
    ///   shares, approved by the members' ballot;
    /// - admissions decided by the board, expulsions by the members after the
    ///   member was sent the grounds and heard; the board's quorum is half its
    ///   members.
    pub fn defaults() -> Self {
        let quarter = Quorum::Fraction {
            fraction: Fraction {
                numerator: 1,
                denominator: 4,
            },
        };
        let half = Quorum::Fraction {
            fraction: Fraction {
                numerator: 1,
                denominator: 2,
            },
        };
        let simple = DecisionRule {
            quorum: quarter,
            threshold: Threshold::Simple,
            base: Base::CastExcludingAbstentions,
        };
        let two_thirds = DecisionRule {
            quorum: half,
            threshold: Threshold::TwoThirds,
            base: Base::CastExcludingAbstentions,
        };
        GovernanceSchedule {
            decisions: Decisions {
                ordinary: simple,
                bylaw_amendment: two_thirds,
                admission: simple,
                expulsion: two_thirds,
                distribution_approval: simple,
                dissolution: two_thirds,
            },
            proxies: ProxyLimit::None,
            secret_ballots: true,
            members_on_leave_vote: true,
            qualifying_share_must_be_paid: true,
            probation_months: None,
            redemption_hold: false,
            capital_floor: "0.00".into(),
            notice_days: 15,
            distribution: DistributionSchedule {
                preset: "custom".into(),
                basis: PatronageBasis::Hours,
                reserve_rate: "0.15".into(),
                share_return_rate: "0".into(),
                approved_by: DistributionApprover::MembersBallot,
            },
            admission_by: board_decides(),
            expulsion_by: members_decide(),
            board_quorum: half_of_the_board(),
            hearing_before_expulsion: hearing_required(),
        }
    }

    /// A schedule from the co-op's flat parameters (`crate::coops::rules::Parameters`,
    /// before bylaws existed): those fields are kept, the ballot parameters become
    /// the ordinary rule and the proxy limit and secrecy; every other setting is
    /// [`GovernanceSchedule::defaults`]. `capital_floor` is the decimal's text.
    pub fn from_flat(
        requires_qualifying_share: bool,
        probation_months: Option<u32>,
        members_on_leave_may_vote: bool,
        redemption_hold: bool,
        capital_floor: String,
        ballots: BallotParameters,
    ) -> Self {
        let mut s = GovernanceSchedule::defaults();
        s.qualifying_share_must_be_paid = requires_qualifying_share;
        s.probation_months = probation_months;
        s.members_on_leave_vote = members_on_leave_may_vote;
        s.redemption_hold = redemption_hold;
        s.capital_floor = capital_floor;
        s.decisions.ordinary = DecisionRule {
            quorum: ballots.quorum,
            threshold: ballots.threshold,
            base: ballots.base,
        };
        s.proxies = ballots.proxies;
        s.secret_ballots = ballots.secret;
        s
    }

    /// Who the schedule gives a decision of `kind`: the board for an admission, an
    /// expulsion or a distribution's approval when the schedule says so, the members
    /// otherwise. (The members may still approve a distribution themselves: a
    /// distribution's rule set may ask for their ballot.)
    pub fn decided_by(&self, kind: DecisionKind) -> DecidingBody {
        match kind {
            DecisionKind::Admission => self.admission_by,
            DecisionKind::Expulsion => self.expulsion_by,
            DecisionKind::DistributionApproval => match self.distribution.approved_by {
                DistributionApprover::Board => DecidingBody::Board,
                DistributionApprover::MembersBallot => DecidingBody::Members,
            },
            DecisionKind::Ordinary | DecisionKind::BylawAmendment | DecisionKind::Dissolution => DecidingBody::Members,
        }
    }

    /// The least rule of a ballot of the board on `kind`: the kind's threshold and
    /// base, the board's quorum, no proxies (a director's vote is personal) and open
    /// voting allowed (the board's minutes record how each director voted).
    pub fn board_parameters(&self, kind: DecisionKind) -> BallotParameters {
        let rule = self.decisions.get(kind);
        BallotParameters {
            quorum: self.board_quorum,
            threshold: rule.threshold,
            base: rule.base,
            proxies: ProxyLimit::None,
            secret: false,
        }
    }

    /// The ballot parameters (defaults and limits of a ballot) for one kind of
    /// decision, as the ballots module takes them.
    pub fn ballot_parameters(&self, kind: DecisionKind) -> BallotParameters {
        let rule = self.decisions.get(kind);
        BallotParameters {
            quorum: rule.quorum,
            threshold: rule.threshold,
            base: rule.base,
            proxies: self.proxies,
            secret: self.secret_ballots,
        }
    }

    /// Every problem, as `(field, message)` with the field's path as the API names
    /// it (`decisions.dissolution.quorum`, `distribution.reserve_rate`); empty when
    /// the schedule is valid.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut errors = Vec::new();
        for kind in DecisionKind::ALL {
            check_rule(&format!("decisions.{kind}"), &self.decisions.get(kind), &mut errors);
        }
        check_quorum("board_quorum".into(), self.board_quorum, &mut errors);
        match self.proxies {
            ProxyLimit::PerHolder { count } if count == 0 || count > 1000 => {
                errors.push(("proxies".into(), "Give 1 to 1,000 proxies per member, or none.".into()))
            }
            ProxyLimit::OnePer { members } if members == 0 || members > 1_000_000 => errors.push((
                "proxies".into(),
                "Give the number of members per proxy (1 or more).".into(),
            )),
            _ => {}
        }
        if let Some(months) = self.probation_months {
            if !(1..=60).contains(&months) {
                errors.push(("probation_months".into(), "Give 1 to 60 months, or none.".into()));
            }
        }
        if !is_decimal(&self.capital_floor, 2, 12) {
            errors.push((
                "capital_floor".into(),
                "Give an amount of zero or more with at most two decimals, e.g. 1000.00.".into(),
            ));
        }
        if self.notice_days > 365 {
            errors.push(("notice_days".into(), "Give 0 to 365 days.".into()));
        }
        let d = &self.distribution;
        if !PRESETS.contains(&d.preset.as_str()) {
            errors.push((
                "distribution.preset".into(),
                format!("Choose one of {}.", PRESETS.join(", ")),
            ));
        }
        for (field, value) in [
            ("distribution.reserve_rate", &d.reserve_rate),
            ("distribution.share_return_rate", &d.share_return_rate),
        ] {
            if !is_rate(value) {
                errors.push((
                    field.into(),
                    "Give a rate between 0 and 1 with at most four decimals, e.g. 0.15 for 15 %.".into(),
                ));
            }
        }
        errors
    }
}

/// One field of the governance schedule an amendment changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleChange {
    /// The field's path as the API names it (`decisions.ordinary.quorum`).
    pub field: String,
    /// Its value in force, as JSON text.
    pub old: String,
    /// Its value once adopted, as JSON text.
    pub new: String,
}

/// The fields of the schedule that differ between `old` and `new`, in a stable
/// order, each at the deepest level where the two differ in shape (a quorum that
/// changes kind is one change, not one per sub-field).
pub fn schedule_changes(old: &GovernanceSchedule, new: &GovernanceSchedule) -> Vec<ScheduleChange> {
    fn walk(path: &str, old: &serde_json::Value, new: &serde_json::Value, out: &mut Vec<ScheduleChange>) {
        use serde_json::Value::Object;
        match (old, new) {
            (Object(a), Object(b)) if a.keys().eq(b.keys()) => {
                for (key, value) in a {
                    let sub = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(&sub, value, &b[key], out);
                }
            }
            _ if old != new => out.push(ScheduleChange {
                field: path.to_string(),
                old: old.to_string(),
                new: new.to_string(),
            }),
            _ => {}
        }
    }
    let mut out = Vec::new();
    // A schedule always serialises (plain data), so `Null` is never compared.
    let as_json = |s: &GovernanceSchedule| serde_json::to_value(s).unwrap_or_default();
    walk("", &as_json(old), &as_json(new), &mut out);
    out
}

/// Whether `new` changes how an amendment is decided: the amendment rule, or
/// who votes on it and how (proxies, secrecy, notice, members on leave, the paid
/// qualifying share). Informative — for the ballot page to say "this amendment
/// changes the amendment procedure; it is decided under the current one" — since
/// the caller always uses [`procedure_for_amendment`] of the current version.
pub fn amendment_procedure_changed(old: &GovernanceSchedule, new: &GovernanceSchedule) -> bool {
    old.decisions.bylaw_amendment != new.decisions.bylaw_amendment
        || old.proxies != new.proxies
        || old.secret_ballots != new.secret_ballots
        || old.notice_days != new.notice_days
        || old.members_on_leave_vote != new.members_on_leave_vote
        || old.qualifying_share_must_be_paid != new.qualifying_share_must_be_paid
}

/// The rule an amendment's ballot must meet. **The caller must pass the schedule
/// of the version in force when the ballot opens (the CURRENT version), never the
/// amendment's own `parameters`**: an amendment that changes the amendment
/// procedure is decided under the old procedure, so that a majority cannot lower
/// the bar in the same vote that it clears it.
pub fn procedure_for_amendment(current: &GovernanceSchedule) -> DecisionRule {
    current.decisions.bylaw_amendment
}

/// The article of `bylaws` that sets the notice members get of a meeting or a
/// ballot, so a refusal can name it: the first article whose text states the
/// schedule's number of days ("**15 days**", "15 jours"), otherwise the first that
/// speaks of notice of something or of convening members; `None` when no article does.
pub fn notice_article(bylaws: &Bylaws, notice_days: u32) -> Option<&Article> {
    let plain = |a: &Article| a.body.replace('*', "").to_lowercase();
    let figure = [format!("{notice_days} day"), format!("{notice_days} jour")];
    bylaws
        .articles
        .iter()
        .find(|a| {
            let text = plain(a);
            figure.iter().any(|f| text.contains(f.as_str()))
        })
        .or_else(|| {
            bylaws.articles.iter().find(|a| {
                let text = plain(a);
                ["notice of", "convoqu", "préavis"].iter().any(|w| text.contains(w))
            })
        })
}

/// An article's number, short enough to copy (the longest canonical number,
/// `9999 quinquies`, takes 14 bytes), so a ballot's legal basis can name it and stay
/// a plain value. Reads and writes as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArticleNumber(arrayvec::ArrayString<16>);

impl ArticleNumber {
    /// The number of `article` (always short enough: [`canonical_number`] keeps it so).
    pub fn of(article: &Article) -> Option<ArticleNumber> {
        arrayvec::ArrayString::from(&article.number).ok().map(ArticleNumber)
    }
}

impl fmt::Display for ArticleNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The article of `bylaws` that sets the rule of `kind`, so a decision can name its
/// legal basis: the first article that speaks both of that kind of decision and of a
/// majority or a quorum ("may be expelled … by a majority of two thirds", "la
/// dissolution exigent un quorum"). A kind no article names is decided under the
/// article of ordinary decisions when the schedule gives it the ordinary rule;
/// otherwise, or when no article states the ordinary rule either, `None`.
pub fn decision_article<'a>(bylaws: &'a Bylaws, decisions: &Decisions, kind: DecisionKind) -> Option<&'a Article> {
    // English and French stems; "être exclu" rather than "exclu", which English
    // shares ("abstentions are excluded").
    let names: &[&str] = match kind {
        DecisionKind::Ordinary => &["decision", "décision"],
        DecisionKind::BylawAmendment => &["amend", "modification"],
        DecisionKind::Admission => &["admission", "admit"],
        DecisionKind::Expulsion => &["expel", "expulsion", "exclusion", "être exclu"],
        DecisionKind::DistributionApproval => &["distribution", "surplus", "répartition", "excédent"],
        DecisionKind::Dissolution => &["dissol", "dissou"],
    };
    // "A majority", "un quorum" in the singular: an article listing "the quorums and
    // majorities" (the schedule's own article) sets none.
    let sets_a_rule = |a: &Article, names: &[&str]| {
        let text = a.body.replace('*', "").to_lowercase();
        names.iter().any(|n| text.contains(n))
            && text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| ["majority", "majorité", "quorum"].contains(&w))
    };
    bylaws.articles.iter().find(|a| sets_a_rule(a, names)).or_else(|| {
        (kind != DecisionKind::Ordinary && decisions.get(kind) == decisions.ordinary)
            .then(|| decision_article(bylaws, decisions, DecisionKind::Ordinary))
            .flatten()
    })
}

/// The article of `bylaws` that sets the year-end distribution's limits, so the
/// distribution page can name it: the first article that speaks of the reserve and
/// states the schedule's reserve rate as a percentage ("at least **25 %** of the
/// surplus goes to the indivisible reserve", "au moins 25 % … à la réserve"),
/// otherwise the first that speaks of both the reserve and the surplus; `None` when
/// no article does. `reserve_rate` is the schedule's decimal text (`"0.25"`).
pub fn distribution_article<'a>(bylaws: &'a Bylaws, reserve_rate: &str) -> Option<&'a Article> {
    let plain = |a: &Article| a.body.replace('*', "").replace('\u{a0}', " ").to_lowercase();
    let reserve = |text: &str| text.contains("reserve") || text.contains("réserve");
    let percent = reserve_rate
        .parse::<f64>()
        .ok()
        .map(|r| format!("{}", (r * 10_000.0).round() / 100.0));
    let states_rate = |text: &str| {
        percent
            .as_ref()
            .is_some_and(|p| text.contains(&format!("{p} %")) || text.contains(&format!("{p}%")))
    };
    bylaws
        .articles
        .iter()
        .find(|a| {
            let text = plain(a);
            reserve(&text) && states_rate(&text)
        })
        .or_else(|| {
            bylaws.articles.iter().find(|a| {
                let text = plain(a);
                reserve(&text) && (text.contains("surplus") || text.contains("excédent"))
            })
        })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn edits_between_rebuilds_the_edited_text() {
        let old = parse_markdown(
            "## One\n\n# Article 1 — Name\n\nAcme.\n\n# Article 2 — Aim\n\nWork.\n\n\
             ## Two\n\n# Article 3 — Votes\n\nOne each.\n\n# Article 4 — Money\n\nCents.\n",
        )
        .unwrap();
        let new = parse_markdown(
            "## One\n\n# Article 1 — Name\n\nAcme Co-op.\n\n# Article 3 — Votes\n\nOne each.\n\n\
             ## Two\n\n# Article 5 — Reserve\n\nHalf.\n\n# Article 4 — Money\n\nCents.\n",
        )
        .unwrap();
        let edits = edits_between(&old, &new);
        assert_eq!(
            apply(
                &old,
                &Amendment {
                    base_version: 1,
                    changes: edits.clone(),
                    parameters: None,
                    rationale: "x".into()
                }
            )
            .unwrap(),
            new
        );
        assert!(edits.contains(&ArticleEdit::Remove { number: "2".into() }));
        assert!(edits.contains(&ArticleEdit::Replace {
            number: "1".into(),
            title: "Name".into(),
            body: "Acme Co-op.".into()
        }));
        assert!(edits_between(&old, &old).is_empty());
    }

    #[test]
    fn schedule_changes_name_each_changed_field() {
        let old = GovernanceSchedule::defaults();
        assert!(schedule_changes(&old, &old).is_empty());
        let mut new = old.clone();
        new.notice_days = 21;
        new.decisions.ordinary.quorum = Quorum::Count { count: 10 };
        let changes = schedule_changes(&old, &new);
        assert_eq!(
            changes,
            vec![
                ScheduleChange {
                    field: "decisions.ordinary.quorum".into(),
                    old: r#"{"denominator":4,"kind":"fraction","numerator":1}"#.into(),
                    new: r#"{"count":10,"kind":"count"}"#.into(),
                },
                ScheduleChange {
                    field: "notice_days".into(),
                    old: "15".into(),
                    new: "21".into()
                },
            ]
        );
    }

    fn art(number: &str, title: &str, body: &str, section: Option<&str>) -> Article {
        Article {
            number: number.into(),
            title: title.into(),
            body: body.into(),
            section: section.map(Into::into),
        }
    }

    #[test]
    fn the_distribution_article_is_the_one_giving_the_reserve_rate() {
        for text in [super::super::model::bylaws("en"), super::super::model::bylaws("fr")] {
            let bylaws = parse_markdown(text).unwrap();
            assert_eq!(
                distribution_article(&bylaws, "0.25").map(|a| a.number.as_str()),
                Some("15")
            );
            // A rate no article states: the article of the reserve and the surplus.
            assert_eq!(
                distribution_article(&bylaws, "0.3").map(|a| a.number.as_str()),
                Some("15")
            );
        }
        let none = parse_markdown("# Article 1 — Name\n\nAcme.\n").unwrap();
        assert_eq!(distribution_article(&none, "0.25"), None);
    }

    #[test]
    fn the_notice_article_is_the_one_giving_the_days() {
        let bylaws = parse_markdown(super::super::model::bylaws("en")).unwrap();
        assert_eq!(notice_article(&bylaws, 15).map(|a| a.number.as_str()), Some("11"));
        // A figure the text does not give: the article speaking of notice.
        assert_eq!(notice_article(&bylaws, 21).map(|a| a.number.as_str()), Some("11"));
        let french = parse_markdown(super::super::model::bylaws("fr")).unwrap();
        assert_eq!(notice_article(&french, 15).map(|a| a.number.as_str()), Some("11"));
        let bare = doc(vec![]);
        assert_eq!(notice_article(&bare, 15), None);
    }

    #[test]
    fn the_article_of_each_kind_of_decision_is_the_one_setting_its_rule() {
        let schedule = super::super::model::schedule();
        for lang in ["en", "fr"] {
            let bylaws = parse_markdown(super::super::model::bylaws(lang)).unwrap();
            let found: Vec<_> = DecisionKind::ALL
                .into_iter()
                .map(|k| decision_article(&bylaws, &schedule.decisions, k).map(|a| a.number.as_str()))
                .collect();
            // Ordinary decisions, amendments and dissolution: Article 12 (quorum and
            // majorities); admission on appeal: 6; expulsion: 7; the distribution,
            // which no article gives a majority of its own, the ordinary rule of 12.
            assert_eq!(
                found,
                [Some("12"), Some("12"), Some("6"), Some("7"), Some("12"), Some("12")],
                "{lang}"
            );
            // A distribution given a rule of its own that no article states has none.
            let mut own = schedule.decisions;
            own.distribution_approval.threshold = Threshold::ThreeQuarters;
            assert_eq!(
                decision_article(&bylaws, &own, DecisionKind::DistributionApproval),
                None
            );
        }
        let bare = doc(vec![art("1", "Name", "Acme.", None)]);
        assert_eq!(
            decision_article(&bare, &schedule.decisions, DecisionKind::Ordinary),
            None
        );
        assert_eq!(
            decision_article(&bare, &schedule.decisions, DecisionKind::Admission),
            None
        );
        // "Abstentions are excluded" speaks of no expulsion.
        let english = doc(vec![art(
            "3",
            "Votes",
            "Abstentions are excluded from the majority.",
            None,
        )]);
        assert_eq!(
            decision_article(&english, &schedule.decisions, DecisionKind::Expulsion),
            None
        );
        // Nor does an article listing "the quorums and majorities" set any.
        let listing = doc(vec![art(
            "4",
            "Schedule",
            "It repeats the quorums and majorities of amendments.",
            None,
        )]);
        assert_eq!(
            decision_article(&listing, &schedule.decisions, DecisionKind::BylawAmendment),
            None
        );
    }

    #[test]
    fn an_article_number_is_kept_whole() {
        let longest = art("9999 quinquies", "Last", "", None);
        let number = ArticleNumber::of(&longest).unwrap();
        assert_eq!(number.to_string(), "9999 quinquies");
        assert_eq!(serde_json::to_value(number).unwrap(), "9999 quinquies");
        assert_eq!(
            serde_json::from_value::<ArticleNumber>("12 bis".into())
                .unwrap()
                .to_string(),
            "12 bis"
        );
    }

    fn doc(articles: Vec<Article>) -> Bylaws {
        Bylaws { articles }
    }

    fn at(e: Result<Bylaws, ImportError>) -> (usize, Problem) {
        match e {
            Err(ImportError::AtLine { line, problem }) => (line, problem),
            other => panic!("expected an error at a line, got {other:?}"),
        }
    }

    fn amendment(base_version: u32, changes: Vec<ArticleEdit>) -> Amendment {
        Amendment {
            base_version,
            changes,
            parameters: None,
            rationale: "Because.".into(),
        }
    }

    fn replace(number: &str, title: &str, body: &str) -> ArticleEdit {
        ArticleEdit::Replace {
            number: number.into(),
            title: title.into(),
            body: body.into(),
        }
    }

    // --- import -----------------------------------------------------------

    #[test]
    fn imports_english_headings_sections_and_bodies() {
        let text = "## Part I — General\n\n# Article 1 — Name\n\nThe co-op is *Alpha*.\n\n\
                    # Article 2: Purpose\nTo work.\n\n## Not a section\n\nMore text.\n\n\
                    ## Part II\n\n# 3. Members\n\n# Art. 12 bis – Reserve ##\n\n```\n# not a heading\n```\n";
        let b = parse_markdown(text).unwrap();
        assert_eq!(
            b,
            doc(vec![
                art("1", "Name", "The co-op is *Alpha*.", Some("Part I — General")),
                art(
                    "2",
                    "Purpose",
                    "To work.\n\n## Not a section\n\nMore text.",
                    Some("Part I — General")
                ),
                art("3", "Members", "", Some("Part II")),
                art("12 bis", "Reserve", "```\n# not a heading\n```", Some("Part II")),
            ])
        );
    }

    #[test]
    fn imports_french_headings() {
        let text = "# Article premier – Forme\r\nSociété coopérative.\r\n\r\n# Article 1er : Objet\r\n";
        assert_eq!(
            at(parse_markdown(text)),
            (
                4,
                Problem::DuplicateNumber {
                    number: "1".into(),
                    first_line: Some(1)
                }
            )
        );
        let text = "# Article 1er : Objet\nProduire.\n# ARTICLE 2 - Siège\n# Art.3 — Durée\n# article 4 ter. Capital\n# Art 5A : Parts\n";
        let b = parse_markdown(text).unwrap();
        let heads: Vec<(&str, &str)> = b
            .articles
            .iter()
            .map(|a| (a.number.as_str(), a.title.as_str()))
            .collect();
        assert_eq!(
            heads,
            [
                ("1", "Objet"),
                ("2", "Siège"),
                ("3", "Durée"),
                ("4 ter", "Capital"),
                ("5A", "Parts")
            ]
        );
        assert_eq!(b.articles[0].body, "Produire.");
        assert_eq!(b.articles[0].section, None);
    }

    #[test]
    fn import_errors_name_the_line_and_the_reason() {
        assert_eq!(
            at(parse_markdown("Bylaws of Alpha\n\n# Article 1 — Name\n")),
            (1, Problem::TextBeforeFirstArticle)
        );
        assert_eq!(
            at(parse_markdown("# Statuts de la coopérative\n\n# Article 1 — Nom\n")),
            (
                1,
                Problem::NotAnArticleHeading {
                    heading: "Statuts de la coopérative".into()
                }
            )
        );
        assert_eq!(
            at(parse_markdown("# Article 1 — Name\n\n# Article 2 —  \n")),
            (3, Problem::EmptyTitle { number: "2".into() })
        );
        assert_eq!(
            at(parse_markdown("# Article 1 — A\n# Article 2 — B\n\n# Article 1 — C\n")),
            (
                4,
                Problem::DuplicateNumber {
                    number: "1".into(),
                    first_line: Some(1)
                }
            )
        );
        assert_eq!(
            at(parse_markdown("# Article 1 — A\n\n```rust\ncode\n")),
            (3, Problem::UnclosedCodeBlock)
        );
        assert_eq!(at(parse_markdown("##\n# Article 1 — A\n")), (1, Problem::EmptySection));
        let long = format!(
            "# Article 1 — A\n\n# Article 2 — B\n\n{}\n",
            "x".repeat(MAX_BODY_CHARS + 1)
        );
        assert_eq!(
            at(parse_markdown(&long)),
            (
                3,
                Problem::BodyTooLong {
                    number: "2".into(),
                    chars: MAX_BODY_CHARS + 1,
                    max: MAX_BODY_CHARS
                }
            )
        );
        let many: String = (1..=MAX_ARTICLES + 1).map(|n| format!("# Article {n} — T\n")).collect();
        assert_eq!(
            at(parse_markdown(&many)),
            (MAX_ARTICLES + 1, Problem::TooManyArticles { max: MAX_ARTICLES })
        );
        assert_eq!(
            at(parse_markdown("# Article 1 — A\n\ntext\n\n## Dangling\n")),
            (1, Problem::BodyEndsWithSectionHeading { number: "1".into() })
        );
        assert_eq!(parse_markdown(""), Err(ImportError::NoArticle));
        assert_eq!(parse_markdown("\n  \n"), Err(ImportError::NoArticle));
        let huge = "a".repeat(MAX_IMPORT_BYTES + 1);
        assert_eq!(
            parse_markdown(&huge),
            Err(ImportError::TooLarge {
                bytes: MAX_IMPORT_BYTES + 1,
                max: MAX_IMPORT_BYTES
            })
        );
        let e = parse_markdown("# Article 1 — A\n# Article 1 — B\n").unwrap_err();
        assert_eq!(e.to_string(), "line 2: article 1 appears twice (first on line 1)");
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn numbers_are_made_canonical() {
        assert_eq!(canonical_number("007").as_deref(), Some("7"));
        assert_eq!(canonical_number("12bis").as_deref(), Some("12 bis"));
        assert_eq!(canonical_number("12-BIS").as_deref(), Some("12 bis"));
        assert_eq!(canonical_number("3a").as_deref(), Some("3A"));
        assert_eq!(canonical_number("Première").as_deref(), Some("1"));
        assert_eq!(canonical_number("1re").as_deref(), Some("1"));
        assert_eq!(canonical_number("10000"), None);
        assert_eq!(canonical_number("two"), None);
        assert_eq!(canonical_number("3 AB"), None);
        assert!(is_canonical_number("12 bis"));
        assert!(!is_canonical_number("12bis"));
    }

    #[test]
    fn markdown_export_has_the_documented_shape() {
        let b = doc(vec![
            art("1", "Name", "Alpha.", None),
            art("2", "Purpose", "", Some("Part I")),
            art("2 bis", "Members", "- one\n- two", Some("Part I")),
        ]);
        let md = to_markdown(&b);
        assert_eq!(
            md,
            "# Article 1 — Name\n\nAlpha.\n\n## Part I\n\n# Article 2 — Purpose\n\n# Article 2 bis — Members\n\n- one\n- two\n"
        );
        assert_eq!(parse_markdown(&md).unwrap(), b);
    }

    #[test]
    fn whole_documents_are_checked() {
        assert_eq!(check_bylaws(&doc(vec![])), Err(BylawsError::Empty));
        let b = doc(vec![art("1", "A", "", Some("S")), art("2", "B", "", None)]);
        assert_eq!(
            check_bylaws(&b),
            Err(BylawsError::Article {
                index: 1,
                problem: Problem::SectionMissing { number: "2".into() }
            })
        );
        let b = doc(vec![art("1", "A", "\n\ntext  ", None)]);
        assert!(matches!(
            check_bylaws(&b),
            Err(BylawsError::Article {
                problem: Problem::BodyNotNormalised { .. },
                ..
            })
        ));
        let b = doc(vec![art("1", "A", "text\n# Heading", None)]);
        assert!(matches!(
            check_bylaws(&b),
            Err(BylawsError::Article {
                problem: Problem::BodyHasArticleHeading { line: 2, .. },
                ..
            })
        ));
        assert!(check_article(&art("1", "Title #", "", None)).is_err());
        assert!(check_article(&art("1", "C#", "", None)).is_ok());
    }

    // --- diff -------------------------------------------------------------

    #[test]
    fn word_diff_of_a_small_edit() {
        let spans = diff_words(
            "Adopted by two thirds of the votes cast.",
            "Adopted by three quarters of the votes cast.",
        );
        assert_eq!(
            spans,
            vec![
                DiffSpan::new(SpanKind::Equal, "Adopted by "),
                DiffSpan::new(SpanKind::Delete, "two thirds"),
                DiffSpan::new(SpanKind::Insert, "three quarters"),
                DiffSpan::new(SpanKind::Equal, " of the votes cast."),
            ]
        );
        assert_eq!(
            render_diff_html(&spans),
            "Adopted by <del>two thirds</del><ins>three quarters</ins> of the votes cast."
        );
        assert_eq!(
            diff_words("one member", "one active member"),
            vec![
                DiffSpan::new(SpanKind::Equal, "one "),
                DiffSpan::new(SpanKind::Insert, "active "),
                DiffSpan::new(SpanKind::Equal, "member"),
            ]
        );
        assert_eq!(diff_words("", ""), vec![]);
    }

    #[test]
    fn diff_html_escapes_every_text() {
        let spans = diff_words("Quorum: <b>half</b>", "Quorum: <script>alert('x')</script> & \"more\"");
        let html = render_diff_html(&spans);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&amp; &quot;more&quot;"), "{html}");
        let stripped = html
            .replace("<ins>", "")
            .replace("</ins>", "")
            .replace("<del>", "")
            .replace("</del>", "");
        assert!(!stripped.contains('<') && !stripped.contains('>'));
    }

    #[test]
    fn compare_reports_every_kind_of_change_in_document_order() {
        let old = doc(vec![
            art("1", "Name", "Alpha.", Some("I")),
            art("2", "Purpose", "To work.", Some("I")),
            art("3", "Quorum", "Half of the members.", Some("I")),
            art("4", "Old", "Gone soon.", Some("II")),
            art("5", "Board", "Three members.", Some("II")),
        ]);
        let new = doc(vec![
            art("1", "Name", "Alpha.", Some("I")),
            art("3", "Quorum and majority", "A quarter of the members.", Some("I")),
            art("2", "Purpose", "To work.", Some("I")),
            art("4 bis", "New", "Fresh.", Some("II")),
            art("5", "Board", "Three members.", Some("III")),
        ]);
        let changes = compare(&old, &new);
        let kinds: Vec<(&str, &str)> = changes
            .iter()
            .map(|c| {
                let k = match &c.kind {
                    ChangeKind::Added { .. } => "added",
                    ChangeKind::Removed { .. } => "removed",
                    ChangeKind::Retitled { .. } => "retitled",
                    ChangeKind::BodyChanged { .. } => "body",
                    ChangeKind::Moved { .. } => "moved",
                    ChangeKind::Reordered { .. } => "reordered",
                };
                (c.number.as_str(), k)
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("3", "reordered"),
                ("3", "retitled"),
                ("3", "body"),
                ("4", "removed"),
                ("4 bis", "added"),
                ("5", "moved")
            ]
        );
        assert_eq!(
            changes[0].kind,
            ChangeKind::Reordered {
                after: Some("1".into())
            }
        );
        assert_eq!(
            changes[5].kind,
            ChangeKind::Moved {
                from: Some("II".into()),
                to: Some("III".into())
            }
        );
        let ChangeKind::BodyChanged { spans } = &changes[2].kind else {
            panic!()
        };
        assert_eq!(
            render_diff_html(spans),
            "<del>Half</del><ins>A quarter</ins> of the members."
        );
        assert!(compare(&old, &old).is_empty());
        let json = serde_json::to_value(&changes).unwrap();
        assert_eq!(json[0]["change"], "reordered");
        assert_eq!(json[2]["spans"][0]["kind"], "delete");
        assert_eq!(serde_json::from_value::<Vec<ArticleChange>>(json).unwrap(), changes);
    }

    #[test]
    fn summary_for_emails() {
        let old = doc(vec![art("1", "Quorum", "Intro.\nHalf of the members.\nEnd.", None)]);
        let new = doc(vec![
            art("1", "Quorum", "Intro.\nA quarter of the members.\nEnd.", None),
            art("2", "New", "Text.", None),
        ]);
        let changes = compare(&old, &new);
        assert_eq!(
            summary_text(&changes, "en"),
            "Article 1 — Quorum: text changed\n  @@ -1,3 +1,3 @@\n   Intro.\n  -Half of the members.\n  +A quarter of the members.\n   End.\n\
             Article 2 — New: added\n  @@ -0,0 +1 @@\n  +Text.\n"
        );
        assert!(summary_text(&changes, "fr").starts_with("Article 1 — Quorum : texte modifié\n"));
    }

    // --- amendments -------------------------------------------------------

    fn v1() -> Bylaws {
        doc(vec![
            art("1", "Name", "Alpha.", None),
            art("5", "Quorum", "Half of the members.", None),
            art("7", "Board", "Three members.", None),
        ])
    }

    #[test]
    fn apply_replaces_inserts_and_removes_in_order() {
        let a = amendment(
            1,
            vec![
                replace("5", " Quorum and majority ", "\r\nA quarter of the members.  \n"),
                ArticleEdit::Insert {
                    after: Some("5".into()),
                    article: art("5bis", "Proxies", "One proxy each.", None),
                },
                ArticleEdit::Remove { number: "1".into() },
                ArticleEdit::Insert {
                    after: None,
                    article: art("1", "Name and form", "Alpha, a worker co-op.", None),
                },
            ],
        );
        assert_eq!(
            apply(&v1(), &a).unwrap(),
            doc(vec![
                art("1", "Name and form", "Alpha, a worker co-op.", None),
                art("5", "Quorum and majority", "A quarter of the members.", None),
                art("5 bis", "Proxies", "One proxy each.", None),
                art("7", "Board", "Three members.", None),
            ])
        );
    }

    #[test]
    fn apply_refuses_what_would_break_the_bylaws() {
        let err = |changes| apply(&v1(), &amendment(1, changes)).unwrap_err();
        assert_eq!(
            err(vec![replace("9", "X", "")]),
            AmendmentError::UnknownArticle {
                edit: 0,
                number: "9".into()
            }
        );
        assert_eq!(
            err(vec![ArticleEdit::Insert {
                after: Some("1".into()),
                article: art("07", "Again", "", None)
            }]),
            AmendmentError::DuplicateNumber {
                edit: 0,
                number: "7".into()
            }
        );
        assert_eq!(
            err(vec![ArticleEdit::Insert {
                after: Some("3".into()),
                article: art("4", "X", "", None)
            }]),
            AmendmentError::UnknownArticle {
                edit: 0,
                number: "3".into()
            }
        );
        assert_eq!(
            err(vec![
                ArticleEdit::Remove { number: "1".into() },
                ArticleEdit::Remove { number: "5".into() },
                ArticleEdit::Remove { number: "7".into() },
            ]),
            AmendmentError::EmptyResult
        );
        assert_eq!(
            err(vec![replace("5", "", "x")]),
            AmendmentError::Invalid {
                edit: Some(0),
                problem: Problem::EmptyTitle { number: "5".into() }
            }
        );
        assert_eq!(
            err(vec![replace("5", "Q", "text\n# Article 6 — Smuggled")]),
            AmendmentError::Invalid {
                edit: Some(0),
                problem: Problem::BodyHasArticleHeading {
                    number: "5".into(),
                    line: 2
                }
            }
        );
        assert_eq!(
            err(vec![ArticleEdit::Insert {
                after: None,
                article: art("0", "Preamble", "", Some("Intro"))
            }]),
            AmendmentError::Invalid {
                edit: None,
                problem: Problem::SectionMissing { number: "1".into() }
            }
        );
        assert_eq!(
            AmendmentError::UnknownArticle {
                edit: 1,
                number: "9".into()
            }
            .to_string(),
            "change 2: there is no article 9"
        );
    }

    #[test]
    fn stale_base_conflicts_on_the_same_article_only() {
        let base = v1();
        let mine = amendment(1, vec![replace("5", "Quorum", "Two thirds of the members.")]);
        // v2 changed article 5: conflict.
        let v2_same = apply(
            &base,
            &amendment(1, vec![replace("5", "Quorum", "A third of the members.")]),
        )
        .unwrap();
        assert_eq!(
            conflicts(2, &v2_same, &base, &mine),
            vec![Conflict::ArticleChanged {
                edit: 0,
                number: "5".into()
            }]
        );
        let s = GovernanceSchedule::defaults();
        let current = Version {
            number: 2,
            bylaws: &v2_same,
            schedule: &s,
        };
        let base_v = Version {
            number: 1,
            bylaws: &base,
            schedule: &s,
        };
        assert!(rebase(current, base_v, &mine).is_err());
        // v2 changed only article 7: no conflict, and the rebase carries both.
        let v2_other = apply(&base, &amendment(1, vec![replace("7", "Board", "Five members.")])).unwrap();
        assert!(conflicts(2, &v2_other, &base, &mine).is_empty());
        let current = Version {
            number: 2,
            bylaws: &v2_other,
            schedule: &s,
        };
        let rebased = rebase(current, base_v, &mine).unwrap();
        assert_eq!(rebased.base_version, 2);
        assert_eq!(
            apply(&v2_other, &rebased).unwrap(),
            doc(vec![
                art("1", "Name", "Alpha.", None),
                art("5", "Quorum", "Two thirds of the members.", None),
                art("7", "Board", "Five members.", None),
            ])
        );
        // Same version: nothing to rebase over.
        assert!(conflicts(1, &base, &base, &mine).is_empty());
        assert_eq!(
            conflicts(1, &base, &base, &amendment(3, vec![])),
            vec![Conflict::BaseAhead {
                base_version: 3,
                current_version: 1
            }]
        );
        assert_eq!(
            rebase(current, Version { number: 0, ..base_v }, &mine),
            Err(vec![Conflict::WrongBase {
                amendment_base: 1,
                given: 0
            }])
        );
    }

    #[test]
    fn removals_and_insertions_conflict_too() {
        let base = v1();
        let v2 = apply(
            &base,
            &amendment(
                1,
                vec![
                    ArticleEdit::Remove { number: "7".into() },
                    ArticleEdit::Insert {
                        after: Some("1".into()),
                        article: art("2", "Purpose", "", None),
                    },
                ],
            ),
        )
        .unwrap();
        let mine = amendment(
            1,
            vec![
                ArticleEdit::Remove { number: "7".into() },
                ArticleEdit::Insert {
                    after: Some("1".into()),
                    article: art("2", "Mine", "", None),
                },
                ArticleEdit::Insert {
                    after: Some("2".into()),
                    article: art("3", "Also mine", "", None),
                },
                replace("3", "Still mine", ""),
            ],
        );
        assert_eq!(
            conflicts(2, &v2, &base, &mine),
            vec![
                Conflict::ArticleRemoved {
                    edit: 0,
                    number: "7".into()
                },
                Conflict::NumberTaken {
                    edit: 1,
                    number: "2".into()
                },
                Conflict::PlaceChanged {
                    edit: 1,
                    after: Some("1".into())
                },
            ]
        );
    }

    #[test]
    fn parameter_changes_merge_field_by_field() {
        let bylaws = v1();
        let base_s = GovernanceSchedule::defaults();
        let mut current_s = base_s.clone();
        current_s.notice_days = 21;
        let mut mine_s = base_s.clone();
        mine_s.decisions.dissolution.threshold = Threshold::ThreeQuarters;
        let mut mine = amendment(1, vec![]);
        mine.parameters = Some(mine_s);
        let current = Version {
            number: 2,
            bylaws: &bylaws,
            schedule: &current_s,
        };
        let base = Version {
            number: 1,
            bylaws: &bylaws,
            schedule: &base_s,
        };
        assert!(parameter_conflicts(&current_s, &base_s, &mine).is_empty());
        let merged = rebase(current, base, &mine).unwrap().parameters.unwrap();
        assert_eq!(merged.notice_days, 21);
        assert_eq!(merged.decisions.dissolution.threshold, Threshold::ThreeQuarters);
        assert_eq!(merged.decisions.ordinary, base_s.decisions.ordinary);
        // Both changed the notice: conflict on that field only.
        let mut clash = mine.clone();
        if let Some(p) = clash.parameters.as_mut() {
            p.notice_days = 30;
        }
        assert_eq!(
            parameter_conflicts(&current_s, &base_s, &clash),
            vec![Conflict::ParameterChanged {
                field: "notice_days".into()
            }]
        );
        let mut clash = mine.clone();
        current_s.decisions.dissolution.quorum = Quorum::Count { count: 10 };
        clash.base_version = 1;
        assert_eq!(
            parameter_conflicts(&current_s, &base_s, &clash),
            vec![Conflict::ParameterChanged {
                field: "decisions.dissolution".into()
            }]
        );
    }

    #[test]
    fn amendments_are_checked_before_submission() {
        let mut a = amendment(1, vec![]);
        a.rationale = "  ".into();
        let fields: Vec<String> = check_amendment(&a).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["rationale", "changes"]);
        let mut s = GovernanceSchedule::defaults();
        s.notice_days = 400;
        a.rationale = "Longer notice.".into();
        a.parameters = Some(s);
        let fields: Vec<String> = check_amendment(&a).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["parameters.notice_days"]);
    }

    // --- schedule ---------------------------------------------------------

    #[test]
    fn schedule_defaults_are_valid_and_documented() {
        let s = GovernanceSchedule::defaults();
        assert!(s.validate().is_empty());
        assert_eq!(s.decisions.ordinary.threshold, Threshold::Simple);
        let amend = procedure_for_amendment(&s);
        assert_eq!(amend.threshold, Threshold::TwoThirds);
        assert_eq!(amend.base, Base::CastExcludingAbstentions);
        assert_eq!(
            amend.quorum,
            Quorum::Fraction {
                fraction: Fraction {
                    numerator: 1,
                    denominator: 2
                }
            }
        );
        assert_eq!(s.decisions.dissolution, amend);
        let p = s.ballot_parameters(DecisionKind::Dissolution);
        assert_eq!(
            (p.threshold, p.proxies, p.secret),
            (Threshold::TwoThirds, ProxyLimit::None, true)
        );
    }

    #[test]
    fn schedule_validation_names_every_bad_field() {
        let mut s = GovernanceSchedule::defaults();
        s.decisions.expulsion.quorum = Quorum::Fraction {
            fraction: Fraction {
                numerator: 3,
                denominator: 2,
            },
        };
        s.decisions.ordinary.threshold = Threshold::Custom {
            fraction: Fraction {
                numerator: 0,
                denominator: 5,
            },
        };
        s.decisions.admission.quorum = Quorum::Count { count: 0 };
        s.proxies = ProxyLimit::PerHolder { count: 0 };
        s.probation_months = Some(61);
        s.capital_floor = "1000.005".into();
        s.notice_days = 366;
        s.distribution.preset = "scop".into();
        s.distribution.reserve_rate = "1.5".into();
        s.distribution.share_return_rate = "0.12345".into();
        let fields: Vec<String> = s.validate().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "decisions.ordinary.threshold",
                "decisions.admission.quorum",
                "decisions.expulsion.quorum",
                "proxies",
                "probation_months",
                "capital_floor",
                "notice_days",
                "distribution.preset",
                "distribution.reserve_rate",
                "distribution.share_return_rate",
            ]
        );
        for ok in ["0", "1", "1.0000", "0.15", "0.1234"] {
            assert!(is_rate(ok), "{ok}");
        }
        for bad in ["", "1.0001", "2", ".5", "0.", "00.5", "-0.1", "0,15", "0.12345"] {
            assert!(!is_rate(bad), "{bad}");
        }
        for ok in ["0", "0.00", "1000", "1000.5", "999999999999.99"] {
            assert!(is_decimal(ok, 2, 12), "{ok}");
        }
        for bad in ["", "-1", "01", "1e3", "1000.123", "1 000"] {
            assert!(!is_decimal(bad, 2, 12), "{bad}");
        }
    }

    #[test]
    fn amendment_procedure_changes_are_detected_and_decided_under_the_old_rule() {
        let current = GovernanceSchedule::defaults();
        let mut lowered = current.clone();
        lowered.decisions.bylaw_amendment.threshold = Threshold::Simple;
        assert!(amendment_procedure_changed(&current, &lowered));
        assert_eq!(procedure_for_amendment(&current).threshold, Threshold::TwoThirds);
        let mut other = current.clone();
        other.distribution.reserve_rate = "0.3".into();
        assert!(!amendment_procedure_changed(&current, &other));
        let mut proxies = current.clone();
        proxies.proxies = ProxyLimit::PerHolder { count: 2 };
        assert!(amendment_procedure_changed(&current, &proxies));
    }

    #[test]
    fn flat_parameters_become_a_schedule() {
        let ballots = BallotParameters {
            quorum: Quorum::Count { count: 3 },
            threshold: Threshold::Absolute,
            base: Base::AllPapers,
            proxies: ProxyLimit::PerHolder { count: 2 },
            secret: false,
        };
        let s = GovernanceSchedule::from_flat(false, Some(3), false, true, "500.00".into(), ballots);
        assert_eq!(s.ballot_parameters(DecisionKind::Ordinary), ballots);
        assert_eq!(
            (
                s.qualifying_share_must_be_paid,
                s.probation_months,
                s.members_on_leave_vote,
                s.redemption_hold
            ),
            (false, Some(3), false, true)
        );
        assert_eq!(s.capital_floor, "500.00");
        assert_eq!(
            s.decisions.bylaw_amendment,
            GovernanceSchedule::defaults().decisions.bylaw_amendment
        );
        assert!(s.validate().is_empty());
    }

    #[test]
    fn schedules_serialise_with_stable_names() {
        let json = serde_json::to_value(GovernanceSchedule::defaults()).unwrap();
        assert_eq!(json["decisions"]["bylaw_amendment"]["threshold"]["kind"], "two_thirds");
        assert_eq!(json["decisions"]["ordinary"]["quorum"]["numerator"], 1);
        assert_eq!(json["distribution"]["approved_by"], "members_ballot");
        let back: GovernanceSchedule = serde_json::from_value(json).unwrap();
        assert_eq!(back, GovernanceSchedule::defaults());
    }

    // --- properties -------------------------------------------------------

    fn body_strategy() -> impl Strategy<Value = String> {
        let fragment = prop::sample::select(vec![
            "Plain text with *emphasis*.",
            "- a list item",
            "1. a numbered item",
            "## A sub-heading",
            "### Level three # with hash",
            "```\n# not a heading\n## nor this\n```",
            "~~~md\n```\n~~~",
            "    indented code",
            "> # quoted heading",
            "<script>alert(1)</script> & co",
            "Deux tiers des suffrages exprimés.",
            "",
            "#hashtag is text",
            "Title\n=====",
        ]);
        prop::collection::vec(fragment, 0..6).prop_map(|parts| {
            let mut body = normalise_body(&parts.join("\n"));
            let ends_with_section = scan(&body)
                .ok()
                .and_then(|lines| lines.into_iter().rev().find(|(k, _)| *k != LineKind::Blank))
                .is_some_and(|(k, _)| matches!(k, LineKind::Heading { level: 2, .. }));
            if ends_with_section {
                body.push_str("\n\nMore text.");
            }
            body
        })
    }

    fn title_strategy() -> impl Strategy<Value = String> {
        "[A-Za-zéÉ][A-Za-z0-9éà ,'’()#-]{0,30}[A-Za-z0-9)]"
    }

    fn number_strategy() -> impl Strategy<Value = String> {
        (1u32..60, prop::sample::select(vec!["", " bis", " ter", "A", "B"])).prop_map(|(n, s)| format!("{n}{s}"))
    }

    fn bylaws_strategy() -> impl Strategy<Value = Bylaws> {
        let article = (
            number_strategy(),
            title_strategy(),
            body_strategy(),
            prop::option::of(prop::sample::select(vec!["Part I", "Titre II — Membres", "Part III"])),
        );
        prop::collection::vec(article, 1..12).prop_map(|items| {
            let mut seen = BTreeSet::new();
            let mut section: Option<String> = None;
            let mut articles = Vec::new();
            for (number, title, body, s) in items {
                if !seen.insert(number.clone()) {
                    continue;
                }
                // Once sections start, every article has one (Markdown cannot end one).
                if let Some(s) = s {
                    section = Some(s.to_string());
                }
                articles.push(Article {
                    number,
                    title,
                    body,
                    section: section.clone(),
                });
            }
            Bylaws { articles }
        })
    }

    proptest! {
        #[test]
        fn markdown_round_trips(b in bylaws_strategy()) {
            prop_assert_eq!(check_bylaws(&b), Ok(()));
            prop_assert_eq!(parse_markdown(&to_markdown(&b)), Ok(b));
        }

        #[test]
        fn a_version_compared_with_itself_has_no_change(b in bylaws_strategy()) {
            prop_assert!(compare(&b, &b).is_empty());
        }

        #[test]
        fn compare_is_empty_only_for_equal_versions(a in bylaws_strategy(), b in bylaws_strategy()) {
            prop_assert_eq!(compare(&a, &b).is_empty(), a == b);
        }

        #[test]
        fn edits_between_two_versions_turn_one_into_the_other(a in bylaws_strategy(), b in bylaws_strategy()) {
            let edited = apply(&a, &amendment(1, edits_between(&a, &b)));
            prop_assert_eq!(edited, Ok(b));
        }

        #[test]
        fn an_empty_amendment_is_the_identity(b in bylaws_strategy(), version in 0u32..5) {
            prop_assert_eq!(apply(&b, &amendment(version, vec![])), Ok(b));
        }

        #[test]
        fn diff_spans_reassemble_both_texts(
            old in "[a-c <>&\n]{0,40}",
            new in "[a-c <>&\n]{0,40}",
        ) {
            let spans = diff_words(&old, &new);
            prop_assert_eq!(reassemble(&spans), (old.clone(), new.clone()));
            prop_assert!(spans.iter().all(|s| !s.text.is_empty()));
            let html = render_diff_html(&spans);
            let stripped = html.replace("<ins>", "").replace("</ins>", "").replace("<del>", "").replace("</del>", "");
            prop_assert!(!stripped.contains('<'));
        }

        #[test]
        fn parsing_never_panics(text in "(# Article [0-9]{1,2}( bis)? [—:-] ?[a-z]{0,5}\n|## [a-z]{0,4}\n|```\n|[a-z #]{0,10}\n|\n){0,12}") {
            if let Ok(b) = parse_markdown(&text) {
                prop_assert_eq!(check_bylaws(&b), Ok(()));
                prop_assert_eq!(parse_markdown(&to_markdown(&b)), Ok(b));
            }
        }
    }
}
