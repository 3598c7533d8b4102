//! The types the index builder (`index.rs`) and the file writer
//! (`shards.rs`) share: documents in, page records and postings out. Kept in
//! their own module so neither of the two depends on the other, nor on
//! `search/mod.rs`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::lang::Langs;
use crate::markdown::TextSection;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    Page,
    Answer,
}

impl DocKind {
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Page => "page",
            DocKind::Answer => "answer",
        }
    }
}

/// One page or answer to index.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// Site-relative URL (`a/b/`).
    pub url: String,
    pub title: String,
    /// The page's `description:` (or summary); empty when it has none.
    pub description: String,
    /// Titles of the sections above it, outermost first.
    pub breadcrumb: Vec<String>,
    pub kind: DocKind,
    pub sections: Vec<TextSection>,
    /// The languages it is tokenized in (`search.languages`).
    pub langs: Langs,
}

/// One section of a page as the client shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRecord {
    /// Heading id, empty for the text before the first heading.
    pub anchor: String,
    pub heading: String,
    /// The start of the section's text (at most `index::TEXT_CHARS`), for
    /// excerpts around the matched words.
    pub text: String,
    /// Whether `text` was cut.
    pub cut: bool,
}

impl SectionRecord {
    /// Whether the anchor is the plain slug of an ASCII heading, which the
    /// client derives itself (`anchorOf` in search.js), so blocks store `1` in
    /// its place. Other headings keep their anchor written out.
    pub fn anchor_is_slug(&self) -> bool {
        !self.anchor.is_empty()
            && self.heading.is_ascii()
            && crate::urls::slugify(&self.heading) == self.anchor
    }
}

/// What the client shows for one page: result blocks hold these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRecord {
    /// Site-relative URL (`a/b/`).
    pub url: String,
    pub title: String,
    pub breadcrumb: Vec<String>,
    pub kind: DocKind,
    /// Section `s` is posting slot `s + 2` (slot 0 is the title, slot 1 the
    /// description and headings).
    pub sections: Vec<SectionRecord>,
}

impl PageRecord {
    /// The page as a result block lists it:
    /// `[url, title, breadcrumb, kind, [[anchor, heading, text, cut], ...]]`,
    /// the anchor `1` when it is the heading's slug.
    pub fn json(&self) -> Value {
        let sections: Vec<Value> = self
            .sections
            .iter()
            .map(|s| {
                let anchor = if s.anchor_is_slug() {
                    json!(1)
                } else {
                    json!(s.anchor)
                };
                json!([anchor, s.heading, s.text, u8::from(s.cut)])
            })
            .collect();
        json!([
            self.url,
            self.title,
            self.breadcrumb.join(" › "),
            self.kind.name(),
            sections
        ])
    }
}

/// One posting: a page, a slot in it (0: its title; 1: its description and
/// headings; `s + 2`: its section `s`), and a quantized weight 1..=255.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Posting {
    pub page: u32,
    pub slot: u32,
    pub weight: u8,
}

/// term -> postings, sorted by (page, slot). Keys ending in a space are
/// exact-title keys (weight 255 on slot 0).
pub type Postings = BTreeMap<String, Vec<Posting>>;

/// A whole index in memory.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub pages: Vec<PageRecord>,
    pub postings: Postings,
    /// Every language its documents were tokenized in (the client stems
    /// queries in each).
    pub langs: Langs,
}

/// An index that borrows its pages from the analyzed documents.
pub struct Weighed<'a> {
    pub pages: Vec<&'a PageRecord>,
    /// Each page's JSON for the result blocks.
    pub json: Vec<&'a str>,
    pub postings: Postings,
    /// As [`Index::langs`].
    pub langs: Langs,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(anchor: &str, heading: &str) -> SectionRecord {
        SectionRecord {
            anchor: anchor.into(),
            heading: heading.into(),
            text: String::new(),
            cut: false,
        }
    }

    #[test]
    fn plain_slugs_of_ascii_headings_are_left_to_the_client() {
        assert!(section("setting-the-mode", "Setting the mode").anchor_is_slug());
        assert!(section("get-item_v2-", " Get-Item_v2 (!) ").anchor_is_slug());
        // Numbered duplicates, headings with their own ids, non-ASCII
        // headings and sections without an anchor keep what they have.
        assert!(!section("setting-the-mode-1", "Setting the mode").anchor_is_slug());
        assert!(!section("custom", "Setting the mode").anchor_is_slug());
        assert!(!section("größe", "Größe").anchor_is_slug());
        assert!(!section("", "").anchor_is_slug());
    }

    #[test]
    fn page_json_writes_1_for_a_derived_anchor() {
        let page = PageRecord {
            url: "a/".into(),
            title: "A".into(),
            breadcrumb: vec![],
            kind: DocKind::Page,
            sections: vec![
                section("", ""),
                section("why-it-fails", "Why it fails"),
                section("x", "Y"),
            ],
        };
        let sections = &page.json()[4];
        assert_eq!(sections[0][0], json!(""));
        assert_eq!(sections[1][0], json!(1));
        assert_eq!(sections[2][0], json!("x"));
    }
}
