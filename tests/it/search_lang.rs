//! `search.languages`: what a site in another language publishes for search
//! (its stemmer, and no other), the index root naming the languages, and an
//! unknown code refused at its line. Searching such a site: tests/js/
//! (`search-de.test.mjs`) and `search_browser.rs`.

use std::io::Read;

use crate::common::{lorebook, site};

fn build(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = site(name);
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    (tmp, root.join("public"))
}

/// The index root's JSON (`search/index.js`: base64 of zlib).
fn root_json(out: &std::path::Path) -> serde_json::Value {
    let script = std::fs::read_to_string(out.join("search/index.js")).expect("index root");
    let b64 = script
        .split('"')
        .nth(3)
        .expect("lorebookSearchData(\"index.js\", \"...\")");
    let bytes = base64_decode(b64);
    let mut json = String::new();
    flate2::read::ZlibDecoder::new(&bytes[..])
        .read_to_string(&mut json)
        .expect("zlib");
    serde_json::from_str(&json).expect("root JSON")
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

#[test]
fn a_german_site_publishes_its_stemmer_and_names_its_language() {
    let (_tmp, out) = build("search-de");
    let mut stem: Vec<String> = std::fs::read_dir(out.join("assets/stem"))
        .expect("assets/stem/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    stem.sort();
    assert_eq!(stem, ["LICENSE", "de.js"]);
    assert_eq!(root_json(&out)["langs"], serde_json::json!(["de"]));
}

#[test]
fn an_english_site_publishes_no_stemmer_and_its_root_names_no_language() {
    let (_tmp, out) = build("search");
    assert!(!out.join("assets/stem").exists());
    let root = root_json(&out);
    assert!(root["pages"].as_u64().is_some_and(|n| n > 0), "{root}");
    assert!(root.get("langs").is_none(), "{root}");
}

#[test]
fn an_unknown_language_is_an_error_at_its_line_with_the_valid_codes() {
    let (_tmp, root) = site("search-de");
    std::fs::write(
        root.join("lorebook.yaml"),
        "title: Hilfe\nsearch:\n  languages:\n    - de\n    - xx\n",
    )
    .expect("config");
    let out = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("lorebook.yaml:5:1: error: search.languages: unknown language `xx`"),
        "{err}"
    );
    assert!(
        err.contains("de (German)") && err.contains("zh (Chinese)"),
        "{err}"
    );
    assert!(!root.join("public").exists());
}
