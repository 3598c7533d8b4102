//! The in-memory search index: documents split into units (one per section,
//! the page top being unit 0 of its page), and one precomputed, quantized
//! BM25F weight per term and unit (fields: title > heading > body). Also the
//! exact-title keys that let the client rank an exact title match first.
//! Pure and deterministic; `shards.rs` turns it into files.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::tokenize::{terms, tokenize};
use super::{DocKind, SearchDoc};

/// Field weights of BM25F.
pub const TITLE_WEIGHT: f64 = 4.0;
pub const HEADING_WEIGHT: f64 = 2.0;
pub const BODY_WEIGHT: f64 = 1.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A term keeps only its best-weighted units (the client shows ten; more
/// would only make common terms' shards large).
pub const MAX_POSTINGS: usize = 500;
/// Characters of section text kept for the result excerpt.
pub const EXCERPT_CHARS: usize = 120;

/// What the client shows for one result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Site-relative URL with the heading anchor (`a/b/#setup`).
    pub url: String,
    pub title: String,
    /// Breadcrumb of the page, outermost first.
    pub breadcrumb: Vec<String>,
    /// Section heading, empty for the page top.
    pub heading: String,
    pub kind: DocKind,
    pub excerpt: String,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub units: Vec<Unit>,
    /// term -> (unit, quantized weight 1..=255), sorted by unit.
    pub postings: BTreeMap<String, Vec<(u32, u8)>>,
}

/// Key of an exact-title entry: the title's terms joined by spaces, plus a
/// trailing space (it sorts right after the title's first term, so it is
/// nearly always in the shard the query loads anyway).
pub fn title_key(title: &str) -> Option<String> {
    let t = terms(title);
    if t.is_empty() {
        None
    } else {
        Some(format!("{} ", t.join(" ")))
    }
}

fn excerpt(text: &str) -> String {
    let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match squashed.char_indices().nth(EXCERPT_CHARS) {
        None => squashed,
        Some((cut, _)) => {
            // Cut at the last space before the limit, when there is one.
            let head = &squashed[..cut];
            let end = head.rfind(' ').filter(|&i| i > cut / 2).unwrap_or(cut);
            format!("{}…", &squashed[..end])
        }
    }
}

/// Weighted term frequencies and length of one unit.
#[derive(Debug, Clone)]
struct Counted {
    /// The unit's terms, sorted, until [`Terms::intern`] turns them into ids.
    names: Vec<String>,
    /// (term id, weighted frequency); ids are set by [`Terms::intern`].
    /// f32 is exact here: frequencies are sums of the small integer field
    /// weights, and half the size of f64 over millions of postings.
    tf: Vec<(u32, f32)>,
    len: f64,
}

fn count(fields: &[(&str, f64)]) -> Counted {
    let mut tf: BTreeMap<String, f64> = BTreeMap::new();
    let mut len = 0.0;
    for (text, weight) in fields {
        for t in tokenize(text) {
            *tf.entry(t.term).or_insert(0.0) += weight;
            len += weight;
        }
    }
    let (names, tf) = tf.into_iter().map(|(t, f)| (t, (0, f as f32))).unzip();
    Counted { names, tf, len }
}

/// One document split into units and counted: everything the index needs
/// from it besides the statistics of the whole collection. Kept by
/// `lorebook serve` so a one-page edit tokenizes only that page.
#[derive(Debug, Clone)]
pub struct Analyzed {
    title_key: Option<String>,
    units: Vec<Unit>,
    /// Each unit as its result block lists it.
    json: Vec<String>,
    counted: Vec<Counted>,
}

impl Analyzed {
    /// How many units the document was split into.
    pub fn unit_count(&self) -> usize {
        self.units.len()
    }
}

/// Dense ids for terms, so weighing a collection does not hash strings. Ids
/// are never reused; the index does not depend on them (terms are sorted).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Terms {
    /// Give `doc`'s terms their ids.
    pub fn intern(&mut self, doc: &mut Analyzed) {
        for c in &mut doc.counted {
            // Taken, not drained: the emptied Vec would keep its allocation.
            for (name, slot) in std::mem::take(&mut c.names)
                .into_iter()
                .zip(c.tf.iter_mut())
            {
                slot.0 = match self.ids.get(&name) {
                    Some(&id) => id,
                    None => {
                        let id = self.names.len() as u32;
                        self.names.push(name.clone());
                        self.ids.insert(name, id);
                        id
                    }
                };
            }
        }
    }
}

/// The order of documents in the index (and so of unit ids).
pub fn doc_order(a: &SearchDoc, b: &SearchDoc) -> std::cmp::Ordering {
    (a.kind, &a.url, &a.title).cmp(&(b.kind, &b.url, &b.title))
}

/// Split one document into units and count their terms (ids not yet given).
pub fn analyze(doc: &SearchDoc) -> Analyzed {
    let mut units = Vec::new();
    let mut counted = Vec::new();
    let has_top = doc.sections.first().is_some_and(|s| s.anchor.is_none());
    if !has_top {
        units.push(Unit {
            url: doc.url.clone(),
            title: doc.title.clone(),
            breadcrumb: doc.breadcrumb.clone(),
            heading: String::new(),
            kind: doc.kind,
            excerpt: String::new(),
        });
        counted.push(count(&[(&doc.title, TITLE_WEIGHT)]));
    }
    for (i, s) in doc.sections.iter().enumerate() {
        let is_top = i == 0 && has_top;
        let url = match &s.anchor {
            Some(a) if !is_top => format!("{}#{}", doc.url, a),
            _ => doc.url.clone(),
        };
        let fields: Vec<(&str, f64)> = if is_top {
            vec![(&doc.title, TITLE_WEIGHT), (&s.text, BODY_WEIGHT)]
        } else {
            vec![(&s.heading, HEADING_WEIGHT), (&s.text, BODY_WEIGHT)]
        };
        counted.push(count(&fields));
        units.push(Unit {
            url,
            title: doc.title.clone(),
            breadcrumb: doc.breadcrumb.clone(),
            heading: if is_top {
                String::new()
            } else {
                s.heading.clone()
            },
            kind: doc.kind,
            excerpt: excerpt(&s.text),
        });
    }
    Analyzed {
        title_key: title_key(&doc.title),
        json: units
            .iter()
            .map(|u| super::shards::unit_json(u).to_string())
            .collect(),
        units,
        counted,
    }
}

/// Build the index. Documents are ordered by (kind, url) so unit ids are
/// stable and each kind is one range of unit ids (the client filters by range).
pub fn build(docs: &[SearchDoc]) -> Index {
    let mut terms = Terms::default();
    let analyzed = analyze_all(docs, &mut terms);
    let weighed = weigh(&analyzed, &terms);
    Index {
        units: weighed.units.into_iter().cloned().collect(),
        postings: weighed.postings,
    }
}

/// Analyze documents (in parallel) in index order, with term ids.
pub fn analyze_all(docs: &[SearchDoc], terms: &mut Terms) -> Vec<Analyzed> {
    let mut order: Vec<&SearchDoc> = docs.iter().collect();
    order.sort_by(|a, b| doc_order(a, b));
    analyze_chunked(&order, |d| Cow::Borrowed(*d), terms)
}

/// Documents analyzed per chunk: each chunk's term strings are interned (and
/// dropped) before the next is made, so a 100,000-page site never holds every
/// unit's terms as strings, nor (when `make` builds documents on demand)
/// every document's text, at once.
pub const ANALYZE_CHUNK: usize = 1024;

/// Analyze the documents `make` gives for `items` (already in index order)
/// in parallel, a chunk at a time, with term ids.
pub fn analyze_chunked<'a, T, F>(items: &'a [T], make: F, terms: &mut Terms) -> Vec<Analyzed>
where
    T: Sync,
    F: Fn(&'a T) -> Cow<'a, SearchDoc> + Sync,
{
    analyze_chunked_by(ANALYZE_CHUNK, items, make, terms)
}

fn analyze_chunked_by<'a, T, F>(
    chunk: usize,
    items: &'a [T],
    make: F,
    terms: &mut Terms,
) -> Vec<Analyzed>
where
    T: Sync,
    F: Fn(&'a T) -> Cow<'a, SearchDoc> + Sync,
{
    use rayon::prelude::*;
    let mut analyzed = Vec::with_capacity(items.len());
    for part in items.chunks(chunk.max(1)) {
        let mut done: Vec<Analyzed> = part.par_iter().map(|item| analyze(&make(item))).collect();
        for a in &mut done {
            terms.intern(a);
        }
        analyzed.append(&mut done);
    }
    analyzed
}

/// Build the index of documents made on demand (see [`analyze_chunked`]).
///
/// Returns the index files straight from the weighed documents: the units
/// are not copied into an [`Index`], and each unit's term frequencies are
/// freed once the postings are made, so a 100,000-page site does not hold
/// its index twice while the files are written.
pub fn build_made<'a, T, F>(items: &'a [T], make: F) -> Vec<super::OutputFile>
where
    T: Sync,
    F: Fn(&'a T) -> Cow<'a, SearchDoc> + Sync,
{
    let mut terms = Terms::default();
    let mut analyzed = analyze_chunked(items, make, &mut terms);
    let postings = postings(&analyzed, &terms);
    drop(terms);
    for doc in &mut analyzed {
        doc.counted = Vec::new();
    }
    super::shards::write_weighed(&borrow(&analyzed, postings))
}

/// Keep the best [`MAX_POSTINGS`] by (score desc, unit): a total order, so
/// selecting them gives the same set a full sort would (in no given order).
fn keep_best(list: &mut Vec<(u32, f64)>) {
    if list.len() > MAX_POSTINGS {
        list.select_nth_unstable_by(MAX_POSTINGS - 1, |a, b| {
            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
        });
        list.truncate(MAX_POSTINGS);
    }
}

/// An index that borrows its units from the analyzed documents.
pub struct Weighed<'a> {
    pub units: Vec<&'a Unit>,
    /// Each unit's JSON for the result blocks.
    pub json: Vec<&'a str>,
    /// term -> (unit, quantized weight 1..=255), sorted by unit.
    pub postings: BTreeMap<String, Vec<(u32, u8)>>,
}

/// The index of analyzed documents (given in index order, interned with
/// `terms`): collection statistics, BM25F weights, quantization,
/// exact-title keys.
pub fn weigh<'a>(docs: &'a [Analyzed], terms: &Terms) -> Weighed<'a> {
    borrow(docs, postings(docs, terms))
}

/// The weighed index of `docs`, borrowing their units, with `postings`.
fn borrow(docs: &[Analyzed], postings: BTreeMap<String, Vec<(u32, u8)>>) -> Weighed<'_> {
    let units = docs.iter().flat_map(|d| d.units.iter()).collect();
    let json = docs
        .iter()
        .flat_map(|d| d.json.iter().map(String::as_str))
        .collect();
    Weighed {
        units,
        json,
        postings,
    }
}

/// The postings of analyzed documents: term -> (unit, quantized weight).
fn postings(docs: &[Analyzed], terms: &Terms) -> BTreeMap<String, Vec<(u32, u8)>> {
    let mut titles: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut unit_count = 0usize;
    for doc in docs {
        if let Some(key) = &doc.title_key {
            titles
                .entry(key.clone())
                .or_default()
                .push(unit_count as u32);
        }
        unit_count += doc.units.len();
    }
    let counted = || docs.iter().flat_map(|d| d.counted.iter());

    let n = unit_count as f64;
    let avg_len = if unit_count == 0 {
        1.0
    } else {
        (counted().map(|c| c.len).sum::<f64>() / n).max(1.0)
    };
    let mut df: Vec<u32> = vec![0; terms.names.len()];
    for c in counted() {
        for (id, _) in &c.tf {
            if let Some(d) = df.get_mut(*id as usize) {
                *d += 1;
            }
        }
    }
    let mut raw: Vec<Vec<(u32, f64)>> = df
        .iter()
        .map(|&d| Vec::with_capacity((d as usize).min(2 * MAX_POSTINGS)))
        .collect();
    let idfs: Vec<f64> = df
        .iter()
        .map(|&d| {
            let d = f64::from(d);
            (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
        })
        .collect();
    let mut max_score: f64 = 0.0;
    for (unit, c) in counted().enumerate() {
        let norm = K1 * (1.0 - B + B * c.len / avg_len);
        for &(id, tf) in &c.tf {
            let Some(&idf) = idfs.get(id as usize) else {
                continue;
            };
            let tf = f64::from(tf);
            let score = idf * tf * (K1 + 1.0) / (tf + norm);
            max_score = max_score.max(score);
            if let Some(list) = raw.get_mut(id as usize) {
                list.push((unit as u32, score));
                if list.len() >= 2 * MAX_POSTINGS {
                    // Keep only the best so far: the final selection below
                    // picks the same set from them (a total order), and a
                    // common term no longer holds a posting per unit.
                    keep_best(list);
                    list.shrink_to(2 * MAX_POSTINGS);
                }
            }
        }
    }
    let scale = if max_score > 0.0 {
        255.0 / max_score
    } else {
        0.0
    };
    let mut postings = BTreeMap::new();
    for (mut list, term) in raw.into_iter().zip(&terms.names) {
        if list.is_empty() {
            continue;
        }
        keep_best(&mut list);
        // By unit (pruning above may have left any list out of order).
        list.sort_unstable_by_key(|p| p.0);
        let q = list
            .into_iter()
            .map(|(u, s)| (u, (s * scale).round().clamp(1.0, 255.0) as u8))
            .collect();
        postings.insert(term.clone(), q);
    }
    for (key, mut list) in titles {
        list.truncate(MAX_POSTINGS);
        // Weight 255 marks an exact title; the client ranks these first.
        postings.insert(key, list.into_iter().map(|u| (u, 255)).collect());
    }
    postings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::TextSection;

    /// A term in more units than two lists' worth is pruned while it is
    /// counted; what is kept must still be the best MAX_POSTINGS units.
    #[test]
    fn common_terms_keep_their_best_units_after_pruning() {
        let n = 2 * MAX_POSTINGS + 201;
        let bodies: Vec<String> = (0..n)
            .map(|i| format!("common {}", "filler ".repeat(i)))
            .collect();
        let docs: Vec<SearchDoc> = (0..n)
            .map(|i| doc(&format!("d{i:05}/"), "T", &[(None, "", bodies[i].as_str())]))
            .collect();
        let index = build(&docs);
        let common = &index.postings["common"];
        // The shorter the unit, the higher "common" weighs: the kept units
        // are the MAX_POSTINGS shortest, in unit order.
        let units: Vec<u32> = common.iter().map(|p| p.0).collect();
        assert_eq!(units, (0..MAX_POSTINGS as u32).collect::<Vec<_>>());
        assert!(common.windows(2).all(|w| w[0].1 >= w[1].1));
    }

    /// Interning a chunk at a time gives the index interning all at once
    /// gives (term ids differ; the index does not depend on them).
    #[test]
    fn chunked_analysis_gives_the_same_index() {
        let docs = vec![
            doc("b/", "Beta sync", &[(None, "", "sync conflicts resolve")]),
            doc(
                "a/",
                "Alpha",
                &[(None, "", "install sync"), (Some("x"), "Extra", "proxy")],
            ),
            doc(
                "c/",
                "Gamma",
                &[(Some("y"), "Why", "conflicts and proxy settings")],
            ),
        ];
        let mut order: Vec<&SearchDoc> = docs.iter().collect();
        order.sort_by(|a, b| doc_order(a, b));
        let whole = build(&docs);
        for chunk in 1..=3 {
            let mut terms = Terms::default();
            let analyzed = analyze_chunked_by(chunk, &order, |d| Cow::Borrowed(*d), &mut terms);
            let w = weigh(&analyzed, &terms);
            assert_eq!(w.postings, whole.postings, "chunk {chunk}");
            let units: Vec<Unit> = w.units.into_iter().cloned().collect();
            assert_eq!(units, whole.units, "chunk {chunk}");
        }
        assert!(
            whole.postings.contains_key("proxi"),
            "{:?}",
            whole.postings.keys()
        );
    }

    pub(crate) fn doc(
        url: &str,
        title: &str,
        sections: &[(Option<&str>, &str, &str)],
    ) -> SearchDoc {
        SearchDoc {
            url: url.to_string(),
            title: title.to_string(),
            breadcrumb: vec!["Docs".to_string()],
            kind: DocKind::Page,
            sections: sections
                .iter()
                .map(|(a, h, t)| TextSection {
                    anchor: a.map(str::to_string),
                    heading: h.to_string(),
                    text: t.to_string(),
                })
                .collect(),
        }
    }

    fn weight(index: &Index, term: &str, url: &str) -> Option<u8> {
        let unit = index.units.iter().position(|u| u.url == url)? as u32;
        index
            .postings
            .get(term)?
            .iter()
            .find(|p| p.0 == unit)
            .map(|p| p.1)
    }

    #[test]
    fn splits_pages_into_section_units_with_anchor_urls() {
        let index = build(&[doc(
            "guide/",
            "Guide",
            &[(None, "", "intro"), (Some("setup"), "Setup", "steps")],
        )]);
        let urls: Vec<&str> = index.units.iter().map(|u| u.url.as_str()).collect();
        assert_eq!(urls, vec!["guide/", "guide/#setup"]);
        assert_eq!(index.units[1].heading, "Setup");
    }

    #[test]
    fn adds_a_top_unit_when_page_starts_with_a_heading() {
        let index = build(&[doc("a/", "Alpha", &[(Some("x"), "X", "text")])]);
        assert_eq!(index.units[0].url, "a/");
        assert!(weight(&index, "alpha", "a/").is_some());
    }

    #[test]
    fn weighs_title_over_heading_over_body() {
        let filler = "lorem ipsum dolor sit amet consectetur";
        let index = build(&[
            doc("t/", "Network", &[(None, "", filler)]),
            doc(
                "h/",
                "Other",
                &[(None, "", filler), (Some("n"), "Network", filler)],
            ),
            doc("b/", "Third", &[(None, "", &format!("network {filler}"))]),
        ]);
        let t = weight(&index, "network", "t/").unwrap_or(0);
        let h = weight(&index, "network", "h/#n").unwrap_or(0);
        let b = weight(&index, "network", "b/").unwrap_or(0);
        assert!(t > h && h > b && b > 0, "title {t}, heading {h}, body {b}");
    }

    #[test]
    fn rarer_terms_weigh_more() {
        let index = build(&[
            doc("a/", "A", &[(None, "", "common rare")]),
            doc("b/", "B", &[(None, "", "common")]),
            doc("c/", "C", &[(None, "", "common")]),
        ]);
        assert!(weight(&index, "rare", "a/") > weight(&index, "common", "a/"));
    }

    #[test]
    fn records_exact_title_keys() {
        let index = build(&[doc("r/", "Reset the Password", &[(None, "", "x")])]);
        assert_eq!(index.postings.get("reset password "), Some(&vec![(0, 255)]));
    }

    #[test]
    fn keeps_only_the_best_postings_of_very_common_terms() {
        let mut docs = Vec::new();
        for i in 0..MAX_POSTINGS + 10 {
            let text = if i == 7 {
                "word word word".to_string()
            } else {
                format!("word filler{i} a b c d e")
            };
            docs.push(doc(&format!("p{i:05}/"), "T", &[(None, "", &text)]));
        }
        let index = build(&docs);
        let list = &index.postings["word"];
        assert_eq!(list.len(), MAX_POSTINGS);
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(weight(&index, "word", "p00007/").is_some());
    }

    #[test]
    fn cuts_excerpts_at_a_word_boundary() {
        let long = "word ".repeat(100);
        let e = excerpt(&long);
        assert!(e.ends_with('…') && e.chars().count() <= EXCERPT_CHARS + 1);
        assert_eq!(excerpt("a\n  b"), "a b");
    }
}
