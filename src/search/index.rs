//! The in-memory search index: one record per page (its sections kept in
//! it), and one precomputed, quantized weight per term and posting slot.
//! Slot 0 of a page is its title (BM25 over titles: the client knows which
//! query words a title covers), slot 1 its other page fields (description >
//! headings, BM25F over pages), so the title and headings count for every
//! section of the page when the client adds them up; slot `s + 2` holds
//! section `s` (heading > body), scored with BM25F over sections and
//! down-weighted when the section is mostly link text (a "See also" list, a
//! catalogue of other pages). Every posting is kept (no cap). Also the
//! exact-title keys that let the client rank an exact title match first.
//! Pure and deterministic; `shards.rs` turns it into files.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::lang::Langs;
use super::model::{
    DocKind, Index, PageRecord, Posting, Postings, SearchDoc, SectionRecord, Weighed,
};
use super::tokenize::{terms, tokenize};

/// Field weights of the page slot.
pub const TITLE_WEIGHT: f64 = 4.0;
pub const DESCRIPTION_WEIGHT: f64 = 2.0;
pub const PAGE_HEADING_WEIGHT: f64 = 1.0;
/// Field weights of a section slot.
pub const HEADING_WEIGHT: f64 = 2.0;
pub const BODY_WEIGHT: f64 = 1.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Characters of each section's text kept for excerpts.
pub const TEXT_CHARS: usize = 200;
/// Weight factor of a section whose text is mostly link text, and of one
/// whose text is largely link text.
pub const LINK_LIST_FACTOR: f64 = 0.25;
pub const LINK_HEAVY_FACTOR: f64 = 0.5;

/// Key of an exact-title entry: the title's terms joined by spaces, plus a
/// trailing space (it sorts right after the title's first term, so it is
/// nearly always in the shard the query loads anyway).
pub fn title_key(title: &str, langs: Langs) -> Option<String> {
    let t = terms(title, langs);
    if t.is_empty() {
        None
    } else {
        Some(format!("{} ", t.join(" ")))
    }
}

/// The start of a text, whitespace collapsed, at most [`TEXT_CHARS`]
/// characters cut at a space; and whether it was cut.
pub fn text_start(text: &str) -> (String, bool) {
    let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match squashed.char_indices().nth(TEXT_CHARS) {
        None => (squashed, false),
        Some((cut, _)) => {
            let head = &squashed[..cut];
            let end = head.rfind(' ').filter(|&i| i > cut / 2).unwrap_or(cut);
            (squashed[..end].to_string(), true)
        }
    }
}

/// The weight factor of a section from the share of its text inside links.
pub fn link_factor(text: &str, link_chars: usize) -> f64 {
    let total = text.chars().filter(|c| !c.is_whitespace()).count();
    if total == 0 {
        return 1.0;
    }
    let share = link_chars as f64 / total as f64;
    if share >= 0.6 {
        LINK_LIST_FACTOR
    } else if share >= 0.35 {
        LINK_HEAVY_FACTOR
    } else {
        1.0
    }
}

/// Fields of a slot: up to three (title slot: title; page slot:
/// description, headings; section: heading, body).
const FIELDS: usize = 3;

/// (weight, length normalization `b`) of each field of a page slot and of a
/// section slot (BM25F: each field's frequency is normalized by its own
/// length before the fields are added up and saturated, so a page's long list
/// of headings does not dilute its title).
const TITLE_FIELDS: [(f64, f64); FIELDS] = [(TITLE_WEIGHT, 0.5), (0.0, 0.0), (0.0, 0.0)];
const PAGE_FIELDS: [(f64, f64); FIELDS] = [
    (DESCRIPTION_WEIGHT, 0.5),
    (PAGE_HEADING_WEIGHT, 0.75),
    (0.0, 0.0),
];
const SECTION_FIELDS: [(f64, f64); FIELDS] = [(HEADING_WEIGHT, 0.5), (BODY_WEIGHT, B), (0.0, 0.0)];

/// Term frequencies per field and field lengths of one slot.
#[derive(Debug, Clone)]
struct Counted {
    /// The slot's terms, sorted, until [`Terms::intern`] turns them into ids.
    names: Vec<String>,
    /// (term id, frequency in each field); ids are set by [`Terms::intern`].
    tf: Vec<(u32, [u16; FIELDS])>,
    lens: [u32; FIELDS],
    /// Weight factor (link lists are down-weighted).
    factor: f32,
}

fn count(fields: &[&str], factor: f64, langs: Langs) -> Counted {
    let mut tf: BTreeMap<String, [u16; FIELDS]> = BTreeMap::new();
    let mut lens = [0u32; FIELDS];
    for (f, text) in fields.iter().enumerate().take(FIELDS) {
        for t in tokenize(text, langs) {
            // A word counts once towards the length, under each of its terms.
            for term in std::iter::once(t.term).chain(t.alts) {
                let e = tf.entry(term).or_insert([0; FIELDS]);
                e[f] = e[f].saturating_add(1);
            }
            lens[f] = lens[f].saturating_add(1);
        }
    }
    let (names, tf) = tf.into_iter().map(|(t, f)| (t, (0, f))).unzip();
    Counted {
        names,
        tf,
        lens,
        factor: factor as f32,
    }
}

/// One document analyzed and counted: everything the index needs from it
/// besides the statistics of the whole collection. Kept by `lorebook serve`
/// so a one-page edit tokenizes only that page.
#[derive(Debug, Clone)]
pub struct Analyzed {
    title_key: Option<String>,
    /// The languages it was tokenized in.
    langs: Langs,
    page: PageRecord,
    /// The page as its result block lists it.
    json: String,
    /// Slot 0 (the title), slot 1 (the other page fields), then one per
    /// section.
    counted: Vec<Counted>,
}

impl Analyzed {
    /// How many sections the document was split into.
    pub fn section_count(&self) -> usize {
        self.page.sections.len()
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

/// The last segment of a URL path (`a/b/` -> `b`): versions and
/// translations of a page share it.
pub fn slug(url: &str) -> &str {
    let path = url.split(['#', '?']).next().unwrap_or("");
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// What documents are ordered by in the index (and so page ids): kind, then
/// the URL's last segment, so the versions and translations of one page sit
/// together (their blocks and posting gaps compress well, and a query whose
/// results are those copies loads one block), then URL and title.
pub type OrderKey<'a> = (DocKind, String, &'a str, &'a str);

pub fn order_key<'a>(kind: DocKind, url: &'a str, title: &'a str) -> OrderKey<'a> {
    (kind, slug(url).to_lowercase(), url, title)
}

/// The order of documents in the index (see [`order_key`]).
pub fn doc_order(a: &SearchDoc, b: &SearchDoc) -> std::cmp::Ordering {
    order_key(a.kind, &a.url, &a.title).cmp(&order_key(b.kind, &b.url, &b.title))
}

/// Record and count one document (term ids not yet given).
pub fn analyze(doc: &SearchDoc) -> Analyzed {
    let headings: Vec<&str> = doc
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .filter(|h| !h.is_empty())
        .collect();
    let headings = headings.join(" \n ");
    let mut counted = vec![
        count(&[&doc.title], 1.0, doc.langs),
        count(&[&doc.description, &headings], 1.0, doc.langs),
    ];
    let mut sections = Vec::with_capacity(doc.sections.len());
    for s in &doc.sections {
        counted.push(count(
            &[&s.heading, &s.text],
            link_factor(&s.text, s.link_chars),
            doc.langs,
        ));
        let (text, cut) = text_start(&s.text);
        sections.push(SectionRecord {
            anchor: s.anchor.clone().unwrap_or_default(),
            heading: s.heading.clone(),
            text,
            cut,
        });
    }
    let page = PageRecord {
        url: doc.url.clone(),
        title: doc.title.clone(),
        breadcrumb: doc.breadcrumb.clone(),
        kind: doc.kind,
        sections,
    };
    Analyzed {
        title_key: title_key(&doc.title, doc.langs),
        langs: doc.langs,
        json: page.json().to_string(),
        page,
        counted,
    }
}

/// Build the index. Documents are ordered by (kind, url) so page ids are
/// stable and each kind is one range of page ids (the client filters by range).
pub fn build(docs: &[SearchDoc]) -> Index {
    let mut terms = Terms::default();
    let analyzed = analyze_all(docs, &mut terms);
    let weighed = weigh(&analyzed, &terms);
    Index {
        pages: weighed.pages.into_iter().cloned().collect(),
        postings: weighed.postings,
        langs: weighed.langs,
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
/// section's terms as strings, nor (when `make` builds documents on demand)
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

/// Weigh the documents `make` gives for `items` (see [`analyze_chunked`])
/// and hand the weighed index to `write`.
///
/// `write` gets the index straight from the weighed documents: the pages
/// are not copied into an [`Index`], and each slot's term frequencies are
/// freed once the postings are made, so a 100,000-page site does not hold
/// its index twice while the files are written.
pub fn build_made<'a, T, F, R>(items: &'a [T], make: F, write: impl FnOnce(&Weighed<'_>) -> R) -> R
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
    write(&borrow(&analyzed, postings))
}

/// The index of analyzed documents (given in index order, interned with
/// `terms`): collection statistics, BM25 weights, quantization,
/// exact-title keys.
pub fn weigh<'a>(docs: &'a [Analyzed], terms: &Terms) -> Weighed<'a> {
    borrow(docs, postings(docs, terms))
}

/// The weighed index of `docs`, borrowing their pages, with `postings`.
fn borrow(docs: &[Analyzed], postings: Postings) -> Weighed<'_> {
    Weighed {
        pages: docs.iter().map(|d| &d.page).collect(),
        json: docs.iter().map(|d| d.json.as_str()).collect(),
        postings,
        langs: docs
            .iter()
            .map(|d| d.langs)
            .reduce(Langs::with)
            .unwrap_or_default(),
    }
}

/// BM25F statistics of one kind of slot (page fields, or sections).
struct Stats {
    fields: [(f64, f64); FIELDS],
    avg_len: [f64; FIELDS],
    idf: Vec<f64>,
}

impl Stats {
    fn of<'a>(
        slots: impl Iterator<Item = &'a Counted>,
        terms: usize,
        fields: [(f64, f64); FIELDS],
    ) -> Stats {
        let mut df: Vec<u32> = vec![0; terms];
        let mut n = 0usize;
        let mut total = [0.0f64; FIELDS];
        for c in slots {
            n += 1;
            for (t, l) in total.iter_mut().zip(c.lens) {
                *t += f64::from(l);
            }
            for (id, _) in &c.tf {
                if let Some(d) = df.get_mut(*id as usize) {
                    *d += 1;
                }
            }
        }
        let nf = n as f64;
        let avg_len = total.map(|t| if n == 0 { 1.0 } else { (t / nf).max(1.0) });
        let idf = df
            .iter()
            .map(|&d| {
                let d = f64::from(d);
                (1.0 + (nf - d + 0.5) / (d + 0.5)).ln()
            })
            .collect();
        Stats {
            fields,
            avg_len,
            idf,
        }
    }

    fn score(&self, c: &Counted, id: u32, tf: &[u16; FIELDS]) -> f64 {
        let Some(&idf) = self.idf.get(id as usize) else {
            return 0.0;
        };
        let mut t = 0.0;
        for (((&(weight, b), &tf), &len), &avg) in
            self.fields.iter().zip(tf).zip(&c.lens).zip(&self.avg_len)
        {
            if tf == 0 || weight == 0.0 {
                continue;
            }
            let norm = 1.0 - b + b * f64::from(len) / avg;
            t += weight * f64::from(tf) / norm;
        }
        idf * t * (K1 + 1.0) / (t + K1) * f64::from(c.factor)
    }
}

/// The postings of analyzed documents: term -> (page, slot, quantized weight).
fn postings(docs: &[Analyzed], terms: &Terms) -> Postings {
    let title_slots = docs.iter().filter_map(|d| d.counted.first());
    let page_slots = docs.iter().filter_map(|d| d.counted.get(1));
    let section_slots = docs.iter().flat_map(|d| d.counted.iter().skip(2));
    let title_stats = Stats::of(title_slots, terms.names.len(), TITLE_FIELDS);
    let page_stats = Stats::of(page_slots, terms.names.len(), PAGE_FIELDS);
    let section_stats = Stats::of(section_slots, terms.names.len(), SECTION_FIELDS);

    let mut raw: Vec<Vec<(u32, u32, f64)>> = vec![Vec::new(); terms.names.len()];
    let mut max_score: f64 = 0.0;
    for (page, doc) in docs.iter().enumerate() {
        for (slot, c) in doc.counted.iter().enumerate() {
            let stats = match slot {
                0 => &title_stats,
                1 => &page_stats,
                _ => &section_stats,
            };
            for (id, tf) in &c.tf {
                let score = stats.score(c, *id, tf);
                if score <= 0.0 {
                    continue;
                }
                max_score = max_score.max(score);
                if let Some(list) = raw.get_mut(*id as usize) {
                    list.push((page as u32, slot as u32, score));
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
    for (list, term) in raw.into_iter().zip(&terms.names) {
        if list.is_empty() {
            continue;
        }
        // Made in (page, slot) order.
        let q = list
            .into_iter()
            .map(|(page, slot, s)| Posting {
                page,
                slot,
                weight: (s * scale).round().clamp(1.0, 255.0) as u8,
            })
            .collect();
        postings.insert(term.clone(), q);
    }
    let mut titles: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
    for (page, doc) in docs.iter().enumerate() {
        if let Some(key) = &doc.title_key {
            // Weight 255 marks an exact title; the client ranks these first.
            titles.entry(key.clone()).or_default().push(Posting {
                page: page as u32,
                slot: 0,
                weight: 255,
            });
        }
    }
    postings.extend(titles);
    postings
}

/// The kind of each page, as ranges of page ids (pages are ordered by kind).
pub fn kind_ranges(pages: &[&PageRecord]) -> Vec<(DocKind, usize, usize)> {
    let mut out: Vec<(DocKind, usize, usize)> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        match out.last_mut() {
            Some((kind, _, to)) if *kind == p.kind => *to = i + 1,
            _ => out.push((p.kind, i, i + 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::TextSection;

    pub(crate) fn doc(
        url: &str,
        title: &str,
        sections: &[(Option<&str>, &str, &str)],
    ) -> SearchDoc {
        SearchDoc {
            url: url.to_string(),
            title: title.to_string(),
            description: String::new(),
            breadcrumb: vec!["Docs".to_string()],
            kind: DocKind::Page,
            sections: sections
                .iter()
                .map(|(a, h, t)| TextSection {
                    anchor: a.map(str::to_string),
                    heading: h.to_string(),
                    text: t.to_string(),
                    link_chars: 0,
                })
                .collect(),
            langs: Default::default(),
        }
    }

    fn weight(index: &Index, term: &str, url: &str, slot: u32) -> Option<u8> {
        let page = index.pages.iter().position(|p| p.url == url)? as u32;
        index
            .postings
            .get(term)?
            .iter()
            .find(|p| p.page == page && p.slot == slot)
            .map(|p| p.weight)
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
            let pages: Vec<PageRecord> = w.pages.into_iter().cloned().collect();
            assert_eq!(pages, whole.pages, "chunk {chunk}");
        }
        assert!(whole.postings.contains_key("proxi"));
    }

    #[test]
    fn records_pages_with_their_sections_in_slot_order() {
        let index = build(&[doc(
            "guide/",
            "Guide",
            &[(None, "", "intro"), (Some("setup"), "Setup", "steps")],
        )]);
        assert_eq!(index.pages.len(), 1);
        let p = &index.pages[0];
        assert_eq!(p.url, "guide/");
        assert_eq!(p.sections[1].anchor, "setup");
        assert_eq!(p.sections[1].heading, "Setup");
        // Slot 0 is the title, 1 the other page fields, s + 2 section s.
        assert!(weight(&index, "guid", "guide/", 0).is_some());
        assert!(weight(&index, "intro", "guide/", 2).is_some());
        assert!(weight(&index, "step", "guide/", 3).is_some());
        // Headings are page fields too: they count for the whole page.
        assert!(weight(&index, "setup", "guide/", 1).is_some());
        assert!(weight(&index, "setup", "guide/", 3).is_some());
        assert!(weight(&index, "intro", "guide/", 0).is_none());
        assert!(weight(&index, "intro", "guide/", 1).is_none());
    }

    #[test]
    fn page_fields_weigh_title_over_description_over_headings() {
        let filler = "lorem ipsum dolor sit amet consectetur";
        let mut d = doc("d/", "Other", &[(None, "", filler)]);
        d.description = "network".into();
        let index = build(&[
            doc("t/", "Network", &[(None, "", filler)]),
            d,
            doc(
                "h/",
                "Third",
                &[(None, "", filler), (Some("n"), "Network", filler)],
            ),
        ]);
        let t = weight(&index, "network", "t/", 0).unwrap_or(0);
        let d = weight(&index, "network", "d/", 1).unwrap_or(0);
        let h = weight(&index, "network", "h/", 1).unwrap_or(0);
        assert!(
            t > d && d > h && h > 0,
            "title {t}, description {d}, heading {h}"
        );
    }

    #[test]
    fn sections_weigh_heading_over_body() {
        let filler = "lorem ipsum dolor sit amet consectetur";
        let index = build(&[
            doc("h/", "A", &[(Some("n"), "Network", filler)]),
            doc(
                "b/",
                "B",
                &[(Some("m"), "Other", &format!("network {filler}"))],
            ),
        ]);
        let h = weight(&index, "network", "h/", 2).unwrap_or(0);
        let b = weight(&index, "network", "b/", 2).unwrap_or(0);
        assert!(h > b && b > 0, "heading {h}, body {b}");
    }

    #[test]
    fn link_lists_weigh_less_than_prose() {
        let text = "Restart the network service after changing the settings";
        let mut list = doc("l/", "A", &[(Some("see-also"), "See also", text)]);
        list.sections[0].link_chars = text.chars().filter(|c| !c.is_whitespace()).count();
        let index = build(&[list, doc("p/", "B", &[(Some("x"), "See also", text)])]);
        let l = weight(&index, "network", "l/", 2).unwrap_or(0);
        let p = weight(&index, "network", "p/", 2).unwrap_or(0);
        assert!(l * 2 < p, "link list {l}, prose {p}");
        assert_eq!(link_factor("abc def", 2), 1.0);
        assert_eq!(link_factor("abc def", 3), LINK_HEAVY_FACTOR);
        assert_eq!(link_factor("", 0), 1.0);
    }

    #[test]
    fn rarer_terms_weigh_more() {
        let index = build(&[
            doc("a/", "A", &[(None, "", "common rare")]),
            doc("b/", "B", &[(None, "", "common")]),
            doc("c/", "C", &[(None, "", "common")]),
        ]);
        assert!(weight(&index, "rare", "a/", 2) > weight(&index, "common", "a/", 2));
    }

    #[test]
    fn records_exact_title_keys() {
        let index = build(&[doc("r/", "Reset the Password", &[(None, "", "x")])]);
        assert_eq!(
            index.postings.get("reset password "),
            Some(&vec![Posting {
                page: 0,
                slot: 0,
                weight: 255
            }])
        );
    }

    /// No cap: a word in every section keeps a posting for each.
    #[test]
    fn keeps_every_posting_of_very_common_terms() {
        let docs: Vec<SearchDoc> = (0..1500)
            .map(|i| {
                doc(
                    &format!("p{i:05}/"),
                    "T",
                    &[
                        (None, "", &format!("word filler{i}")),
                        (Some("s"), "S", "word"),
                    ],
                )
            })
            .collect();
        let index = build(&docs);
        let list = &index.postings["word"];
        assert_eq!(list.len(), 3000, "one per section");
        assert!(list
            .windows(2)
            .all(|w| (w[0].page, w[0].slot) < (w[1].page, w[1].slot)));
    }

    #[test]
    fn keeps_the_start_of_section_text_cut_at_a_word() {
        let long = "word ".repeat(100);
        let (t, cut) = text_start(&long);
        assert!(cut && t.chars().count() <= TEXT_CHARS && !t.ends_with(' '));
        assert_eq!(text_start("a\n  b"), ("a b".to_string(), false));
    }
}
