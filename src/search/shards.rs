//! Index files: the postings cut into sorted term shards (~10 KB deflated,
//! no positions), page blocks (titles, URLs, section starts; fetched only
//! for shown results), and a tree of small directory files whose root,
//! `index.js`, has at most `FANOUT` entries whatever the size of the site.
//!
//! Every file is a script `lorebookSearchData("<name>","<zlib, text91-packed>");`
//! so the same file loads from http(s) and from file:// (where fetch() cannot
//! read); [`text91`] packs the bytes 13 bits to two characters.
//! Names are `<kind><content hash>.js` except the root `index.js`.
//!
//! A term's postings are kept whole, ordered by weight and cut into pieces
//! (impact order): the first [`FIRST_PIECE`] postings in the term's shard,
//! the rest in piece files of growing size, so a query reads a common word's
//! best postings first and loads more only when it needs them.
//!
//! Slots: 0 the title, 1 the description and headings, s + 2 section s.
//! Posting list encoding (all integers LEB128): count, page-id gaps (first
//! gap from 0), slots, then one weight byte per posting; sorted by
//! (page, slot). Term shard payload (binary): term count, then per term:
//! bytes shared with the previous term, suffix length, suffix (UTF-8), total
//! posting count, piece count, the first piece's posting list, then per
//! further piece: its highest weight, its posting count, its file name
//! (length, ASCII). Piece file payload: one posting list.
//! Directory payload (JSON): `{"depth":d,"entries":[[first key or page, file]]}`
//! (depth 0 entries point at shards/blocks). Root payload (JSON):
//! `{"v":2,"pages":n,"slots":pages+sections,"kinds":{"page":[from,to]},"terms":{..directory..},"docs":{..directory..}}`,
//! plus `"langs":["de",..]` (the languages queries are stemmed in) unless that is English alone.
//! Page block payload (JSON): `{"first":id,"pages":[page, ...]}`, each page as
//! [`PageRecord::json`] writes it (a section's anchor is `1` when the client
//! derives it from the heading).

use std::collections::HashMap;
use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::index::kind_ranges;
use super::lang::Langs;
use super::model::{Index, PageRecord, Posting, Postings, Weighed};
use super::text91;
use crate::output::OutputFile;

/// Target deflated size of a term shard.
pub const SHARD_TARGET: usize = 6 * 1024;
/// Target deflated size of a unit block.
pub const BLOCK_TARGET: usize = 2048;
/// Most entries in one directory file (and so in the root).
pub const FANOUT: usize = 128;
/// Name of the global function each index file calls.
pub const CALLBACK: &str = "lorebookSearchData";
/// Postings of a term kept in its shard (its best ones).
pub const FIRST_PIECE: usize = 512;
/// Size of the second piece; each further piece is four times the last.
pub const SECOND_PIECE: usize = 4096;

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A posting list sorted by (page, slot), encoded.
fn encode_list(out: &mut Vec<u8>, list: &[Posting]) {
    push_varint(out, list.len() as u64);
    let mut last = 0u32;
    for p in list {
        push_varint(out, u64::from(p.page - last));
        last = p.page;
    }
    for p in list {
        push_varint(out, u64::from(p.slot));
    }
    out.extend(list.iter().map(|p| p.weight));
}

/// A term's postings cut into pieces by weight (best first), each piece
/// sorted by (page, slot).
pub fn pieces(list: &[Posting]) -> Vec<Vec<Posting>> {
    if list.len() <= FIRST_PIECE {
        return vec![list.to_vec()];
    }
    let mut by_weight = list.to_vec();
    by_weight.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(a.page.cmp(&b.page))
            .then(a.slot.cmp(&b.slot))
    });
    let mut out = Vec::new();
    let mut size = FIRST_PIECE;
    let mut rest = by_weight.as_slice();
    while !rest.is_empty() {
        let take = size.min(rest.len());
        let mut piece = rest[..take].to_vec();
        piece.sort_unstable_by_key(|p| (p.page, p.slot));
        out.push(piece);
        rest = &rest[take..];
        size = if size == FIRST_PIECE {
            SECOND_PIECE
        } else {
            size * 4
        };
    }
    out
}

fn encode_term(out: &mut Vec<u8>, prev: &str, term: &str, list: &[Posting], files: &mut Files) {
    let shared = prev
        .bytes()
        .zip(term.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    // Keep the shared prefix on a char boundary so both halves are UTF-8.
    let shared = (0..=shared)
        .rev()
        .find(|&i| term.is_char_boundary(i))
        .unwrap_or(0);
    let suffix = &term.as_bytes()[shared..];
    push_varint(out, shared as u64);
    push_varint(out, suffix.len() as u64);
    out.extend_from_slice(suffix);
    push_varint(out, list.len() as u64);
    let pieces = pieces(list);
    push_varint(out, pieces.len() as u64);
    let mut pieces = pieces.iter();
    if let Some(first) = pieces.next() {
        encode_list(out, first);
    }
    for piece in pieces {
        let mut raw = Vec::new();
        encode_list(&mut raw, piece);
        let name = files.add('p', &raw);
        out.push(piece.iter().map(|p| p.weight).max().unwrap_or(0));
        push_varint(out, piece.len() as u64);
        push_varint(out, name.len() as u64);
        out.extend_from_slice(name.as_bytes());
    }
}

/// A file's name from its kind letter and payload.
fn hashed_name(kind: char, payload: &[u8]) -> String {
    let digest = Sha256::digest(payload);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{kind}{hex}.js")
}

fn script(name: &str, payload: &[u8]) -> Vec<u8> {
    let text = text91::encode(payload);
    format!("{CALLBACK}(\"{name}\",\"{text}\");\n").into_bytes()
}

/// The name and the inflated payload of an index file, as the client reads
/// it; `None` when the file is not one. For tests and tools.
pub fn read(script: &str) -> Option<(String, Vec<u8>)> {
    use std::io::Read;
    let rest = script.strip_prefix(CALLBACK)?.strip_prefix("(\"")?;
    let (name, rest) = rest.split_once("\",\"")?;
    let (text, _) = rest.split_once('"')?;
    let packed = text91::decode(text)?;
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&packed[..])
        .read_to_end(&mut raw)
        .ok()?;
    Some((name.to_string(), raw))
}

/// Deflated files remembered by their raw payload, so writing an index again
/// after a small change deflates only the files whose payload changed (the
/// output is the same as without it). Holds the files of the last write only.
#[derive(Default)]
pub struct Memo {
    last: HashMap<MemoKey, Deflated>,
    next: HashMap<MemoKey, Deflated>,
}

/// Kind letter, raw length and two independent 64-bit hashes of the raw payload.
type MemoKey = (char, usize, u64, u64);

#[derive(Clone)]
struct Deflated {
    name: String,
    size: usize,
    script: std::sync::Arc<[u8]>,
}

fn memo_key(kind: char, raw: &[u8]) -> MemoKey {
    use std::hash::{Hash, Hasher};
    let mut a = std::collections::hash_map::DefaultHasher::new();
    raw.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    0x6c6f_7265_626f_6f6bu64.hash(&mut b);
    raw.hash(&mut b);
    (kind, raw.len(), a.finish(), b.finish())
}

fn deflated(kind: char, raw: &[u8]) -> Deflated {
    let payload = deflate(raw);
    let name = hashed_name(kind, &payload);
    Deflated {
        size: payload.len(),
        script: script(&name, &payload).into(),
        name,
    }
}

struct Files<'m> {
    out: Vec<OutputFile>,
    memo: Option<&'m mut Memo>,
}

impl Files<'_> {
    /// Add a file with a content-hashed name; returns the name.
    fn add(&mut self, kind: char, raw: &[u8]) -> String {
        self.add_sized(kind, raw).0
    }

    /// Like `add`, and returns the deflated size too.
    fn add_sized(&mut self, kind: char, raw: &[u8]) -> (String, usize) {
        let file = match self.memo.as_deref_mut() {
            None => deflated(kind, raw),
            Some(memo) => {
                let key = memo_key(kind, raw);
                let file = match memo.last.get(&key).or_else(|| memo.next.get(&key)) {
                    Some(f) => f.clone(),
                    None => deflated(kind, raw),
                };
                memo.next.insert(key, file.clone());
                file
            }
        };
        self.out.push(OutputFile::bytes(
            format!("search/{}", file.name),
            file.script.to_vec(),
        ));
        (file.name, file.size)
    }
}

/// Deflated-size estimate from raw size, updated from every file written, so
/// each file is deflated once (deterministic: it depends only on the input).
struct Ratio(f64);
impl Ratio {
    fn estimate(&self, raw: usize) -> f64 {
        raw as f64 * self.0
    }
    fn learn(&mut self, raw: usize, deflated: usize) {
        if raw > 0 {
            self.0 = (self.0 + deflated as f64 / raw as f64) / 2.0;
        }
    }
}

fn term_shards(postings: &Postings, files: &mut Files) -> Vec<(Value, String)> {
    let mut entries = Vec::new();
    let mut ratio = Ratio(0.8);
    let mut buf = Vec::new();
    let mut count = 0u64;
    let mut first: Option<&str> = None;
    let mut prev = "";
    let mut flush = |buf: &mut Vec<u8>,
                     count: &mut u64,
                     first: &mut Option<&str>,
                     files: &mut Files,
                     ratio: &mut Ratio| {
        if let Some(f) = first.take() {
            let mut raw = Vec::new();
            push_varint(&mut raw, *count);
            raw.extend_from_slice(buf);
            let (name, size) = files.add_sized('t', &raw);
            ratio.learn(raw.len(), size);
            entries.push((json!(f), name));
        }
        buf.clear();
        *count = 0;
    };
    for (term, postings) in postings {
        if first.is_none() {
            first = Some(term);
            prev = "";
        }
        encode_term(&mut buf, prev, term, postings, files);
        count += 1;
        prev = term;
        if ratio.estimate(buf.len()) >= SHARD_TARGET as f64 {
            flush(&mut buf, &mut count, &mut first, files, &mut ratio);
        }
    }
    flush(&mut buf, &mut count, &mut first, files, &mut ratio);
    entries
}

/// Page blocks from each page's JSON ([`PageRecord::json`], serialized).
fn page_blocks(json: &[&str], files: &mut Files) -> Vec<(Value, String)> {
    let mut entries = Vec::new();
    let mut ratio = Ratio(0.4);
    let mut start = 0usize;
    let mut raw_size = 0usize;
    let mut emit = |from: usize, to: usize, files: &mut Files, ratio: &mut Ratio| {
        let list = json.get(from..to).unwrap_or_default().join(",");
        // The serialization of {"first": from, "pages": [..]}.
        let raw = format!("{{\"first\":{from},\"pages\":[{list}]}}");
        let (name, size) = files.add_sized('d', raw.as_bytes());
        ratio.learn(raw.len(), size);
        entries.push((json!(from), name));
    };
    for (i, j) in json.iter().enumerate() {
        if i > start && ratio.estimate(raw_size) >= BLOCK_TARGET as f64 {
            emit(start, i, files, &mut ratio);
            start = i;
            raw_size = 0;
        }
        raw_size += j.len() + 1;
    }
    if start < json.len() {
        emit(start, json.len(), files, &mut ratio);
    }
    entries
}

/// Group entries into directory files until at most FANOUT remain.
fn directory(mut entries: Vec<(Value, String)>, kind: char, files: &mut Files) -> Value {
    let mut depth = 0;
    while entries.len() > FANOUT {
        let mut upper = Vec::new();
        for chunk in entries.chunks(FANOUT) {
            let first = chunk.first().map(|e| e.0.clone()).unwrap_or(Value::Null);
            let list: Vec<Value> = chunk.iter().map(|(k, f)| json!([k, f])).collect();
            let raw = json!({"depth": depth, "entries": list}).to_string();
            upper.push((first, files.add(kind, raw.as_bytes())));
        }
        entries = upper;
        depth += 1;
    }
    let list: Vec<Value> = entries.iter().map(|(k, f)| json!([k, f])).collect();
    json!({"depth": depth, "entries": list})
}

/// Serialize an index into files under `search/`, sorted by path.
pub fn write(index: &Index) -> Vec<OutputFile> {
    let pages: Vec<&PageRecord> = index.pages.iter().collect();
    let json: Vec<String> = pages.iter().map(|p| p.json().to_string()).collect();
    let json: Vec<&str> = json.iter().map(String::as_str).collect();
    write_files(&pages, &json, &index.postings, index.langs, None)
}

/// [`write()`] of a weighed index (the same files).
pub fn write_weighed(index: &Weighed<'_>) -> Vec<OutputFile> {
    write_files(
        &index.pages,
        &index.json,
        &index.postings,
        index.langs,
        None,
    )
}

/// [`write()`] of a weighed index, reusing the files of the last write through
/// `memo` whose payload did not change (same output, fewer deflates).
pub fn write_with(index: &Weighed<'_>, memo: &mut Memo) -> Vec<OutputFile> {
    let files = write_files(
        &index.pages,
        &index.json,
        &index.postings,
        index.langs,
        Some(&mut *memo),
    );
    memo.last = std::mem::take(&mut memo.next);
    files
}

fn write_files(
    pages: &[&PageRecord],
    json: &[&str],
    postings: &Postings,
    langs: Langs,
    memo: Option<&mut Memo>,
) -> Vec<OutputFile> {
    let mut files = Files {
        out: Vec::new(),
        memo,
    };
    let shards = term_shards(postings, &mut files);
    let blocks = page_blocks(json, &mut files);
    let terms = directory(shards, 'n', &mut files);
    let docs = directory(blocks, 'm', &mut files);
    // Pages are ordered by kind, so each kind is one range of page ids.
    let mut kinds = serde_json::Map::new();
    for (kind, from, to) in kind_ranges(pages) {
        let range = kinds
            .entry(kind.name().to_string())
            .or_insert_with(|| json!([from, to]));
        range[1] = json!(to);
    }
    let mut root = json!({
        "v": 2,
        "pages": pages.len(),
        "slots": pages.len() + pages.iter().map(|p| p.sections.len()).sum::<usize>(),
        "kinds": kinds,
        "terms": terms,
        "docs": docs,
    });
    // The languages queries are stemmed in; left out for English alone
    // (the client's default), so English roots stay as they were.
    if !langs.is_default() {
        root["langs"] = json!(langs.codes());
    }
    let root = root.to_string();
    let payload = deflate(root.as_bytes());
    files.out.push(OutputFile::bytes(
        "search/index.js",
        script("index.js", &payload),
    ));
    files.out.sort_by(|a, b| a.path.cmp(&b.path));
    files.out.dedup_by(|a, b| a.path == b.path);
    files.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_use_seven_bits_per_byte() {
        let mut out = Vec::new();
        push_varint(&mut out, 0);
        push_varint(&mut out, 127);
        push_varint(&mut out, 300);
        assert_eq!(out, vec![0, 127, 0xac, 0x02]);
    }

    fn files() -> Files<'static> {
        Files {
            out: Vec::new(),
            memo: None,
        }
    }

    fn p(page: u32, slot: u32, weight: u8) -> Posting {
        Posting { page, slot, weight }
    }

    #[test]
    fn front_codes_terms_on_char_boundaries() {
        let mut out = Vec::new();
        let list = [p(3, 0, 9), p(10, 2, 200)];
        encode_term(&mut out, "passwort", "password", &list, &mut files());
        // shared 7 bytes, suffix "d", 2 postings in 1 piece: count 2, page
        // gaps 3 and 7, slots 0 and 2, weights.
        assert_eq!(out, vec![7, 1, b'd', 2, 1, 2, 3, 7, 0, 2, 9, 200]);
        let mut out = Vec::new();
        // "é" and "è" share their first UTF-8 byte, which must not be split.
        encode_term(&mut out, "é", "è", &[p(0, 0, 1)], &mut files());
        assert_eq!(&out[..2], &[0, 2]);
    }

    #[test]
    fn long_lists_are_kept_whole_in_pieces_of_falling_weight() {
        let n = FIRST_PIECE + SECOND_PIECE + 10;
        let list: Vec<Posting> = (0..n as u32)
            .map(|i| p(i, 1, (i % 250) as u8 + 1))
            .collect();
        let cut = pieces(&list);
        assert_eq!(
            cut.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![FIRST_PIECE, SECOND_PIECE, 10]
        );
        let mut all: Vec<Posting> = cut.concat();
        all.sort();
        assert_eq!(all, list, "every posting kept once");
        for w in cut.windows(2) {
            let low = w[0].iter().map(|p| p.weight).min();
            let high = w[1].iter().map(|p| p.weight).max();
            assert!(low >= high, "{low:?} < {high:?}");
        }
        assert!(cut.iter().all(|c| c
            .windows(2)
            .all(|w| (w[0].page, w[0].slot) < (w[1].page, w[1].slot))));
        // The shard holds the first piece; the others are piece files.
        let mut f = files();
        let mut out = Vec::new();
        encode_term(&mut out, "", "word", &list, &mut f);
        assert_eq!(f.out.len(), 2);
        assert!(f
            .out
            .iter()
            .all(|o| o.path.to_string_lossy().starts_with("search/p")));
    }

    #[test]
    fn scripts_read_back_to_their_payload() {
        let payload = b"{\"depth\":0,\"entries\":[]}";
        let file = String::from_utf8(script("d0123456789.js", &deflate(payload))).unwrap();
        assert!(file.starts_with("lorebookSearchData(\"d0123456789.js\",\""));
        let (name, raw) = read(&file).unwrap();
        assert_eq!((name.as_str(), &raw[..]), ("d0123456789.js", &payload[..]));
        assert_eq!(read("lorebookSearchData(\"x.js\",\"\\\");"), None);
    }

    #[test]
    fn names_files_by_content_hash() {
        let a = hashed_name('t', b"one");
        assert_eq!(a, hashed_name('t', b"one"));
        assert_ne!(a, hashed_name('t', b"two"));
        assert!(a.starts_with('t') && a.ends_with(".js") && a.len() == 14);
    }
}
