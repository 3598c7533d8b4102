//! Search tokenizer: the one definition of "a term" shared by the index and,
//! mirrored line for line, by `themes/default/static/assets/search.js`.
//!
//! Steps: lowercase, NFKC, lowercase; outside CJK runs NFD with combining marks dropped
//! (diacritic folding); apostrophes dropped (`don't` -> `dont`); CJK runs
//! (Han, kana, Hangul) become overlapping character bigrams (a lone CJK
//! character stays a unigram); brackets around one to three letters or
//! digits that touch a letter or digit are markup inside a word and dropped
//! (`E[x]tract` is `extract`, as keyboard-shortcut docs write it); other
//! text is split with Unicode word
//! segmentation and then at every character that is not alphanumeric; English
//! stop words are dropped and the rest are stemmed with Snowball English.

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Words longer than this (hashes, base64) are not indexed.
pub const MAX_WORD_CHARS: usize = 32;

/// Dropped at index and query time: function words and the question words
/// of natural-language queries ("how do I ..."); kept short so titles stay
/// searchable.
/// Must match `STOP` in search.js.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
    "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or",
    "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "we", "were",
    "what", "why", "will", "with", "you", "your",
];

/// One token of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The indexed term (a stem, or a CJK bigram/unigram).
    pub term: String,
    /// The folded word it came from, before stemming (used for prefix and
    /// typo matching of queries).
    pub word: String,
    pub cjk: bool,
}

/// Han, Hiragana, Katakana, Hangul (the scripts written without spaces, or
/// where users expect substring matches). Must match `isCjk` in search.js.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x3040..=0x30FF
        | 0x3130..=0x318F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FFFF)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Lowercase, NFKC, and outside CJK runs: strip diacritics and apostrophes.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        // Same result as below, without the Unicode tables.
        return text
            .chars()
            .filter(|c| *c != '\'')
            .map(|c| c.to_ascii_lowercase())
            .collect();
    }
    // Lowercase again after NFKC: compatibility forms can map to capitals (ℌ -> H).
    let lower = text
        .to_lowercase()
        .nfkc()
        .collect::<String>()
        .to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        if is_cjk(c) {
            out.push(c);
        } else if !is_apostrophe(c) {
            out.extend(std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)));
        }
    }
    out
}

/// Snowball English stem of one folded word.
pub fn stem(word: &str) -> String {
    thread_local! {
        static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
        // A site's vocabulary is small next to its word count.
        static CACHE: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(word).cloned()) {
        return hit;
    }
    let stemmed = STEMMER.with(|s| s.stem(word).into_owned());
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < 200_000 {
            c.insert(word.to_string(), stemmed.clone());
        }
    });
    stemmed
}

pub fn is_stop_word(word: &str) -> bool {
    // No stop word is longer than 5 bytes, and most words are: they are
    // answered by the length alone (a binary search compared strings with
    // memcmp for every word of every page).
    word.len() <= 5 && STOP_WORDS.contains(&word)
}

/// Split folded text into CJK runs (`true`) and other runs (`false`).
fn runs(folded: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in folded.char_indices() {
        let cjk = is_cjk(c);
        match current {
            Some(k) if k == cjk => {}
            Some(k) => {
                out.push((k, &folded[start..i]));
                start = i;
                current = Some(cjk);
            }
            None => current = Some(cjk),
        }
    }
    if let Some(k) = current {
        out.push((k, &folded[start..]));
    }
    out
}

/// Drop the brackets of `[x]` (one to three letters or digits) when a
/// letter or digit touches it on either side: markup inside a word
/// (`E[x]tract`, `[d]ry-[r]un`). Must match `joinBracketed` in search.js.
pub fn join_bracketed(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('[') {
        return std::borrow::Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '[' {
            let mut j = i + 1;
            while j - i <= 4 && chars.get(j).is_some_and(|c| c.is_alphanumeric()) {
                j += 1;
            }
            let inner = j - i - 1;
            if (1..=3).contains(&inner) && chars.get(j) == Some(&']') {
                let before = i > 0 && chars.get(i - 1).is_some_and(|c| c.is_alphanumeric());
                let after = chars.get(j + 1).is_some_and(|c| c.is_alphanumeric());
                if before || after {
                    out.extend(chars.get(i + 1..j).unwrap_or_default());
                    i = j + 1;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// The folded words of a text, in order, before stop words and stemming.
/// CJK runs come out whole (flagged `true`).
pub fn words(text: &str) -> Vec<(bool, String)> {
    let folded = fold(text);
    let folded = join_bracketed(&folded);
    let mut out = Vec::new();
    for (cjk, run) in runs(&folded) {
        if cjk {
            out.push((true, run.to_string()));
            continue;
        }
        if run.is_ascii() {
            // For ASCII, word segmentation then splitting at non-alphanumerics
            // is exactly the runs of ASCII letters and digits.
            out.extend(
                run.split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|p| !p.is_empty())
                    .map(|p| (false, p.to_string())),
            );
            continue;
        }
        for w in run.unicode_words() {
            for part in w.split(|c: char| !c.is_alphanumeric()) {
                if !part.is_empty() {
                    out.push((false, part.to_string()));
                }
            }
        }
    }
    out
}

/// Bigrams of a CJK run (a single character is its own term).
pub fn cjk_terms(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    if chars.len() == 1 {
        return vec![run.to_string()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// Tokens of a text for indexing and querying.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for (cjk, word) in words(text) {
        if cjk {
            for term in cjk_terms(&word) {
                out.push(Token {
                    term,
                    word: word.clone(),
                    cjk: true,
                });
            }
        } else if word.chars().count() <= MAX_WORD_CHARS && !is_stop_word(&word) {
            out.push(Token {
                term: stem(&word),
                word,
                cjk: false,
            });
        }
    }
    out
}

/// Just the terms.
pub fn terms(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.term).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(terms("Café RÉSUMÉ naïve"), vec!["cafe", "resum", "naiv"]);
        assert_eq!(fold("Ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
    }

    #[test]
    fn stems_english_word_forms_to_one_term() {
        assert_eq!(
            terms("installing installed installs"),
            vec!["instal", "instal", "instal"]
        );
        assert_eq!(terms("passwords"), vec!["password"]);
        assert_eq!(stem("running"), "run");
        assert_eq!(stem("generously"), "generous");
    }

    #[test]
    fn drops_apostrophes_and_splits_punctuation() {
        assert_eq!(terms("don't"), vec!["dont"]);
        assert_eq!(
            terms("user@example.com v1.2"),
            vec!["user", "exampl", "com", "v1", "2"]
        );
        assert_eq!(terms("snake_case"), vec!["snake", "case"]);
    }

    #[test]
    fn drops_stop_words() {
        assert_eq!(
            terms("The reset of the password"),
            vec!["reset", "password"]
        );
    }

    #[test]
    fn splits_cjk_into_overlapping_bigrams() {
        assert_eq!(terms("数据库配置"), vec!["数据", "据库", "库配", "配置"]);
        assert_eq!(terms("见 mysql"), vec!["见", "mysql"]);
        // Kana keep their voicing marks (no folding inside CJK runs).
        assert_eq!(terms("ガイド"), vec!["ガイ", "イド"]);
    }

    #[test]
    fn brackets_inside_a_word_do_not_split_it() {
        assert_eq!(terms("E[x]tract the archive"), vec!["extract", "archiv"]);
        assert_eq!(terms("[d]ry-[r]un"), vec!["dri", "run"]);
        assert_eq!(terms("Lis[t] files"), vec!["list", "file"]);
        // Not markup: no letter touches the brackets, or too long inside.
        assert_eq!(terms("see [1] and [abcd]x"), vec!["see", "1", "abcd", "x"]);
        assert_eq!(join_bracketed("a[b][c]"), "ab[c]");
    }

    #[test]
    fn skips_overlong_words() {
        let blob = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(terms(&format!("{blob} ok")), vec!["ok"]);
    }
}
