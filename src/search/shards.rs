//! Index files: the `Index` cut into sorted term shards (~10 KB deflated, no
//! positions), unit blocks (titles, URLs, excerpts; fetched only for shown
//! results), and a tree of small directory files whose root, `index.js`, has at
//! most `FANOUT` entries whatever the size of the site.
//!
//! Every file is a script `lorebookSearchData("<name>","<base64 zlib>");` so the
//! same file loads from http(s) and from file:// (where fetch() cannot read).
//! Names are `<kind><content hash>.js` except the root `index.js`.
//!
//! Term shard payload (binary, all integers LEB128): term count, then per term:
//! bytes shared with the previous term, suffix length, suffix (UTF-8), posting
//! count, unit-id gaps (first gap from 0), then one weight byte per posting.
//! Directory payload (JSON): `{"depth":d,"entries":[[first key or unit, file]]}`
//! (depth 0 entries point at shards/blocks). Root payload (JSON):
//! `{"v":1,"units":n,"kinds":{"page":[from,to]},"terms":{..directory..},"docs":{..directory..}}`.
//! Unit block payload (JSON): `{"first":id,"units":[[url,title,breadcrumb,heading,kind,excerpt]]}`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::index::{Index, Unit, Weighed};
use super::DocKind;
use crate::output::OutputFile;

/// Target deflated size of a term shard.
pub const SHARD_TARGET: usize = 10 * 1024;
/// Target deflated size of a unit block.
pub const BLOCK_TARGET: usize = 4 * 1024;
/// Most entries in one directory file (and so in the root).
pub const FANOUT: usize = 128;
/// Name of the global function each index file calls.
pub const CALLBACK: &str = "lorebookSearchData";

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

fn encode_term(out: &mut Vec<u8>, prev: &str, term: &str, postings: &[(u32, u8)]) {
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
    push_varint(out, postings.len() as u64);
    let mut last = 0u32;
    for (unit, _) in postings {
        push_varint(out, u64::from(unit - last));
        last = *unit;
    }
    out.extend(postings.iter().map(|p| p.1));
}

/// Standard base64 with padding (decoded by the browser's `atob`).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A file's name from its kind letter and payload.
fn hashed_name(kind: char, payload: &[u8]) -> String {
    let digest = Sha256::digest(payload);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{kind}{hex}.js")
}

fn script(name: &str, payload: &[u8]) -> Vec<u8> {
    let b64 = base64(payload);
    format!("{CALLBACK}(\"{name}\",\"{b64}\");\n").into_bytes()
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

fn term_shards(
    postings: &BTreeMap<String, Vec<(u32, u8)>>,
    files: &mut Files,
) -> Vec<(Value, String)> {
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
        encode_term(&mut buf, prev, term, postings);
        count += 1;
        prev = term;
        if ratio.estimate(buf.len()) >= SHARD_TARGET as f64 {
            flush(&mut buf, &mut count, &mut first, files, &mut ratio);
        }
    }
    flush(&mut buf, &mut count, &mut first, files, &mut ratio);
    entries
}

/// One unit as a result block lists it.
pub(crate) fn unit_json(u: &Unit) -> Value {
    json!([
        u.url,
        u.title,
        u.breadcrumb.join(" › "),
        u.heading,
        u.kind,
        u.excerpt
    ])
}

/// Result blocks from each unit's JSON (`unit_json`, serialized) and whether
/// it starts a page.
fn unit_blocks(units: &[&Unit], json: &[&str], files: &mut Files) -> Vec<(Value, String)> {
    let mut entries = Vec::new();
    let mut ratio = Ratio(0.4);
    let mut start = 0usize;
    let mut raw_size = 0usize;
    let mut emit = |from: usize, to: usize, files: &mut Files, ratio: &mut Ratio| {
        let list = json.get(from..to).unwrap_or_default().join(",");
        // The serialization of {"first": from, "units": [..]}.
        let raw = format!("{{\"first\":{from},\"units\":[{list}]}}");
        let (name, size) = files.add_sized('d', raw.as_bytes());
        ratio.learn(raw.len(), size);
        entries.push((json!(from), name));
    };
    for (i, (u, j)) in units.iter().zip(json).enumerate() {
        // Cut only between pages (a page's top unit has no anchor), so a
        // page's sections share a block.
        let page_start = i > start && !u.url.contains('#');
        if page_start && ratio.estimate(raw_size) >= BLOCK_TARGET as f64 {
            emit(start, i, files, &mut ratio);
            start = i;
            raw_size = 0;
        }
        raw_size += j.len() + 1;
    }
    if start < units.len() {
        emit(start, units.len(), files, &mut ratio);
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
    let units: Vec<&Unit> = index.units.iter().collect();
    let json: Vec<String> = units.iter().map(|u| unit_json(u).to_string()).collect();
    let json: Vec<&str> = json.iter().map(String::as_str).collect();
    write_files(&units, &json, &index.postings, None)
}

/// [`write`] of a weighed index (the same files).
pub fn write_weighed(index: &Weighed<'_>) -> Vec<OutputFile> {
    write_files(&index.units, &index.json, &index.postings, None)
}

/// [`write`] of a weighed index, reusing the files of the last write through
/// `memo` whose payload did not change (same output, fewer deflates).
pub fn write_with(index: &Weighed<'_>, memo: &mut Memo) -> Vec<OutputFile> {
    let files = write_files(&index.units, &index.json, &index.postings, Some(&mut *memo));
    memo.last = std::mem::take(&mut memo.next);
    files
}

fn kind_name(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Page => "page",
        DocKind::Answer => "answer",
    }
}

fn write_files(
    units: &[&Unit],
    json: &[&str],
    postings: &BTreeMap<String, Vec<(u32, u8)>>,
    memo: Option<&mut Memo>,
) -> Vec<OutputFile> {
    let mut files = Files {
        out: Vec::new(),
        memo,
    };
    let shards = term_shards(postings, &mut files);
    let blocks = unit_blocks(units, json, &mut files);
    let terms = directory(shards, 'n', &mut files);
    let docs = directory(blocks, 'm', &mut files);
    // Units are ordered by kind, so each kind is one range of unit ids.
    let mut kinds = serde_json::Map::new();
    let mut run: Option<(DocKind, usize, usize)> = None;
    let mut close = |run: Option<(DocKind, usize, usize)>| {
        if let Some((kind, from, to)) = run {
            let range = kinds
                .entry(kind_name(kind).to_string())
                .or_insert_with(|| json!([from, to]));
            range[1] = json!(to);
        }
    };
    for (i, u) in units.iter().enumerate() {
        match &mut run {
            Some((kind, _, to)) if *kind == u.kind => *to = i + 1,
            _ => {
                close(run.take());
                run = Some((u.kind, i, i + 1));
            }
        }
    }
    close(run);
    let root = json!({
        "v": 1,
        "units": units.len(),
        "kinds": kinds,
        "terms": terms,
        "docs": docs,
    })
    .to_string();
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

    #[test]
    fn front_codes_terms_on_char_boundaries() {
        let mut out = Vec::new();
        encode_term(&mut out, "passwort", "password", &[(3, 9), (10, 200)]);
        // shared 7 bytes, suffix "d", 2 postings, gaps 3 and 7, weights.
        assert_eq!(out, vec![7, 1, b'd', 2, 3, 7, 9, 200]);
        let mut out = Vec::new();
        // "é" and "è" share their first UTF-8 byte, which must not be split.
        encode_term(&mut out, "é", "è", &[(0, 1)]);
        assert_eq!(&out[..2], &[0, 2]);
    }

    #[test]
    fn encodes_base64_with_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn names_files_by_content_hash() {
        let a = hashed_name('t', b"one");
        assert_eq!(a, hashed_name('t', b"one"));
        assert_ne!(a, hashed_name('t', b"two"));
        assert!(a.starts_with('t') && a.ends_with(".js") && a.len() == 14);
    }
}
