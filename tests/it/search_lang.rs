//! `search.languages`: what a site in another language publishes for search
//! (its stemmer, and no other, and the client's code for other languages
//! than English, which an English site does without), the index root naming
//! the languages, and an unknown code refused at its line. Searching such a
//! site: tests/js/ (`search-de.test.mjs`) and `search_browser.rs`.

use crate::common::{lorebook, site};

fn build(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = site(name);
    build_at(&root);
    (tmp, root.join("public"))
}

fn build_at(root: &std::path::Path) {
    lorebook()
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .success();
}

/// The files published under `assets/stem/`, sorted.
fn stem_files(out: &std::path::Path) -> Vec<String> {
    let mut stem: Vec<String> = std::fs::read_dir(out.join("assets/stem"))
        .expect("assets/stem/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    stem.sort();
    stem
}

/// The index root's JSON (`search/index.js`).
fn root_json(out: &std::path::Path) -> serde_json::Value {
    let script = std::fs::read_to_string(out.join("search/index.js")).expect("index root");
    let (_, raw) = lorebook::search::shards::read(&script).expect("an index file");
    serde_json::from_slice(&raw).expect("root JSON")
}

#[test]
fn a_german_site_publishes_its_stemmer_and_names_its_language() {
    let (_tmp, out) = build("search-de");
    assert_eq!(
        stem_files(&out),
        ["LICENSE", "de.js", "lang.js", "lang.min.js"]
    );
    assert_eq!(root_json(&out)["langs"], serde_json::json!(["de"]));
}

#[test]
fn the_other_languages_code_is_published_for_any_language_but_english() {
    let (_tmp, root) = site("search-de");
    let config = |langs: &str| {
        std::fs::write(
            root.join("lorebook.yaml"),
            format!("title: Hilfe\nsearch:\n  languages: {langs}\n"),
        )
        .expect("config")
    };
    // Japanese has no stemmer (so no Snowball LICENSE), but its words are
    // not English's: no stop words, no English stemming.
    config("[ja]");
    build_at(&root);
    assert_eq!(stem_files(&root.join("public")), ["lang.js", "lang.min.js"]);
    // English beside another language needs it too.
    config("[en, fr]");
    build_at(&root);
    assert_eq!(
        stem_files(&root.join("public")),
        ["LICENSE", "fr.js", "lang.js", "lang.min.js"]
    );
    // English alone, written out: as if unset.
    config("[en]");
    build_at(&root);
    assert!(!root.join("public/assets/stem").exists());
    assert!(root_json(&root.join("public")).get("langs").is_none());
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
