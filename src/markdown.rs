//! Markdown rendering: one page body in, [`Rendered`] out. Pure (no I/O, no
//! global mutable state, deterministic) and the hot path of a build.
//!
//! One pass over pulldown-cmark's offset iterator feeds an adapter that
//! rewrites events (heading ids and self-links, callouts, highlighted code,
//! link hrefs, escaped raw HTML) and records what later stages need (headings,
//! links with file positions, plain text by section, summary, word count)
//! before pulldown-cmark's own HTML writer prints the result.
//!
//! Markdown dialect: CommonMark plus GitHub's tables, footnotes,
//! strikethrough, task lists, alerts and `{#id .class}` heading attributes.
//!
//! # Theme contract (HTML classes this module emits)
//!
//! - Headings: `<div class="heading"><h2 id="slug">Text</h2><a class="anchor"
//!   href="#slug" aria-label="Link to section: Text">#</a></div>`. The id is a
//!   GitHub-compatible slug (duplicates get `-1`, `-2`, an empty slug becomes
//!   `section`), or the explicit `{#id}`. The self-link sits after the heading,
//!   outside it, so screen readers announce the heading text alone; themes
//!   usually show `.heading .anchor` on hover/focus only.
//! - A first block that is a level-1 heading becomes [`Rendered::title`] (its
//!   id is [`Rendered::title_id`]) and is not part of the HTML.
//! - GitHub alerts: `<div class="callout callout-note" role="note"><p
//!   class="callout-title">Note</p>…</div>`, with `callout-tip`,
//!   `callout-important`, `callout-warning` and `callout-caution`.
//! - Code: `<pre class="code" data-lang="rust"><code class="language-rust">…`
//!   with spans whose classes are `hl-` and a highlight category
//!   (`hl-keyword`, `hl-string`; see [`crate::highlight`]), styled by
//!   [`highlight_css`]. `console` blocks mark prompts `<span
//!   class="hl-prompt">$ </span>` and output lines `<span
//!   class="hl-output">…</span>`. Indented code and unknown languages are
//!   plain escaped text in the same `<pre class="code">`.
//! - Raw HTML that is not allowed (`unsafe_html: false`) is shown escaped in a
//!   `<p class="raw-html">`; HTML comments are dropped.
//! - Footnotes, tables and task lists use pulldown-cmark's markup
//!   (`footnote-reference`, `footnote-definition`, `<input type="checkbox"
//!   disabled>`).
//! - Images: `<img src alt [title] [width height] [loading="lazy"]
//!   decoding="async" />`, sizes from the file (see `crate::writing`), lazy
//!   after the page's first image.
//! - Tabs (`<!-- tabs -->` … `<!-- /tabs -->` around headings): `<div
//!   class="tabs" data-tabs>`, a `.tabs-list` `role="tablist"` (hidden;
//!   `site.js` shows it) of `role="tab"` buttons with `data-tab` keys, then
//!   per tab a `.tabs-panel` `role="tabpanel"` led by `<p
//!   class="tabs-label">`.
//! - `> [!DETAILS] Summary`: `<details class="details"><summary>`; an image
//!   line and an italic line: `<figure>` with `<figcaption>`.
//! - Math: MathML `<math>` (display="block" for `$$`); invalid TeX:
//!   `<code class="math-error">`.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, OffsetIter, Options,
    Parser, Tag, TagEnd,
};
use unicode_segmentation::UnicodeSegmentation;

use crate::timings::{Stage, Timings};
use crate::urls;

/// Options for one render.
#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    /// Highlight fenced code at build time (CSS classes, no inline styles).
    pub highlight: bool,
    /// Keep raw HTML from the Markdown; when false it is escaped.
    pub unsafe_html: bool,
    /// The site's paths, to resolve links written from the site root or to
    /// the site's own address (None: nothing resolves; they stay as written).
    pub site: Option<std::sync::Arc<crate::links::paths::SitePaths>>,
    /// Snippets, variables, image sizes and the math switch (see
    /// `crate::writing`); None: plain Markdown.
    pub writing: Option<std::sync::Arc<crate::writing::Writing>>,
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
    /// When the body was expanded (includes, variables): for each of its
    /// lines, the 0-based line of the written body it comes from.
    pub line_map: Option<&'a [u32]>,
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
    /// A link that climbs above `content/` keeps the path as written.
    Page {
        source: String,
        anchor: Option<String>,
    },
    /// An anchor on the same page (percent-decoded). An empty anchor (`#`
    /// or an empty destination) means the top of the page.
    SamePage { anchor: String },
    /// A file under content/ (`a/img.png`) or static/ (`/img.png` -> `img.png`).
    /// A path that climbs above `content/` keeps the path as written.
    Asset { path: String, from_static: bool },
    /// A link from the site root (`/a/b/`) or to the site's own address
    /// that matched nothing when the page was rendered (kept as written).
    SitePath(crate::links::paths::SiteRef),
    /// http(s), mailto and other schemes, and `//host/` links.
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
    /// Characters of `text` (whitespace not counted) inside links: search
    /// down-weights sections that are mostly links ("See also" lists).
    pub link_chars: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML, unless [`Rendered::pack`] moved it into `packed`: read it
    /// with [`Rendered::html`].
    pub html: String,
    /// `html` compressed (see [`Rendered::pack`]).
    pub packed: Option<Box<[u8]>>,
    /// Every heading that is in `html`, in order (the title is not).
    pub headings: Vec<Heading>,
    pub title: Option<String>,
    /// Slug of the title heading (reserved, so later duplicates get `-1` as
    /// on GitHub); a template may put it on the page's `<h1>`.
    pub title_id: Option<String>,
    pub links: Vec<Link>,
    pub sections: Vec<TextSection>,
    /// First paragraph as plain text (description fallback).
    pub summary: String,
    pub word_count: usize,
    /// Problems in the Markdown (invalid TeX, oversized images), at lines
    /// of the page's file.
    pub problems: Vec<crate::writing::Problem>,
    /// The page has a ```` ```mermaid ```` block (its page loads mermaid).
    pub mermaid: bool,
    /// The body as rendered (includes and variables expanded), LZ4-packed,
    /// when the site publishes a Markdown copy (see [`Rendered::markdown`]).
    pub markdown: Option<Box<[u8]>>,
}

impl Rendered {
    /// Keep the body's Markdown (packed) for the copy for machines.
    pub fn keep_markdown(&mut self, body: &str) {
        self.markdown = Some(lz4_flex::compress_prepend_size(body.as_bytes()).into_boxed_slice());
    }

    /// The body's Markdown, when it was kept.
    pub fn markdown(&self) -> Option<String> {
        let bytes = self.markdown.as_ref()?;
        lz4_flex::decompress_size_prepended(bytes)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    }

    /// Compress the HTML (LZ4) while the model waits to be rendered: a
    /// loaded 100,000-page site otherwise holds gigabytes of HTML. LZ4
    /// rather than deflate: every page is packed and unpacked once per
    /// build (figures: docs/content/benchmarks.md).
    pub fn pack(&mut self) {
        if self.html.is_empty() || self.packed.is_some() {
            return;
        }
        let bytes = lz4_flex::compress_prepend_size(self.html.as_bytes());
        self.packed = Some(bytes.into_boxed_slice());
        self.html = String::new();
    }

    /// The HTML, whether packed or not.
    pub fn html(&self) -> std::borrow::Cow<'_, str> {
        match &self.packed {
            None => std::borrow::Cow::Borrowed(&self.html),
            Some(bytes) => {
                // Only `pack` made these bytes from a String: they unpack to
                // valid UTF-8; anything else would be a bug, shown as empty.
                let out = lz4_flex::decompress_size_prepended(bytes)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_default();
                std::borrow::Cow::Owned(out)
            }
        }
    }
}

/// Longest summary, in chars, before it is cut at a word.
const SUMMARY_CHARS: usize = 300;
fn parser_options(math: bool) -> Options {
    let math = if math {
        Options::ENABLE_MATH
    } else {
        Options::empty()
    };
    math | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Render a page body.
pub fn render(body: &str, page: &PageContext<'_>, opts: &MarkdownOptions) -> Rendered {
    render_timed(body, page, opts, None)
}

/// [`render`], adding the time spent highlighting code to `timings`.
pub fn render_timed(
    body: &str,
    page: &PageContext<'_>,
    opts: &MarkdownOptions,
    timings: Option<&Timings>,
) -> Rendered {
    let mut state = State::new(body, page, opts);
    state.timings = timings;
    let mut html = String::with_capacity(body.len() + body.len() / 2);
    {
        let events = Adapter {
            inner: Parser::new_ext(
                body,
                parser_options(opts.writing.as_ref().is_some_and(|w| w.math)),
            )
            .into_offset_iter(),
            state: &mut state,
            queue: VecDeque::new(),
            done: false,
        };
        pulldown_cmark::html::push_html(&mut html, events);
    }
    state.finish(html)
}

/// Rewrites the parser's events on their way to the HTML writer.
struct Adapter<'a, 's, 'p> {
    inner: OffsetIter<'a>,
    state: &'s mut State<'a, 'p>,
    queue: VecDeque<Event<'a>>,
    /// The parser is exhausted and what was left open is closed.
    done: bool,
}

impl<'a> Iterator for Adapter<'a, '_, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(ev) = self.queue.pop_front() {
                return Some(ev);
            }
            match self.inner.next() {
                Some((ev, range)) => self.state.handle(ev, range, &mut self.queue),
                None if !self.done => {
                    self.done = true;
                    self.state.close_tabs(&mut self.queue);
                }
                None => return None,
            }
        }
    }
}

struct HeadingBuf<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    classes: Vec<String>,
    attrs: Vec<(String, Option<String>)>,
    events: Vec<Event<'a>>,
    text: String,
    is_title: bool,
    /// A heading that names a tab (see [`TabGroup`]).
    is_tab_label: bool,
}

/// A tab group being read: `<!-- tabs -->`, then headings of one level,
/// each starting a tab, then `<!-- /tabs -->`.
struct TabGroup<'a> {
    /// The level of the first heading; headings of that level start tabs,
    /// deeper ones stay headings inside the panel.
    level: Option<HeadingLevel>,
    /// Content before the first heading (shown above the group).
    before: Vec<Event<'a>>,
    tabs: Vec<Tab<'a>>,
}

struct Tab<'a> {
    label_html: String,
    key: String,
    events: Vec<Event<'a>>,
}

struct CodeBuf {
    lang: Option<String>,
}

struct State<'a, 'p> {
    body: &'a str,
    page: &'p PageContext<'p>,
    opts: &'p MarkdownOptions,
    timings: Option<&'p Timings>,
    at_start: bool,
    heading: Option<HeadingBuf<'a>>,
    code: Option<CodeBuf>,
    code_text: String,
    html_block: Option<String>,
    slugs: HashMap<String, usize>,
    headings: Vec<Heading>,
    title: Option<String>,
    title_id: Option<String>,
    links: Vec<Link>,
    line_starts: Vec<usize>,
    sections: Vec<TextSection>,
    cur_anchor: Option<String>,
    cur_heading: String,
    cur_text: String,
    /// Link text characters in `cur_text`, and how deep in links we are.
    cur_link_chars: usize,
    link_depth: usize,
    in_summary: bool,
    summary_done: bool,
    summary: String,
    problems: Vec<crate::writing::Problem>,
    tabs: Option<TabGroup<'a>>,
    /// Tab groups on the page so far (for unique ids).
    tab_groups: usize,
    /// Inside the HTML block of a tabs marker (dropped).
    skip_html_block: bool,
    /// Open plain block quotes: true for a `> [!DETAILS]` one.
    quotes: Vec<bool>,
    /// The summary line of a details block being read.
    details: Option<DetailsSummary>,
    /// A paragraph read as a figure (image, then an italic caption line).
    figure: Option<Figure>,
    /// The image being read (its alt text is collected).
    image: Option<ImageBuf>,
    /// Images written so far: the first loads at once, later ones lazily.
    images: usize,
    /// A mermaid block was written.
    mermaid: bool,
}

/// An image: its `<img>` is written when its alt text has been read.
#[derive(Debug, Default)]
struct ImageBuf {
    src: String,
    title: String,
    alt: String,
    size: Option<(u32, u32)>,
    /// Images nested in the alt text (their markup is dropped).
    nested: usize,
}

/// The first line of `> [!DETAILS] Summary`, which becomes `<summary>`.
#[derive(Debug, Default)]
struct DetailsSummary {
    /// Chars of the `[!DETAILS]` marker still to drop from the text.
    strip: usize,
    /// The marker is gone; the next text loses its leading spaces.
    trim: bool,
    /// Inside the quote's first paragraph.
    in_paragraph: bool,
    has_text: bool,
}

#[derive(Debug, Default)]
struct Figure {
    /// After the line break: the caption.
    caption: bool,
    /// Emphasis depth inside the caption (the outer one is dropped).
    em_depth: usize,
}

impl<'a, 'p> State<'a, 'p> {
    fn new(body: &'a str, page: &'p PageContext<'p>, opts: &'p MarkdownOptions) -> Self {
        State {
            body,
            page,
            opts,
            timings: None,
            at_start: true,
            heading: None,
            code: None,
            code_text: String::new(),
            html_block: None,
            slugs: HashMap::new(),
            headings: Vec::new(),
            title: None,
            title_id: None,
            links: Vec::new(),
            line_starts: Vec::new(),
            sections: Vec::new(),
            cur_anchor: None,
            cur_heading: String::new(),
            cur_text: String::with_capacity(body.len() / 2),
            cur_link_chars: 0,
            link_depth: 0,
            in_summary: false,
            summary_done: false,
            summary: String::new(),
            problems: Vec::new(),
            tabs: None,
            tab_groups: 0,
            skip_html_block: false,
            quotes: Vec::new(),
            details: None,
            figure: None,
            image: None,
            images: 0,
            mermaid: false,
        }
    }

    /// Send an event to the writer (or into the heading being buffered).
    fn emit(&mut self, out: &mut VecDeque<Event<'a>>, ev: Event<'a>) {
        match &mut self.heading {
            Some(h) => h.events.push(ev),
            None => self.route(out, ev),
        }
    }

    /// Send an event to the writer, or into the open tab group.
    fn route(&mut self, out: &mut VecDeque<Event<'a>>, ev: Event<'a>) {
        match &mut self.tabs {
            Some(group) => match group.tabs.last_mut() {
                Some(tab) => tab.events.push(ev),
                None => group.before.push(ev),
            },
            None => out.push_back(ev),
        }
    }

    /// An event inside an image: alt text is kept, markup dropped; the
    /// image's end writes the `<img>`.
    fn image_event(&mut self, ev: Event<'a>, out: &mut VecDeque<Event<'a>>) {
        let Some(img) = self.image.as_mut() else {
            return;
        };
        match ev {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                img.alt.push_str(&t);
                // Alt text is searchable but describes a picture, not the
                // page: it stays out of the summary (a first paragraph that
                // is only an image leaves the summary to the next one).
                let in_summary = std::mem::replace(&mut self.in_summary, false);
                self.plain(&t);
                self.in_summary = in_summary;
            }
            Event::SoftBreak | Event::HardBreak => img.alt.push(' '),
            Event::Start(Tag::Image { .. }) => img.nested += 1,
            Event::End(TagEnd::Image) if img.nested > 0 => img.nested -= 1,
            Event::End(TagEnd::Image) => {
                if let Some(img) = self.image.take() {
                    let html = self.img_html(&img);
                    self.emit(out, Event::InlineHtml(html.into()));
                }
            }
            _ => {}
        }
    }

    /// `<img>` with the file's width and height (no layout shift) and,
    /// after the page's first image, `loading="lazy"`.
    fn img_html(&mut self, img: &ImageBuf) -> String {
        let mut html = String::with_capacity(img.src.len() + img.alt.len() + 96);
        html.push_str("<img src=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut html, &img.src);
        html.push_str("\" alt=\"");
        escape_into(&mut html, &img.alt);
        html.push('"');
        if !img.title.is_empty() {
            html.push_str(" title=\"");
            escape_into(&mut html, &img.title);
            html.push('"');
        }
        if let Some((w, h)) = img.size {
            html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
        }
        if self.images > 0 {
            html.push_str(" loading=\"lazy\"");
        }
        html.push_str(" decoding=\"async\" />");
        self.images += 1;
        html
    }

    /// The size of the file the last recorded link points at.
    fn image_info(&self) -> Option<crate::writing::ImageInfo> {
        let writing = self.opts.writing.as_deref()?;
        match &self.links.last()?.target {
            LinkTarget::Asset { path, .. } => writing.images.get(path).copied(),
            _ => None,
        }
    }

    /// A warning when an image is over `markdown.image_budget_kb`.
    fn check_budget(&mut self, dest: &str, info: crate::writing::ImageInfo, offset: usize) {
        let budget = self.opts.writing.as_ref().map_or(0, |w| w.image_budget);
        if budget == 0 || info.bytes <= budget {
            return;
        }
        self.problem(
            offset,
            false,
            format!(
                "image `{dest}` is {}, over the {} budget",
                crate::writing::human_size(info.bytes),
                crate::writing::human_size(budget)
            ),
            Some("compress or resize it, or raise `markdown.image_budget_kb` in lorebook.yaml (0 turns the check off)".into()),
        );
    }

    /// A formula as MathML; invalid TeX is an error at its place and shows
    /// as code.
    fn math(&mut self, tex: &str, display: bool, offset: usize, out: &mut VecDeque<Event<'a>>) {
        self.plain(tex);
        let html = match crate::writing::math::to_mathml(tex, display) {
            Ok(mathml) => mathml,
            Err(reason) => {
                self.problem(
                    offset,
                    true,
                    format!("invalid TeX: {reason}"),
                    Some("fix the formula, or write `\\$` for a dollar sign".into()),
                );
                let mut code = String::from("<code class=\"math-error\">");
                escape_into(&mut code, tex);
                code.push_str("</code>");
                code
            }
        };
        self.emit(out, Event::InlineHtml(html.into()));
    }

    /// Text of a details block's first line, without the marker.
    fn summary_text(&mut self, text: CowStr<'a>) -> CowStr<'a> {
        let Some(d) = self.details.as_mut() else {
            return text;
        };
        let mut rest: &str = &text;
        if d.strip > 0 {
            let chars = rest.chars().count().min(d.strip);
            let cut = rest
                .char_indices()
                .nth(chars)
                .map_or(rest.len(), |(i, _)| i);
            rest = &rest[cut..];
            d.strip -= chars;
            d.trim = d.strip == 0;
        }
        if d.trim {
            rest = rest.trim_start();
            d.trim = rest.is_empty();
        }
        if rest.len() == text.len() {
            d.has_text |= !rest.is_empty();
            return text;
        }
        d.has_text |= !rest.is_empty();
        CowStr::from(rest.to_string())
    }

    /// A problem at a body offset (lines as [`crate::writing::Problem`] has them).
    fn problem(&mut self, offset: usize, error: bool, message: String, hint: Option<String>) {
        let (line, col) = self.position(offset);
        self.problems.push(crate::writing::Problem {
            file: None,
            line: line + 1 - self.page.body_line.max(1),
            col,
            error,
            message,
            hint,
        });
    }

    /// `<!-- tabs -->` or `<!-- /tabs -->` as an HTML block.
    fn tabs_marker(&mut self, range: &Range<usize>, out: &mut VecDeque<Event<'a>>) -> bool {
        let Some(open) = self.body.get(range.clone()).and_then(tabs_marker) else {
            return false;
        };
        if open {
            if self.tabs.is_some() {
                self.problem(
                    range.start,
                    false,
                    "a tab group inside a tab group is not supported; this `<!-- tabs -->` is ignored".into(),
                    Some("close the first group with `<!-- /tabs -->` before opening another".into()),
                );
            } else {
                self.block_break();
                self.tab_groups += 1;
                self.tabs = Some(TabGroup {
                    level: None,
                    before: Vec::new(),
                    tabs: Vec::new(),
                });
            }
        } else {
            self.close_tabs(out);
        }
        true
    }

    /// Write the open tab group, if any: a tab list (hidden until the
    /// theme's script shows it) and one panel per tab, each led by its
    /// label, so without JavaScript every panel reads in order.
    fn close_tabs(&mut self, out: &mut VecDeque<Event<'a>>) {
        let Some(group) = self.tabs.take() else {
            return;
        };
        out.extend(group.before);
        if group.tabs.is_empty() {
            return;
        }
        let n = self.tab_groups;
        let mut html = String::from(
            "<div class=\"tabs\" data-tabs>\n<div class=\"tabs-list\" role=\"tablist\" hidden>",
        );
        for (i, tab) in group.tabs.iter().enumerate() {
            let first = i == 0;
            html.push_str(&format!(
                "<button type=\"button\" role=\"tab\" id=\"tab-{n}-{i}\" aria-controls=\"tab-{n}-{i}-panel\" aria-selected=\"{first}\" tabindex=\"{}\" data-tab=\"{}\">{}</button>",
                if first { 0 } else { -1 },
                urls::escape_html(&tab.key),
                tab.label_html
            ));
        }
        html.push_str("</div>\n");
        out.push_back(Event::Html(html.into()));
        for (i, tab) in group.tabs.into_iter().enumerate() {
            out.push_back(Event::Html(
                format!(
                    "<div class=\"tabs-panel\" role=\"tabpanel\" id=\"tab-{n}-{i}-panel\" aria-labelledby=\"tab-{n}-{i}\" data-tab=\"{}\" tabindex=\"0\">\n<p class=\"tabs-label\">{}</p>\n",
                    urls::escape_html(&tab.key),
                    tab.label_html
                )
                .into(),
            ));
            out.extend(tab.events);
            out.push_back(Event::Html("</div>\n".into()));
        }
        out.push_back(Event::Html("</div>\n".into()));
    }

    /// Plain text of the document: into the heading, or the current section
    /// (and the summary while in the first paragraph).
    fn plain(&mut self, text: &str) {
        if let Some(h) = &mut self.heading {
            push_collapsed(&mut h.text, text);
            return;
        }
        push_collapsed(&mut self.cur_text, text);
        if self.link_depth > 0 {
            self.cur_link_chars += text.chars().filter(|c| !c.is_whitespace()).count();
        }
        if self.in_summary && self.summary.len() < SUMMARY_CHARS * 8 {
            push_collapsed(&mut self.summary, text);
        }
    }

    fn block_break(&mut self) {
        if self.heading.is_none() {
            push_collapsed(&mut self.cur_text, " ");
        }
    }

    fn handle(&mut self, ev: Event<'a>, range: Range<usize>, out: &mut VecDeque<Event<'a>>) {
        if self.skip_html_block {
            self.skip_html_block = !matches!(ev, Event::End(TagEnd::HtmlBlock));
            return;
        }
        if self.image.is_some() {
            self.image_event(ev, out);
            return;
        }
        let at_start = std::mem::replace(&mut self.at_start, false);
        match ev {
            Event::Text(text) if self.details.as_ref().is_some_and(|d| d.in_paragraph) => {
                let text = self.summary_text(text);
                if !text.is_empty() {
                    self.plain(&text);
                    self.emit(out, Event::Text(text));
                }
            }
            Event::SoftBreak | Event::HardBreak
                if self.details.as_ref().is_some_and(|d| d.in_paragraph) =>
            {
                let d = self.details.take().unwrap_or_default();
                let fallback = if d.has_text { "" } else { "Details" };
                self.plain(" ");
                self.emit(
                    out,
                    Event::Html(format!("{fallback}</summary>\n<p>").into()),
                );
            }
            Event::SoftBreak | Event::HardBreak
                if self.figure.as_ref().is_some_and(|f| !f.caption) =>
            {
                if let Some(f) = &mut self.figure {
                    f.caption = true;
                }
                self.plain(" ");
                self.emit(out, Event::Html("\n<figcaption>".into()));
            }
            Event::Text(text) => {
                if self.code.is_some() {
                    self.code_text.push_str(&text);
                    self.plain(&text);
                } else if let Some(buf) = &mut self.html_block {
                    buf.push_str(&text);
                } else {
                    self.plain(&text);
                    self.emit(out, Event::Text(text));
                }
            }
            Event::Code(text) => {
                self.plain(&text);
                self.emit(out, Event::Code(text));
            }
            Event::InlineMath(tex) => self.math(&tex, false, range.start, out),
            Event::DisplayMath(tex) => self.math(&tex, true, range.start, out),
            Event::Html(html) | Event::InlineHtml(html) if !self.opts.unsafe_html => {
                if let Some(buf) = &mut self.html_block {
                    buf.push_str(&html);
                } else if !html.starts_with("<!--") {
                    self.emit(out, Event::Text(html));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                self.plain(" ");
                self.emit(out, ev);
            }
            Event::Start(tag) => self.start(tag, range, at_start, out),
            Event::End(tag) => self.end(tag, out),
            other => self.emit(out, other),
        }
    }

    fn start(
        &mut self,
        tag: Tag<'a>,
        range: Range<usize>,
        at_start: bool,
        out: &mut VecDeque<Event<'a>>,
    ) {
        match tag {
            Tag::HtmlBlock if self.tabs_marker(&range, out) => {
                self.skip_html_block = true;
            }
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                self.block_break();
                self.in_summary = false;
                let is_tab_label = self
                    .tabs
                    .as_ref()
                    .is_some_and(|g| g.level.is_none_or(|l| l == level));
                self.heading = Some(HeadingBuf {
                    level,
                    explicit_id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    attrs: attrs
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.as_ref().map(|v| v.to_string())))
                        .collect(),
                    events: Vec::new(),
                    text: String::new(),
                    is_title: at_start && level == HeadingLevel::H1 && !is_tab_label,
                    is_tab_label,
                });
            }
            Tag::CodeBlock(kind) => {
                self.block_break();
                self.code_text.clear();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(CodeBuf { lang });
            }
            Tag::BlockQuote(Some(kind)) => {
                self.block_break();
                let (class, title) = callout_names(kind);
                let open = format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n\
                     <p class=\"callout-title\">{title}</p>\n"
                );
                self.emit(out, Event::Html(open.into()));
            }
            Tag::HtmlBlock if !self.opts.unsafe_html => {
                self.block_break();
                self.html_block = Some(String::new());
            }
            Tag::Paragraph => {
                self.block_break();
                if !self.summary_done && self.heading.is_none() {
                    self.in_summary = true;
                }
                if let Some(d) = self.details.as_mut().filter(|d| !d.in_paragraph) {
                    d.in_paragraph = true;
                    return;
                }
                if self.body.get(range.clone()).is_some_and(is_figure) {
                    self.figure = Some(Figure::default());
                    self.emit(out, Event::Html("<figure>\n".into()));
                    return;
                }
                self.emit(out, Event::Start(Tag::Paragraph));
            }
            Tag::BlockQuote(None) => {
                self.block_break();
                let marker = self.body.get(range.clone()).and_then(details_marker);
                self.quotes.push(marker.is_some());
                match marker {
                    Some((open, len)) => {
                        let attr = if open { " open" } else { "" };
                        self.details = Some(DetailsSummary {
                            strip: len,
                            ..DetailsSummary::default()
                        });
                        self.emit(
                            out,
                            Event::Html(
                                format!("<details class=\"details\"{attr}>\n<summary>").into(),
                            ),
                        );
                    }
                    None => self.emit(out, Event::Start(Tag::BlockQuote(None))),
                }
            }
            Tag::Emphasis if self.figure.as_ref().is_some_and(|f| f.caption) => {
                if let Some(f) = &mut self.figure {
                    f.em_depth += 1;
                    if f.em_depth > 1 {
                        self.emit(out, Event::Start(Tag::Emphasis));
                    }
                }
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                // Email autolinks (`<a@b.example>`) come without their scheme;
                // the HTML writer adds it, the link record needs it too.
                let href = if link_type == LinkType::Email {
                    self.record_link(&format!("mailto:{dest_url}"), range.start, false);
                    None
                } else {
                    self.record_link(&dest_url, range.start, false)
                };
                let dest_url = href.map(CowStr::from).unwrap_or(dest_url);
                self.link_depth += 1;
                self.emit(
                    out,
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                );
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let href = self.record_link(&dest_url, range.start, true);
                let info = self.image_info();
                if let Some(info) = info {
                    self.check_budget(&dest_url, info, range.start);
                }
                self.image = Some(ImageBuf {
                    src: href.unwrap_or_else(|| dest_url.to_string()),
                    title: title.to_string(),
                    size: info.map(|i| (i.width, i.height)),
                    ..ImageBuf::default()
                });
            }
            other => {
                if matches!(
                    other,
                    Tag::Item | Tag::TableCell | Tag::TableRow | Tag::FootnoteDefinition(_)
                ) {
                    self.block_break();
                }
                self.emit(out, Event::Start(other));
            }
        }
    }

    fn end(&mut self, tag: TagEnd, out: &mut VecDeque<Event<'a>>) {
        match tag {
            TagEnd::Heading(_) => self.end_heading(out),
            TagEnd::CodeBlock
                if self
                    .code
                    .as_ref()
                    .and_then(|c| c.lang.as_deref())
                    .is_some_and(|l| l.eq_ignore_ascii_case("mermaid")) =>
            {
                // Drawn in the browser; the source is what readers see
                // without JavaScript.
                self.code = None;
                self.mermaid = true;
                let mut html = String::from(
                    "<pre class=\"code mermaid-source\" data-lang=\"mermaid\"><code class=\"language-mermaid\">",
                );
                escape_into(&mut html, &self.code_text);
                html.push_str("</code></pre>\n");
                self.block_break();
                self.emit(out, Event::Html(html.into()));
            }
            TagEnd::CodeBlock => {
                let lang = self.code.take().and_then(|c| c.lang);
                let html = code_block_html(
                    &self.code_text,
                    lang.as_deref(),
                    self.opts.highlight,
                    self.timings,
                );
                self.block_break();
                self.emit(out, Event::Html(html.into()));
            }
            TagEnd::BlockQuote(Some(_)) => {
                self.block_break();
                self.emit(out, Event::Html("</div>\n".into()));
            }
            TagEnd::HtmlBlock if !self.opts.unsafe_html => {
                let raw = self.html_block.take().unwrap_or_default();
                if !raw.trim_start().starts_with("<!--") {
                    let text = raw.trim_end().to_string();
                    self.emit(out, Event::Html("<p class=\"raw-html\">".into()));
                    self.emit(out, Event::Text(text.into()));
                    self.emit(out, Event::Html("</p>\n".into()));
                }
            }
            TagEnd::Paragraph if self.details.as_ref().is_some_and(|d| d.in_paragraph) => {
                let d = self.details.take().unwrap_or_default();
                let fallback = if d.has_text { "" } else { "Details" };
                if self.in_summary {
                    self.in_summary = false;
                    self.summary_done = !self.summary.trim().is_empty();
                }
                self.block_break();
                self.emit(out, Event::Html(format!("{fallback}</summary>\n").into()));
            }
            TagEnd::Paragraph if self.figure.is_some() => {
                let caption = self.figure.take().is_some_and(|f| f.caption);
                if self.in_summary {
                    self.in_summary = false;
                    self.summary_done = !self.summary.trim().is_empty();
                }
                self.block_break();
                let close = if caption {
                    "</figcaption>\n</figure>\n"
                } else {
                    "\n</figure>\n"
                };
                self.emit(out, Event::Html(close.into()));
            }
            TagEnd::BlockQuote(None) => {
                self.block_break();
                // A details block whose quote held no paragraph.
                if self.quotes.last() == Some(&true) && self.details.take().is_some() {
                    self.emit(out, Event::Html("Details</summary>\n".into()));
                }
                match self.quotes.pop() {
                    Some(true) => self.emit(out, Event::Html("</details>\n".into())),
                    _ => self.emit(out, Event::End(TagEnd::BlockQuote(None))),
                }
            }
            TagEnd::Emphasis
                if self
                    .figure
                    .as_ref()
                    .is_some_and(|f| f.caption && f.em_depth > 0) =>
            {
                if let Some(f) = &mut self.figure {
                    f.em_depth -= 1;
                    if f.em_depth > 0 {
                        self.emit(out, Event::End(TagEnd::Emphasis));
                    }
                }
            }
            TagEnd::Link => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.emit(out, Event::End(tag));
            }
            TagEnd::Paragraph => {
                if self.in_summary {
                    self.in_summary = false;
                    self.summary_done = !self.summary.trim().is_empty();
                }
                self.block_break();
                self.emit(out, Event::End(tag));
            }
            other => {
                if matches!(
                    other,
                    TagEnd::Item
                        | TagEnd::TableCell
                        | TagEnd::TableRow
                        | TagEnd::FootnoteDefinition
                        | TagEnd::BlockQuote(None)
                ) {
                    self.block_break();
                }
                self.emit(out, Event::End(other));
            }
        }
    }

    fn end_heading(&mut self, out: &mut VecDeque<Event<'a>>) {
        let Some(h) = self.heading.take() else {
            return;
        };
        let text = h.text.trim().to_string();
        if h.is_tab_label {
            let mut label_html = String::new();
            pulldown_cmark::html::push_html(&mut label_html, h.events.into_iter());
            let key = urls::slugify(&text);
            push_collapsed(&mut self.cur_text, &text);
            self.block_break();
            if let Some(group) = &mut self.tabs {
                group.level = Some(h.level);
                group.tabs.push(Tab {
                    label_html,
                    key,
                    events: Vec::new(),
                });
            }
            return;
        }
        let id = match h.explicit_id {
            Some(id) => {
                self.slugs.entry(id.clone()).or_insert(0);
                id
            }
            None => self.unique_slug(urls::slugify(&text)),
        };
        if h.is_title {
            self.title = Some(text).filter(|t| !t.is_empty());
            self.title_id = Some(id);
            return;
        }
        // close the current section, open the heading's
        let prev_text = std::mem::take(&mut self.cur_text);
        let prev_text = prev_text.trim();
        if self.cur_anchor.is_some() || !prev_text.is_empty() {
            self.sections.push(TextSection {
                anchor: self.cur_anchor.take(),
                heading: std::mem::take(&mut self.cur_heading),
                text: prev_text.to_string(),
                link_chars: std::mem::take(&mut self.cur_link_chars),
            });
        }
        self.cur_anchor = Some(id.clone());
        self.cur_heading = text.clone();

        let level = heading_number(h.level);
        let id_attr = urls::escape_html(&id);
        let mut open = format!("<div class=\"heading\"><h{level} id=\"{id_attr}\"");
        if !h.classes.is_empty() {
            open.push_str(" class=\"");
            open.push_str(&urls::escape_html(&h.classes.join(" ")));
            open.push('"');
        }
        if self.opts.unsafe_html {
            for (k, v) in &h.attrs {
                open.push(' ');
                open.push_str(&urls::escape_html(k));
                if let Some(v) = v {
                    open.push_str("=\"");
                    open.push_str(&urls::escape_html(v));
                    open.push('"');
                }
            }
        }
        open.push('>');
        self.route(out, Event::Html(open.into()));
        for ev in h.events {
            self.route(out, ev);
        }
        let close = format!(
            "</h{level}><a class=\"anchor\" href=\"#{id_attr}\" aria-label=\"Link to section: {}\">#</a></div>\n",
            urls::escape_html(&text)
        );
        self.route(out, Event::Html(close.into()));
        self.headings.push(Heading { level, id, text });
    }

    /// GitHub's rule: the n-th repeat of `base` becomes `base-n`, skipping
    /// slugs already taken.
    fn unique_slug(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        if !self.slugs.contains_key(&base) {
            self.slugs.insert(base.clone(), 0);
            return base;
        }
        loop {
            let n = {
                let count = self.slugs.entry(base.clone()).or_insert(0);
                *count += 1;
                *count
            };
            let candidate = format!("{base}-{n}");
            if !self.slugs.contains_key(&candidate) {
                self.slugs.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }

    /// Record a link or image; returns the rewritten href if it changes.
    fn record_link(&mut self, dest: &str, offset: usize, is_image: bool) -> Option<String> {
        let (target, href) = classify(
            dest,
            self.page,
            is_image,
            self.opts.unsafe_html,
            self.opts.site.as_deref(),
        );
        let (line, col) = self.position(offset);
        self.links.push(Link {
            dest: dest.to_string(),
            target,
            is_image,
            line,
            col,
        });
        href
    }

    /// 1-based line and column (in chars) of a body offset, as a position in
    /// the whole file.
    fn position(&mut self, offset: usize) -> (usize, usize) {
        if self.line_starts.is_empty() {
            self.line_starts.push(0);
            self.line_starts.extend(
                self.body
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            );
        }
        let idx = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        let col = self
            .body
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        let line = match self.page.line_map {
            Some(map) => map.get(idx).map_or(idx, |&l| l as usize),
            None => idx,
        };
        (self.page.body_line.max(1) + line, col + 1)
    }

    fn finish(mut self, html: String) -> Rendered {
        let last_text = std::mem::take(&mut self.cur_text);
        let last_text = last_text.trim();
        if self.cur_anchor.is_some() || !last_text.is_empty() {
            self.sections.push(TextSection {
                anchor: self.cur_anchor.take(),
                heading: std::mem::take(&mut self.cur_heading),
                text: last_text.to_string(),
                link_chars: std::mem::take(&mut self.cur_link_chars),
            });
        }
        let word_count = self
            .sections
            .iter()
            .map(|s| s.heading.unicode_words().count() + s.text.unicode_words().count())
            .sum();
        Rendered {
            html,
            packed: None,
            headings: self.headings,
            title: self.title,
            title_id: self.title_id,
            links: self.links,
            sections: self.sections,
            summary: cut_at_word(self.summary.trim(), SUMMARY_CHARS),
            word_count,
            problems: self.problems,
            mermaid: self.mermaid,
            markdown: None,
        }
    }
}

/// A quote whose first line is `> [!DETAILS]` (closed) or `> [!DETAILS+]`
/// (open): whether it is open, and the marker's length in chars.
fn details_marker(quote: &str) -> Option<(bool, usize)> {
    let first = quote.lines().next()?;
    let text = first.trim_start().strip_prefix('>')?.trim_start();
    let marker = text.get(..10)?;
    if !marker.eq_ignore_ascii_case("[!DETAILS]") {
        return match text.get(..11) {
            Some(m) if m.eq_ignore_ascii_case("[!DETAILS+]") => Some((true, 11)),
            _ => None,
        };
    }
    Some((false, 10))
}

/// A paragraph of two lines: an image alone, then a line in italics (its
/// caption). Lines of a quote keep their `>` in the source.
fn is_figure(paragraph: &str) -> bool {
    if !paragraph.trim_start_matches(['>', ' ']).starts_with("![") {
        return false;
    }
    let mut lines = paragraph
        .trim_end()
        .lines()
        .map(|l| l.trim_start_matches(['>', ' ', '\t']).trim_end());
    let (Some(image), Some(caption), None) = (lines.next(), lines.next(), lines.next()) else {
        return false;
    };
    let italic = |c: char| {
        caption.len() > 2
            && caption.starts_with(c)
            && caption.ends_with(c)
            && !caption.starts_with(&format!("{c}{c}")[..])
    };
    image.starts_with("![") && image.ends_with(')') && (italic('*') || italic('_'))
}

/// `<!-- tabs -->` -> Some(true), `<!-- /tabs -->` -> Some(false).
fn tabs_marker(block: &str) -> Option<bool> {
    let inner = block
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    match inner {
        "tabs" => Some(true),
        "/tabs" => Some(false),
        _ => None,
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn callout_names(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Append `text` with every run of whitespace or control characters turned
/// into one space (no leading space).
fn push_collapsed(buf: &mut String, text: &str) {
    for ch in text.chars() {
        if ch.is_whitespace() || ch.is_control() {
            if !buf.is_empty() && !buf.ends_with(' ') {
                buf.push(' ');
            }
        } else {
            buf.push(ch);
        }
    }
}

/// At most `max` chars, cut at the last space, with an ellipsis when cut.
fn cut_at_word(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    let mut out = head
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.'))
        .to_string();
    out.push('…');
    out
}

/// Escape `text` for HTML element content into `out`.
fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

// ---------------------------------------------------------------- links

/// Classify a destination and compute the href the page should use (None:
/// keep it as written).
fn classify(
    dest: &str,
    page: &PageContext<'_>,
    is_image: bool,
    unsafe_html: bool,
    opts_site: Option<&crate::links::paths::SitePaths>,
) -> (LinkTarget, Option<String>) {
    if dest.is_empty() {
        return (
            LinkTarget::SamePage {
                anchor: String::new(),
            },
            None,
        );
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return (
            LinkTarget::SamePage {
                anchor: percent_decode(anchor),
            },
            None,
        );
    }
    if dest.starts_with('/') || url_scheme(dest).is_some_and(|s| s == "http" || s == "https") {
        let none = crate::links::paths::SitePaths::default();
        let site = opts_site.unwrap_or(&none);
        if let Some(r) = site.site_ref(dest) {
            return classify_site_ref(r, site, page);
        }
    }
    if let Some(scheme) = url_scheme(dest) {
        let href = if !unsafe_html && is_dangerous_scheme(&scheme, dest, is_image) {
            Some("#".to_string())
        } else {
            None
        };
        return (
            LinkTarget::External {
                url: dest.to_string(),
            },
            href,
        );
    }
    if dest.starts_with("//") {
        return (
            LinkTarget::External {
                url: dest.to_string(),
            },
            None,
        );
    }
    // split the path from `?query` and `#fragment`
    let path_end = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(path_end);
    let fragment = suffix.find('#').map(|i| &suffix[i + 1..]);
    let is_page = path.ends_with(".md");
    match urls::resolve_relative(page.source, path) {
        Some(resolved) if is_page => {
            let target_url = urls::content_url(&resolved);
            let href = match fragment {
                Some(f) => format!("{}#{f}", urls::relative(page.url, &target_url)),
                None => urls::relative(page.url, &target_url),
            };
            (
                LinkTarget::Page {
                    source: percent_decode(&resolved),
                    anchor: fragment.map(percent_decode),
                },
                Some(href),
            )
        }
        Some(resolved) => {
            let href = format!("{}{}", urls::relative(page.url, &resolved), suffix);
            (
                LinkTarget::Asset {
                    path: percent_decode(&resolved),
                    from_static: false,
                },
                Some(href),
            )
        }
        None if is_page => (
            LinkTarget::Page {
                source: percent_decode(path),
                anchor: fragment.map(percent_decode),
            },
            None,
        ),
        None => (
            LinkTarget::Asset {
                path: percent_decode(path),
                from_static: false,
            },
            None,
        ),
    }
}

/// A link into the site by its path: rewritten to a relative link when it
/// resolves (like a `.md` link), kept as written for the checker otherwise.
fn classify_site_ref(
    r: crate::links::paths::SiteRef,
    site: &crate::links::paths::SitePaths,
    page: &PageContext<'_>,
) -> (LinkTarget, Option<String>) {
    use crate::links::paths::Resolved;
    match site.resolve_ref(&r) {
        Some(Resolved::Page(source)) => {
            let mut href = urls::relative(page.url, &urls::content_url(&source));
            if let Some(i) = r.suffix.find('#') {
                href.push_str(&r.suffix[i..]);
            }
            (
                LinkTarget::Page {
                    source,
                    anchor: r.anchor,
                },
                Some(href),
            )
        }
        Some(Resolved::File(path)) => {
            let href = format!("{}{}", urls::relative(page.url, &path), r.suffix);
            (
                LinkTarget::Asset {
                    path,
                    from_static: true,
                },
                Some(href),
            )
        }
        None => (LinkTarget::SitePath(r), None),
    }
}

/// The scheme of an absolute URL (`https`, `mailto`), lowercased.
fn url_scheme(dest: &str) -> Option<String> {
    let colon = dest.find(':')?;
    let scheme = &dest[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    if first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        Some(scheme.to_ascii_lowercase())
    } else {
        None
    }
}

fn is_dangerous_scheme(scheme: &str, dest: &str, is_image: bool) -> bool {
    match scheme {
        "javascript" | "vbscript" => true,
        "data" => {
            !(is_image
                && dest
                    .get(5..11)
                    .is_some_and(|m| m.eq_ignore_ascii_case("image/")))
        }
        _ => false,
    }
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

// ---------------------------------------------------------------- code

fn code_block_html(
    code: &str,
    lang: Option<&str>,
    highlight: bool,
    timings: Option<&Timings>,
) -> String {
    let mut out = String::with_capacity(code.len() * 2 + 64);
    match lang {
        Some(lang) => {
            let lang = urls::escape_html(lang);
            out.push_str("<pre class=\"code\" data-lang=\"");
            out.push_str(&lang);
            out.push_str("\"><code class=\"language-");
            out.push_str(&lang);
            out.push_str("\">");
        }
        None => out.push_str("<pre class=\"code\"><code>"),
    }
    // Blocks without a language do no highlighting work at all.
    let highlighted = match lang {
        Some(lang) if highlight => {
            let start = std::time::Instant::now();
            let html = crate::highlight::highlight(lang, code);
            if let Some(t) = timings {
                t.add(Stage::Highlight, start.elapsed());
            }
            html
        }
        _ => None,
    };
    match highlighted {
        Some(h) => out.push_str(&h),
        None => escape_into(&mut out, code),
    }
    out.push_str("</code></pre>\n");
    out
}

/// CSS for highlighted code, light and dark (see [`crate::highlight::css`]).
pub fn highlight_css() -> String {
    crate::highlight::css()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_html_reads_back_the_same_and_frees_the_text() {
        let md = "# T\n\nSome *text* with `code` and é ü 漢字.\n\n```rust\nfn main() {}\n```\n"
            .repeat(20);
        let mut r = render(&md, &page(), &SAFE);
        let before = r.html.clone();
        assert!(before.contains("<em>text</em>"), "{before}");
        r.pack();
        assert!(r.html.is_empty());
        assert!(r.packed.as_ref().is_some_and(|p| p.len() < before.len()));
        assert_eq!(r.html(), before);
        // Packing twice changes nothing.
        r.pack();
        assert_eq!(r.html(), before);
    }

    const SAFE: MarkdownOptions = MarkdownOptions {
        highlight: true,
        unsafe_html: false,
        site: None,
        writing: None,
    };

    fn page() -> PageContext<'static> {
        PageContext {
            source: "a/b.md",
            url: "a/b/",
            body_offset: 0,
            body_line: 1,
            line_map: None,
        }
    }

    fn html(md: &str) -> String {
        render(md, &page(), &SAFE).html
    }

    fn with(md: &str, opts: MarkdownOptions) -> Rendered {
        render(md, &page(), &opts)
    }

    fn only_link(md: &str) -> Link {
        let r = render(md, &page(), &SAFE);
        assert_eq!(r.links.len(), 1, "{:?}", r.links);
        r.links.into_iter().next().unwrap()
    }

    #[test]
    fn renders_github_tables_footnotes_strikethrough_and_task_lists() {
        let out = html(
            "| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~old~~ new[^n]\n\n- [x] done\n- [ ] todo\n\n[^n]: The note.\n",
        );
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<th>a</th>"), "{out}");
        assert!(
            out.contains("<td style=\"text-align: right\">2</td>"),
            "{out}"
        );
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(out.contains("class=\"footnote-reference\""), "{out}");
        assert!(out.contains("class=\"footnote-definition\""), "{out}");
        assert!(out.contains("type=\"checkbox\" checked=\"\""), "{out}");
        assert_eq!(out.matches("type=\"checkbox\"").count(), 2, "{out}");
    }

    #[test]
    fn renders_github_alerts_as_callouts() {
        for (marker, class, title) in [
            ("NOTE", "note", "Note"),
            ("TIP", "tip", "Tip"),
            ("IMPORTANT", "important", "Important"),
            ("WARNING", "warning", "Warning"),
            ("CAUTION", "caution", "Caution"),
        ] {
            let out = html(&format!("> [!{marker}]\n> Mind the *gap*.\n"));
            let open = format!(
                "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>"
            );
            assert!(out.starts_with(&open), "{out}");
            assert!(out.contains("<p>Mind the <em>gap</em>.</p>"), "{out}");
            assert!(out.trim_end().ends_with("</div>"), "{out}");
            assert!(!out.contains("blockquote"), "{out}");
        }
        assert!(html("> plain quote\n").contains("<blockquote>"));
    }

    #[test]
    fn heading_ids_are_github_slugs_and_duplicates_are_numbered() {
        let r = render(
            "## Install on Linux!\n\n## Install on Linux!\n\n### Install on Linux\n\n## C++ & `Rust`\n",
            &page(),
            &SAFE,
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "install-on-linux",
                "install-on-linux-1",
                "install-on-linux-2",
                "c--rust"
            ]
        );
        assert_eq!(r.headings[3].text, "C++ & Rust");
        assert_eq!(r.headings[2].level, 3);
    }

    #[test]
    fn numbered_duplicate_skips_an_id_already_taken() {
        let r = render("## a-1\n\n## a\n\n## a\n", &page(), &SAFE);
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a-1", "a", "a-2"]);
    }

    #[test]
    fn explicit_heading_id_is_honoured() {
        let r = render("## Getting started {#start}\n\n## Start\n", &page(), &SAFE);
        assert_eq!(r.headings[0].id, "start");
        assert_eq!(r.headings[0].text, "Getting started");
        assert_eq!(r.headings[1].id, "start-1");
        assert!(r.html.contains("<h2 id=\"start\">Getting started</h2>"));
    }

    #[test]
    fn empty_slug_becomes_section() {
        let r = render("## !!!\n\n## ???\n", &page(), &SAFE);
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["section", "section-1"]);
    }

    #[test]
    fn headings_get_an_accessible_self_link() {
        let out = html("Intro\n\n## Set *up*\n");
        assert!(
            out.contains(
                "<div class=\"heading\"><h2 id=\"set-up\">Set <em>up</em></h2><a class=\"anchor\" href=\"#set-up\" aria-label=\"Link to section: Set up\">#</a></div>"
            ),
            "{out}"
        );
    }

    #[test]
    fn first_level_one_heading_becomes_the_title_and_leaves_the_html() {
        let r = render("# Install Acme\n\nText.\n\n## Steps\n", &page(), &SAFE);
        assert_eq!(r.title.as_deref(), Some("Install Acme"));
        assert_eq!(r.title_id.as_deref(), Some("install-acme"));
        assert!(!r.html.contains("<h1"), "{}", r.html);
        assert!(!r.html.contains("Install Acme"), "{}", r.html);
        assert_eq!(r.headings.len(), 1);
        assert_eq!(r.headings[0].id, "steps");
    }

    #[test]
    fn level_one_heading_after_text_is_not_the_title() {
        let r = render("Text.\n\n# Later\n", &page(), &SAFE);
        assert_eq!(r.title, None);
        assert!(r.html.contains("<h1 id=\"later\">Later</h1>"), "{}", r.html);
        let r = render("## Sub\n\n# Top\n", &page(), &SAFE);
        assert_eq!(r.title, None);
    }

    #[test]
    fn empty_first_heading_gives_no_title() {
        let r = render("#\n\nText.\n", &page(), &SAFE);
        assert_eq!(r.title, None);
        assert!(!r.html.contains("<h1"), "{}", r.html);
    }

    #[test]
    fn title_slug_is_reserved_so_a_repeat_gets_a_number() {
        let r = render("# Install\n\n## Install\n", &page(), &SAFE);
        assert_eq!(r.headings[0].id, "install-1");
    }

    #[test]
    fn fenced_code_is_highlighted_with_prefixed_classes() {
        let out = html("```rust\nfn main() { let x = \"<hi>\"; }\n```\n");
        assert!(
            out.starts_with(
                "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">"
            ),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"hl-keyword\">fn</span>"),
            "{out}"
        );
        assert!(out.contains("&lt;hi&gt;"), "{out}");
        assert!(!out.contains("style="), "{out}");
        assert!(out.trim_end().ends_with("</code></pre>"), "{out}");
    }

    #[test]
    fn common_fence_languages_are_highlighted() {
        for (lang, code) in [
            ("sh", "echo \"hi\""),
            ("bash", "echo \"hi\""),
            ("shell", "echo \"hi\""),
            ("yaml", "key: \"v\""),
            ("json", "{\"a\": \"b\"}"),
            ("python", "print(\"x\")"),
            ("rust", "let s = \"x\";"),
            ("js", "const a = \"b\";"),
            ("ts", "const a = \"b\";"),
            ("go", "var s = \"x\""),
        ] {
            let out = html(&format!("```{lang}\n{code}\n```\n"));
            assert!(out.contains("hl-string"), "{lang}: {out}");
            assert!(
                out.contains(&format!("data-lang=\"{lang}\"")),
                "{lang}: {out}"
            );
        }
    }

    #[test]
    fn repeated_code_blocks_highlight_the_same_and_per_language() {
        // The second rendering of a block comes from the highlight cache: it
        // must equal the first, and the cache must not mix languages or
        // console sessions that share the same text.
        let code = "echo \"$HOME\" # cached-block-test";
        let bash1 = html(&format!("```bash\n{code}\n```\n"));
        let bash2 = html(&format!("```bash\n{code}\n```\n"));
        assert_eq!(bash1, bash2);
        assert!(bash1.contains("hl-comment"), "{bash1}");
        let py = html(&format!("```python\n{code}\n```\n"));
        // In Python, `$HOME` is not a variable expansion as it is in shell.
        assert_ne!(py, bash1.replace("bash", "python"), "{py}");
        let console = html(&format!("```console\n{code}\n```\n"));
        assert!(
            console.contains("<span class=\"hl-output\">echo"),
            "{console}"
        );
        let bash3 = html(&format!("```sh\n{code}\n```\n"));
        assert_eq!(
            bash3
                .replace("data-lang=\"sh\"", "")
                .replace("language-sh", ""),
            bash1
                .replace("data-lang=\"bash\"", "")
                .replace("language-bash", "")
        );
    }

    #[test]
    fn console_blocks_mark_prompts_and_output() {
        let out = html("```console\n$ echo hi\nhi\n```\n");
        assert!(out.contains("<span class=\"hl-prompt\">$ </span>"), "{out}");
        assert!(out.contains("<span class=\"hl-output\">hi</span>"), "{out}");
        assert!(
            out.contains("<span class=\"hl-function\">echo</span>"),
            "{out}"
        );
    }

    #[test]
    fn text_http_and_unknown_languages_are_plain_escaped_code() {
        for lang in ["text", "http", "no-such-lang"] {
            let out = html(&format!("```{lang}\na = \"<b>\"\n```\n"));
            assert_eq!(
                out,
                format!(
                    "<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">a = &quot;&lt;b&gt;&quot;\n</code></pre>\n"
                ),
                "{lang}"
            );
        }
    }

    #[test]
    fn highlighting_off_gives_plain_code() {
        let r = with(
            "```rust\nfn x() {}\n```\n",
            MarkdownOptions {
                highlight: false,
                unsafe_html: false,
                site: None,
                writing: None,
            },
        );
        assert_eq!(
            r.html,
            "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">fn x() {}\n</code></pre>\n"
        );
    }

    #[test]
    fn indented_code_is_plain() {
        assert_eq!(
            html("    let a = 1 < 2;\n"),
            "<pre class=\"code\"><code>let a = 1 &lt; 2;\n</code></pre>\n"
        );
    }

    #[test]
    fn info_string_extras_are_ignored_and_language_is_escaped() {
        let out = html("```rust,ignore title=\"x\"\nfn a() {}\n```\n");
        assert!(out.contains("data-lang=\"rust\""), "{out}");
        let out = html("```\"><script>\nx\n```\n");
        assert!(!out.contains("<script>"), "{out}");
    }

    #[test]
    fn raw_html_is_kept_only_when_allowed() {
        let md = "<div class=\"x\">hi</div>\n\nInline <kbd>Ctrl</kbd>.\n";
        let unsafe_out = with(
            md,
            MarkdownOptions {
                highlight: true,
                unsafe_html: true,
                site: None,
                writing: None,
            },
        )
        .html;
        assert!(
            unsafe_out.contains("<div class=\"x\">hi</div>"),
            "{unsafe_out}"
        );
        assert!(unsafe_out.contains("<kbd>Ctrl</kbd>"), "{unsafe_out}");
        let safe = html(md);
        assert!(
            safe.contains("<p class=\"raw-html\">&lt;div class=\"x\"&gt;hi&lt;/div&gt;</p>"),
            "{safe}"
        );
        assert!(safe.contains("&lt;kbd&gt;Ctrl&lt;/kbd&gt;"), "{safe}");
        assert!(!safe.contains("<kbd>"), "{safe}");
    }

    #[test]
    fn html_comments_are_dropped_when_raw_html_is_off() {
        let out = html("<!-- todo: rewrite -->\n\nText <!-- hidden --> here.\n");
        assert!(!out.contains("todo"), "{out}");
        assert!(!out.contains("hidden"), "{out}");
        assert!(out.contains("Text  here."), "{out}");
    }

    #[test]
    fn script_urls_are_neutralised_when_raw_html_is_off() {
        let out = html("[x](javascript:alert(1)) ![i](data:text/html;base64,AA)");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("data:text"), "{out}");
        assert!(html("![i](data:image/png;base64,AA)").contains("src=\"data:image/png"));
    }

    #[test]
    fn relative_md_links_become_relative_page_urls() {
        let l = only_link("[x](../x/y.md#anchor)");
        assert_eq!(
            l.target,
            LinkTarget::Page {
                source: "x/y.md".into(),
                anchor: Some("anchor".into())
            }
        );
        assert_eq!(l.dest, "../x/y.md#anchor");
        assert!(html("[x](../x/y.md#anchor)").contains("href=\"../../x/y/#anchor\""));

        let l = only_link("[y](y.md)");
        assert_eq!(
            l.target,
            LinkTarget::Page {
                source: "a/y.md".into(),
                anchor: None
            }
        );
        assert!(html("[y](y.md)").contains("href=\"../y/\""));

        let l = only_link("[s](_index.md)");
        assert_eq!(
            l.target,
            LinkTarget::Page {
                source: "a/_index.md".into(),
                anchor: None
            }
        );
        assert!(html("[s](_index.md)").contains("href=\"../\""));
        assert!(html("[h](../_index.md)").contains("href=\"../../\""));
    }

    #[test]
    fn anchor_links_stay_on_the_page() {
        let l = only_link("[x](#install-on-linux)");
        assert_eq!(
            l.target,
            LinkTarget::SamePage {
                anchor: "install-on-linux".into()
            }
        );
        assert!(html("[x](#install-on-linux)").contains("href=\"#install-on-linux\""));
        let l = only_link("[x](#%C3%BCber)");
        assert_eq!(
            l.target,
            LinkTarget::SamePage {
                anchor: "über".into()
            }
        );
    }

    #[test]
    fn relative_files_are_content_assets_with_relative_hrefs() {
        let l = only_link("![shot](img/x.png)");
        assert!(l.is_image);
        assert_eq!(
            l.target,
            LinkTarget::Asset {
                path: "a/img/x.png".into(),
                from_static: false
            }
        );
        assert!(html("![shot](img/x.png)").contains("src=\"../img/x.png\""));
        assert!(html("[pdf](../doc.pdf?v=2#page=3)").contains("href=\"../../doc.pdf?v=2#page=3\""));
    }

    fn with_site(md: &str, base: &str) -> Rendered {
        let site = crate::links::paths::SitePaths::new(
            [
                "_index.md",
                "a/b.md",
                "a/c.md",
                "guides/_index.md",
                "guides/install.md",
            ],
            ["img/x.png", "a/shot.png"],
            &[crate::urls::BaseUrl::parse(base).unwrap()],
        );
        let opts = MarkdownOptions {
            site: Some(std::sync::Arc::new(site)),
            ..SAFE
        };
        render(md, &page(), &opts)
    }

    #[test]
    fn root_paths_to_files_become_relative_hrefs() {
        let r = with_site("![logo](/img/x.png)", "https://docs.example.com/");
        assert_eq!(
            r.links[0].target,
            LinkTarget::Asset {
                path: "img/x.png".into(),
                from_static: true
            }
        );
        assert!(r.html.contains("src=\"../../img/x.png\""), "{}", r.html);
    }

    #[test]
    fn site_absolute_page_links_become_relative_like_md_links() {
        for (dest, href) in [
            ("/guides/install/", "../../guides/install/"),
            ("/guides/install", "../../guides/install/"),
            ("/guides/install.md#step-2", "../../guides/install/#step-2"),
            ("/guides/", "../../guides/"),
            ("/a/c/", "../c/"),
            ("/", "../../"),
        ] {
            let r = with_site(&format!("[x]({dest})"), "https://docs.example.com/");
            assert!(
                r.html.contains(&format!("href=\"{href}\"")),
                "{dest}: {}",
                r.html
            );
            assert!(
                matches!(r.links[0].target, LinkTarget::Page { .. }),
                "{dest}"
            );
        }
        let r = with_site("[x](/guides/install/#a)", "https://docs.example.com/");
        assert_eq!(
            r.links[0].target,
            LinkTarget::Page {
                source: "guides/install.md".into(),
                anchor: Some("a".into())
            }
        );
    }

    #[test]
    fn links_under_the_base_path_and_to_the_own_host_resolve() {
        for dest in [
            "/kb/guides/install/",
            "https://docs.example.com/kb/guides/install/",
            "http://docs.example.com/kb/guides/install.md",
        ] {
            let r = with_site(&format!("[x]({dest})"), "https://docs.example.com/kb/");
            assert!(
                r.html.contains("href=\"../../guides/install/\""),
                "{dest}: {}",
                r.html
            );
        }
        // Elsewhere on the same host is an ordinary external link.
        let r = with_site(
            "[x](https://docs.example.com/blog/)",
            "https://docs.example.com/kb/",
        );
        assert!(matches!(r.links[0].target, LinkTarget::External { .. }));
    }

    #[test]
    fn unresolved_site_paths_stay_as_written_for_the_checker() {
        let r = with_site(
            "[x](/product/module/foo?view=7#a)",
            "https://docs.example.com/",
        );
        let LinkTarget::SitePath(site_ref) = &r.links[0].target else {
            panic!("{:?}", r.links[0].target);
        };
        assert_eq!(site_ref.paths, ["product/module/foo"]);
        assert_eq!(site_ref.anchor.as_deref(), Some("a"));
        assert!(!site_ref.own_host);
        assert!(r.html.contains("href=\"/product/module/foo?view=7#a\""));
        // Without the site's paths nothing resolves.
        let l = only_link("[x](/guides/install/)");
        assert!(matches!(l.target, LinkTarget::SitePath(_)));
    }

    #[test]
    fn external_links_are_unchanged() {
        for dest in [
            "https://x.example/a?b#c",
            "http://x.example",
            "mailto:a@b.example",
            "//cdn.example/x.js",
        ] {
            let l = only_link(&format!("[x]({dest})"));
            assert_eq!(l.target, LinkTarget::External { url: dest.into() });
            let out = html(&format!("[x]({dest})"));
            assert!(
                out.contains(&format!("href=\"{}\"", dest.replace('&', "&amp;"))),
                "{out}"
            );
        }
    }

    #[test]
    fn email_autolinks_are_mailto_links() {
        let l = only_link("Write to <help@acme.example>.");
        assert_eq!(
            l.target,
            LinkTarget::External {
                url: "mailto:help@acme.example".into()
            }
        );
        assert!(html("<help@acme.example>").contains("href=\"mailto:help@acme.example\""));
    }

    #[test]
    fn links_above_content_stay_as_written_for_the_checker() {
        let l = only_link("[x](../../out.md#a)");
        assert_eq!(
            l.target,
            LinkTarget::Page {
                source: "../../out.md".into(),
                anchor: Some("a".into())
            }
        );
        assert!(html("[x](../../out.md#a)").contains("href=\"../../out.md#a\""));
        let l = only_link("![x](../../../x.png)");
        assert_eq!(
            l.target,
            LinkTarget::Asset {
                path: "../../../x.png".into(),
                from_static: false
            }
        );
    }

    #[test]
    fn link_positions_are_file_lines_and_char_columns() {
        let ctx = PageContext {
            source: "a/b.md",
            url: "a/b/",
            body_offset: 40,
            body_line: 5,
            line_map: None,
        };
        let r = render(
            "First [one](x.md).\n\nÜber ñ [two](#t) and ![i](p.png)\n",
            &ctx,
            &SAFE,
        );
        let pos: Vec<(usize, usize)> = r.links.iter().map(|l| (l.line, l.col)).collect();
        assert_eq!(pos, [(5, 7), (7, 8), (7, 22)]);
    }

    #[test]
    fn reference_links_are_recorded_where_used() {
        let r = render("See [the guide][g].\n\n[g]: guide.md\n", &page(), &SAFE);
        assert_eq!(r.links.len(), 1);
        assert_eq!((r.links[0].line, r.links[0].col), (1, 5));
        assert_eq!(r.links[0].dest, "guide.md");
    }

    /// Search text keeps a word whole when inline markup is inside it, and
    /// counts the link text of each section.
    #[test]
    fn inline_markup_inside_a_word_keeps_it_whole_in_search_text() {
        let r = render(
            "**b**old and *it*alic, see [the guide](other.md) now\n\n## Links\n\n- [One](a.md)\n- [Two](b.md)\n",
            &page(),
            &SAFE,
        );
        assert_eq!(r.sections[0].text, "bold and italic, see the guide now");
        assert_eq!(r.sections[0].link_chars, "theguide".len());
        assert_eq!(r.sections[1].text, "One Two");
        assert_eq!(r.sections[1].link_chars, "OneTwo".len());
    }

    #[test]
    fn sections_split_at_headings_as_collapsed_plain_text() {
        let r = render(
            "Intro   *text*\nhere.\n\n## Setup\n\nRun:\n\n```sh\nmake   install\n```\n\n### Notes\n\n- a\n- b\n",
            &page(),
            &SAFE,
        );
        assert_eq!(
            r.sections,
            [
                TextSection {
                    anchor: None,
                    heading: String::new(),
                    text: "Intro text here.".into(),
                    link_chars: 0,
                },
                TextSection {
                    anchor: Some("setup".into()),
                    heading: "Setup".into(),
                    text: "Run: make install".into(),
                    link_chars: 0,
                },
                TextSection {
                    anchor: Some("notes".into()),
                    heading: "Notes".into(),
                    text: "a b".into(),
                    link_chars: 0,
                },
            ]
        );
        assert_eq!(r.word_count, 10);
    }

    #[test]
    fn page_starting_with_a_heading_has_no_anonymous_section() {
        let r = render("## Only\n\nBody.\n", &page(), &SAFE);
        assert_eq!(r.sections.len(), 1);
        assert_eq!(r.sections[0].anchor.as_deref(), Some("only"));
        let r = render("# Title\n\nBody.\n", &page(), &SAFE);
        assert_eq!(r.sections[0].anchor, None);
        assert_eq!(r.sections[0].text, "Body.");
    }

    #[test]
    fn summary_is_the_first_paragraph_cut_at_a_word() {
        let r = render(
            "# T\n\n## H\n\nFirst *para*\ngraph.\n\nSecond.\n",
            &page(),
            &SAFE,
        );
        assert_eq!(r.summary, "First para graph.");
        let long = "word ".repeat(100);
        let r = render(&long, &page(), &SAFE);
        assert!(r.summary.ends_with("word…"), "{}", r.summary);
        assert!(r.summary.chars().count() <= SUMMARY_CHARS + 1);
        assert_eq!(r.word_count, 100);
    }

    #[test]
    fn image_alt_text_is_searchable_but_not_the_summary() {
        let r = render(
            "![Screenshot of the settings dialog](shot.png)\n\nTurn sync on ![icon](i.png) here.\n",
            &page(),
            &SAFE,
        );
        assert_eq!(r.summary, "Turn sync on here.");
        assert!(
            r.sections[0]
                .text
                .contains("Screenshot of the settings dialog"),
            "{:?}",
            r.sections[0].text
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        for md in [
            ">".repeat(10_000) + " deep\n",
            "- ".repeat(10_000) + "deep\n",
            "1. ".repeat(10_000) + "deep\n",
            "*".repeat(10_000) + "x" + &"*".repeat(10_000),
            "[".repeat(10_000) + "x" + &"](y.md)".repeat(10_000),
        ] {
            let r = render(&md, &page(), &SAFE);
            assert!(r.html.contains("deep") || r.html.contains('x'));
        }
    }

    #[test]
    fn control_characters_and_odd_links_do_not_panic() {
        let md = "\u{0}\u{1}\u{7f} [a](\u{1}) [b](%zz) [c](../../../../) ![d]() [e](:x) <\u{0}>\n\n# \u{0}\n\n```\u{0}\n\u{0}\n```\n";
        let r = render(md, &page(), &SAFE);
        assert!(!r.html.is_empty());
    }

    #[test]
    fn ten_megabyte_page_renders() {
        let chunk = "## Part\n\nSome *text* with a [link](x.md) and `code`.\n\n```rust\nfn f() -> u8 { 1 }\n```\n\n";
        let md = chunk.repeat(10 * 1024 * 1024 / chunk.len());
        let opts = MarkdownOptions {
            highlight: false,
            unsafe_html: false,
            site: None,
            writing: None,
        };
        let r = render(&md, &page(), &opts);
        assert_eq!(r.headings.len(), md.len() / chunk.len());
        assert_eq!(
            r.headings.last().map(|h| h.id.starts_with("part-")),
            Some(true)
        );
    }

    #[test]
    fn huge_code_block_is_left_plain() {
        let md = format!(
            "```rust\n{}\n```\n",
            "x".repeat(crate::highlight::MAX_LINE + 1)
        );
        assert!(!html(&md).contains("<span"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let md = "# T\n\n## A\n\n## A\n\n[x](y.md) ```x```\n\n```python\nprint(1)\n```\n";
        let a = render(md, &page(), &SAFE);
        let b = render(md, &page(), &SAFE);
        assert_eq!(a.html, b.html);
        assert_eq!(a.headings, b.headings);
    }

    #[test]
    fn highlight_css_has_light_and_dark_rules_for_hl_classes() {
        let css = highlight_css();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark) {")
            .unwrap();
        assert!(light.contains(".hl-comment {"));
        assert!(light.contains(".hl-keyword {"));
        assert!(dark.contains(".hl-comment {"));
        assert!(dark.trim_end().ends_with('}'));
        assert_eq!(css.matches('{').count(), css.matches('}').count());
    }

    #[test]
    fn snapshot_of_a_whole_page() {
        let md = "# Reset your password\n\nIf you forgot it, use the **reset** link.\n\n> [!WARNING]\n> Links expire after 1 hour.\n\n## Steps\n\n1. Open [settings](../account/settings.md#security).\n2. Click *Reset*.\n\n```sh\ncurl -X POST https://api.example/reset\n```\n\n![flow](img/flow.png)\n";
        let r = render(md, &page(), &SAFE);
        insta::assert_snapshot!(r.html);
        insta::assert_debug_snapshot!((
            r.title,
            r.headings,
            r.links,
            r.sections,
            r.summary,
            r.word_count
        ));
    }

    #[test]
    fn snapshot_of_gfm_extras() {
        let md = "## Matrix\n\n| OS | Works |\n|:--|:-:|\n| Linux | yes |\n\n- [x] backup\n- [ ] ~~upload~~\n\nText[^1].\n\n[^1]: Footnote.\n\n> [!TIP]\n> Use `lorebook check`.\n";
        insta::assert_snapshot!(html(md));
    }

    /// Throughput: `cargo test --release --lib markdown -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn measure_throughput() {
        let chunk = "## Configure the service\n\nSet the *port* and the [host](../net/host.md#port) in `config.yaml`; \
                     see ![diagram](img/d.png) and https://example.com for more details about this.\n\n\
                     - one item with **bold** text\n- two items with a [link](#top)\n\n\
                     ```rust\nfn main() {\n    let x: Vec<u32> = (0..10).map(|i| i * 2).collect();\n    println!(\"{x:?}\");\n}\n```\n\n\
                     ```yaml\nserver:\n  port: 8080\n  host: \"localhost\"\n```\n\n";
        let md = chunk.repeat(5 * 1024 * 1024 / chunk.len());
        let mb = md.len() as f64 / (1024.0 * 1024.0);
        for highlight in [false, true] {
            let opts = MarkdownOptions {
                highlight,
                unsafe_html: false,
                site: None,
                writing: None,
            };
            let _ = render(&md[..chunk.len()], &page(), &opts); // warm the syntax set
            let t = std::time::Instant::now();
            let r = render(&md, &page(), &opts);
            let secs = t.elapsed().as_secs_f64();
            println!(
                "highlight={highlight}: {mb:.1} MB in {secs:.2}s = {:.1} MB/s ({} bytes html)",
                mb / secs,
                r.html.len()
            );
        }
    }

    const TABS: &str = "Pick your system.\n\n<!-- tabs -->\n\n### Windows\n\nRun `setup.exe`.\n\n#### Details\n\nAs admin.\n\n### macOS\n\nOpen *Acme.dmg*.\n\n<!-- /tabs -->\n\nDone.\n";

    #[test]
    fn tabs_are_headings_between_markers() {
        let r = render(TABS, &page(), &SAFE);
        insta::assert_snapshot!(r.html);
        // Tab labels are not headings; a deeper heading inside a tab is.
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["details"]);
        assert!(
            r.sections[0].text.contains("Windows Run setup.exe."),
            "{:?}",
            r.sections
        );
        assert!(r.problems.is_empty());
    }

    #[test]
    fn tabs_render_the_same_with_raw_html_allowed() {
        let opts = MarkdownOptions {
            unsafe_html: true,
            ..SAFE
        };
        assert_eq!(with(TABS, opts).html, html(TABS));
    }

    #[test]
    fn tab_groups_on_a_page_get_distinct_ids_and_unclosed_groups_close_at_the_end() {
        let md = "<!-- tabs -->\n## A\n\none\n<!-- /tabs -->\n\n<!-- tabs -->\n## A\n\ntwo\n";
        let out = html(md);
        assert!(out.contains("id=\"tab-1-0\""), "{out}");
        assert!(out.contains("id=\"tab-2-0\""), "{out}");
        assert_eq!(out.matches("<div class=\"tabs\" data-tabs>").count(), 2);
        assert!(out.trim_end().ends_with("</div>\n</div>") || out.trim_end().ends_with("</div>"));
        // A group without headings is plain content.
        let out = html("<!-- tabs -->\nJust text.\n<!-- /tabs -->\n");
        assert_eq!(out, "<p>Just text.</p>\n");
        // Nested markers are reported, not nested.
        let r = render(
            "<!-- tabs -->\n## A\n\n<!-- tabs -->\n\nx\n<!-- /tabs -->\n",
            &page(),
            &SAFE,
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].line, 4);
    }

    #[test]
    fn details_blocks_come_from_a_quote_marked_details() {
        let md = "> [!DETAILS] Why does *sync* stop?\n> Because the token expired.\n>\n> - Sign in again.\n\n> [!details+]\n> Shown open.\n\n> A plain quote.\n";
        let r = render(md, &page(), &SAFE);
        insta::assert_snapshot!(r.html);
        assert!(
            r.sections[0]
                .text
                .starts_with("Why does sync stop? Because"),
            "{:?}",
            r.sections
        );
    }

    #[test]
    fn details_summary_may_be_empty_or_alone() {
        let out = html("> [!DETAILS]\n\n> [!DETAILS] Only a summary\n");
        assert_eq!(
            out,
            "<details class=\"details\">\n<summary>Details</summary>\n</details>\n<details class=\"details\">\n<summary>Only a summary</summary>\n</details>\n"
        );
    }

    #[test]
    fn an_image_with_an_italic_line_below_is_a_figure() {
        let out = html("![The sync icon](img/sync.png)\n*The icon turns green when in sync.*\n\n![Alone](a.png)\n\n![x](b.png)\n**not a caption**\n");
        assert!(out.starts_with("<figure>\n<img "), "{out}");
        assert!(
            out.contains(
                "\n<figcaption>The icon turns green when in sync.</figcaption>\n</figure>\n"
            ),
            "{out}"
        );
        assert_eq!(out.matches("<figure>").count(), 1, "{out}");
        assert!(out.contains("<strong>not a caption</strong>"), "{out}");
    }

    fn with_math(md: &str) -> Rendered {
        let opts = MarkdownOptions {
            writing: Some(std::sync::Arc::new(crate::writing::Writing {
                math: true,
                ..Default::default()
            })),
            ..SAFE
        };
        render(md, &page(), &opts)
    }

    #[test]
    fn math_becomes_mathml_at_build_time() {
        let r = with_math("The fee is $p \\times 0.02$ per transfer:\n\n$$\ntotal = \\sum_{i=1}^{n} p_i\n$$\n\nCosts $5 and $10 stay text.\n\n`$x$` is code.\n");
        insta::assert_snapshot!(r.html);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        // Off without the writing options (and with `markdown.math: false`).
        assert!(html("$x$").contains("$x$"));
    }

    #[test]
    fn invalid_tex_is_an_error_at_its_line() {
        let r = with_math("Fine.\n\nBroken: $\\badcommand{x}$ here.\n");
        assert_eq!(r.problems.len(), 1, "{:?} {}", r.problems, r.html);
        let p = &r.problems[0];
        assert_eq!((p.line, p.col, p.error), (3, 9, true));
        assert!(p.message.starts_with("invalid TeX: "), "{}", p.message);
        assert!(
            r.html
                .contains("<code class=\"math-error\">\\badcommand{x}</code>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn mermaid_blocks_stay_readable_code_and_mark_the_page() {
        let r = render(
            "```mermaid\nflowchart LR\n  A[Sign in] --> B{Token ok?}\n```\n",
            &page(),
            &SAFE,
        );
        assert!(r.mermaid);
        assert_eq!(
            r.html,
            "<pre class=\"code mermaid-source\" data-lang=\"mermaid\"><code class=\"language-mermaid\">flowchart LR\n  A[Sign in] --&gt; B{Token ok?}\n</code></pre>\n"
        );
        assert!(!render("```rust\nfn main() {}\n```\n", &page(), &SAFE).mermaid);
    }

    #[test]
    fn images_after_the_first_load_lazily() {
        let out = html("![Logo](logo.png \"The \\\"logo\\\"\")\n\n![A *b* `c`](<shot one.png>)\n");
        assert!(
            out.contains("<img src=\"../logo.png\" alt=\"Logo\" title=\"The &quot;logo&quot;\" decoding=\"async\" />"),
            "{out}"
        );
        assert!(
            out.contains("<img src=\"../shot%20one.png\" alt=\"A b c\" loading=\"lazy\" decoding=\"async\" />"),
            "{out}"
        );
    }

    #[test]
    fn images_get_their_size_and_big_ones_a_warning() {
        let writing = crate::writing::Writing {
            images: [
                (
                    "a/small.png".to_string(),
                    crate::writing::ImageInfo {
                        width: 64,
                        height: 40,
                        bytes: 900,
                    },
                ),
                (
                    "a/big.png".to_string(),
                    crate::writing::ImageInfo {
                        width: 2000,
                        height: 1000,
                        bytes: 3 * 1024 * 1024,
                    },
                ),
            ]
            .into(),
            image_budget: 500 * 1024,
            ..Default::default()
        };
        let opts = MarkdownOptions {
            writing: Some(std::sync::Arc::new(writing)),
            ..SAFE
        };
        let r = render(
            "![s](small.png)\n\nText.\n\n![b](big.png)\n",
            &page(),
            &opts,
        );
        assert!(
            r.html
                .contains("alt=\"s\" width=\"64\" height=\"40\" decoding"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("width=\"2000\" height=\"1000\" loading=\"lazy\""),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        let p = &r.problems[0];
        assert_eq!((p.line, p.col, p.error), (5, 1, false));
        assert_eq!(
            p.message,
            "image `big.png` is 3.0 MB, over the 500 KB budget"
        );
    }
}
