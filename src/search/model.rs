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
    /// `[url, title, breadcrumb, kind, [[anchor, heading, text, cut], ...]]`.
    pub fn json(&self) -> Value {
        let sections: Vec<Value> = self
            .sections
            .iter()
            .map(|s| json!([s.anchor, s.heading, s.text, u8::from(s.cut)]))
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
