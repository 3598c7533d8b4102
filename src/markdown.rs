//! Markdown rendering (stub: the markdown stage fills this in).
//! Pure: no I/O. Turns one page's Markdown into HTML plus everything later
//! stages need from it (headings, table of contents, links with positions,
//! plain text by section for search).

/// Options for one render.
#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    /// Highlight fenced code at build time (CSS classes, no inline styles).
    pub highlight: bool,
    /// Keep raw HTML from the Markdown; when false it is escaped.
    pub unsafe_html: bool,
}

/// The page being rendered.
#[derive(Debug, Clone)]
pub struct PageContext<'a> {
    /// Path of the Markdown file relative to `content/`, `/`-separated: `a/b.md`.
    pub source: &'a str,
    /// Site-relative URL of the page: `a/b/` (see `crate::urls`).
    pub url: &'a str,
    /// Byte offset in the file where the Markdown body starts (after front
    /// matter), so link positions are reported as lines of the file itself.
    pub body_offset: usize,
    /// Line number (1-based) of the first line of the body.
    pub body_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// What a link or image in the Markdown points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another content file (`a/b.md`, content-relative) with an optional anchor.
    Page {
        source: String,
        anchor: Option<String>,
    },
    /// An anchor on the same page.
    SamePage { anchor: String },
    /// A file under content/ (`a/img.png`) or static/ (`/img.png` -> `img.png`).
    Asset { path: String, from_static: bool },
    /// http(s), mailto and other schemes.
    External { url: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written.
    pub dest: String,
    pub target: LinkTarget,
    pub is_image: bool,
    /// 1-based position in the Markdown file.
    pub line: usize,
    pub col: usize,
}

/// Text of one part of the page, split at headings that have ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSection {
    /// Heading id, or None for the text before the first heading.
    pub anchor: Option<String>,
    pub heading: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub title: Option<String>,
    pub links: Vec<Link>,
    pub sections: Vec<TextSection>,
    /// First paragraph as plain text (description fallback).
    pub summary: String,
    pub word_count: usize,
}

/// Render a page body.
pub fn render(_body: &str, _page: &PageContext<'_>, _opts: &MarkdownOptions) -> Rendered {
    Rendered::default()
}

/// CSS for highlighted code, light and dark.
pub fn highlight_css() -> String {
    String::new()
}
