//! What writers of support articles use beyond GitHub's Markdown (issue 21),
//! each written so that GitHub's own preview still reads well:
//!
//! - Includes: a line `<!-- include: snippets/warning.md -->` is replaced by
//!   that file of the site's `snippets/` folder (nested, cycles reported);
//!   GitHub hides the comment. See [`expand`].
//! - Variables: `{{ product.version }}` outside code, from `variables:` of
//!   lorebook.yaml; an undefined name is an error. See [`expand`].
//! - Tabs: `<!-- tabs -->` … `<!-- /tabs -->` around headings, each heading
//!   a tab (rendered by `markdown.rs`, driven by `site.js`).
//! - Details: `> [!DETAILS] Summary`; figures: an image line followed by an
//!   italic caption line (`markdown.rs`).
//! - Math: `$…$` and `$$…$$` to MathML at build time ([`math`]).
//! - Mermaid: ```` ```mermaid ```` blocks, drawn in the browser by the
//!   theme's vendored mermaid, on pages that have one.
//!
//! Everything here is pure: the snippets and image sizes are read by
//! `content/` and handed over in a [`Writing`].

pub mod expand;
pub mod math;

use std::collections::BTreeMap;

/// The folder of include files, under the site root.
pub const SNIPPETS_DIR: &str = "snippets";

/// What a page's Markdown may draw on besides its own text.
#[derive(Debug, Clone, Default)]
pub struct Writing {
    /// Files of `snippets/` by path relative to it (`warning.md`).
    pub snippets: BTreeMap<String, String>,
    /// Site variables by dotted name (see `Config::variables`).
    pub variables: BTreeMap<String, String>,
    /// Image files by published path (`a/img.png` for content files,
    /// `img.png` for `static/img.png`).
    pub images: BTreeMap<String, ImageInfo>,
    /// Images over this many bytes get a warning (0: no check).
    pub image_budget: u64,
    /// Render `$…$` and `$$…$$` as math.
    pub math: bool,
    /// Keep each page's expanded Markdown (for `llms-full.txt` and the
    /// per-page `index.md`).
    pub keep_markdown: bool,
}

/// What a build knows about one image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// A problem found while rendering a page, at a line of its Markdown body
/// (0-based, in the text as expanded) or, for snippets, of another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `snippets/x.md` when the problem is in a snippet; None: the page.
    pub file: Option<String>,
    /// 1-based line: in the page's file when `file` is None (set by the
    /// caller from the body's first line), else in the snippet.
    pub line: usize,
    pub col: usize,
    pub error: bool,
    pub message: String,
    pub hint: Option<String>,
}

/// `1.2 MB`, `640 KB`: sizes for messages.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
