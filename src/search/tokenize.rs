//! Search tokenizer: the one definition of "a term" shared by the index and,
//! mirrored line for line, by `themes/default/static/assets/search.js`
//! (English alone: [`words`], the English stemmer) and
//! `themes/default/static/assets/stem/lang.js` (other languages, which
//! sites searching in English alone do not load: [`marked_words`], several
//! languages' stems).
//!
//! Steps: lowercase, NFKC, lowercase; outside CJK runs NFD with combining marks dropped
//! (diacritic folding); apostrophes dropped (`don't` -> `dont`); CJK runs
//! (Han, kana, Hangul) become overlapping character bigrams (a lone CJK
//! character stays a unigram); brackets around one to three letters or
//! digits that touch a letter or digit are markup inside a word and dropped
//! (`E[x]tract` is `extract`, as keyboard-shortcut docs write it); other
//! text is split with Unicode word
//! segmentation and then at every character that is not alphanumeric; English
//! stop words are dropped (when English is one of the languages) and the
//! rest are stemmed with the Snowball stemmer of each language of the text
//! ([`Langs`]): the main language's stem is the token's term, the others'
//! are its alternatives.
//!
//! When a language's stemmer needs the word's diacritics (every Snowball
//! language but English, see [`Lang::stems_folded`]), folding waits: the
//! text is split before folding (combining marks count as word
//! characters), each word is stemmed as written and its stem folded
//! (Tamil's are not: its marks are letters, see [`Lang::keeps_marks`]).

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::Stemmer;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use super::lang::{Lang, Langs};

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
    /// The word's terms in the text's other languages, each different
    /// from `term` and from one another (empty with one language).
    pub alts: Vec<String>,
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

/// The stem of one word in `lang` (the word itself for a language without
/// a stemmer). English is given folded words; other stemmers the word as
/// written, lowercased (see [`Lang::stems_folded`]).
pub fn stem(word: &str, lang: Lang) -> String {
    thread_local! {
        // A site's vocabulary is small next to its word count: one cache
        // per language.
        static CACHE: RefCell<Vec<HashMap<String, String>>> = const { RefCell::new(Vec::new()) };
    }
    let Some(algorithm) = lang.stemmer() else {
        return word.to_string();
    };
    let slot = lang.index();
    if let Some(hit) = CACHE.with(|c| c.borrow().get(slot).and_then(|m| m.get(word)).cloned()) {
        return hit;
    }
    let stemmed = Stemmer::create(algorithm).stem(word).into_owned();
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() <= slot {
            c.resize_with(slot + 1, HashMap::new);
        }
        if let Some(m) = c.get_mut(slot) {
            if m.len() < 200_000 {
                m.insert(word.to_string(), stemmed.clone());
            }
        }
    });
    stemmed
}

/// Diacritics folded away (NFD, combining marks dropped) from text that is
/// lowercased and NFKC already.
pub fn strip_marks(word: &str) -> String {
    if word.is_ascii() {
        return word.to_string();
    }
    word.nfd().filter(|d| !is_combining_mark(*d)).collect()
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

/// Lowercase, NFKC, lowercase, apostrophes dropped: [`fold`] without
/// dropping diacritics.
pub fn lower(text: &str) -> String {
    if text.is_ascii() {
        return fold(text);
    }
    text.to_lowercase()
        .nfkc()
        .collect::<String>()
        .to_lowercase()
        .chars()
        .filter(|c| !is_apostrophe(*c))
        .collect()
}

/// The words of a text as [`words`] finds them, but before diacritics are
/// folded: combining marks stay, and count as word characters (Tamil vowel
/// signs and viramas, Arabic harakat). Used when a stemmer needs them.
pub fn marked_words(text: &str) -> Vec<(bool, String)> {
    let lowered = lower(text);
    let lowered = join_bracketed(&lowered);
    let mut out = Vec::new();
    for (cjk, run) in runs(&lowered) {
        if cjk {
            out.push((true, run.to_string()));
            continue;
        }
        if run.is_ascii() {
            out.extend(
                run.split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|p| !p.is_empty())
                    .map(|p| (false, p.to_string())),
            );
            continue;
        }
        for w in run.unicode_words() {
            for part in w.split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c)) {
                // A word does not start with a mark (one left over after a
                // split, or at the start of the text).
                let part = part.trim_start_matches(is_combining_mark);
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

/// Tokens of a text for indexing and querying, in the languages `langs`.
pub fn tokenize(text: &str, langs: Langs) -> Vec<Token> {
    let folded_first = langs.stem_folded();
    let stop_words = langs.contains(Lang::ENGLISH);
    let list = if folded_first {
        words(text)
    } else {
        marked_words(text)
    };
    let mut out = Vec::new();
    for (cjk, written) in list {
        if cjk {
            for term in cjk_terms(&written) {
                out.push(Token {
                    term,
                    word: written.clone(),
                    cjk: true,
                    alts: Vec::new(),
                });
            }
            continue;
        }
        let word = if folded_first || langs.first().keeps_marks() {
            written.clone()
        } else {
            strip_marks(&written)
        };
        if word.is_empty()
            || word.chars().count() > MAX_WORD_CHARS
            || (stop_words && is_stop_word(&word))
        {
            continue;
        }
        let mut terms = langs.iter().map(|lang| {
            if lang.stems_folded() {
                stem(&word, lang)
            } else if lang.keeps_marks() {
                stem(&written, lang)
            } else {
                strip_marks(&stem(&written, lang))
            }
        });
        let term = terms.next().unwrap_or_default();
        let mut alts: Vec<String> = Vec::new();
        for t in terms {
            if t != term && !alts.contains(&t) {
                alts.push(t);
            }
        }
        out.push(Token {
            term,
            word,
            cjk: false,
            alts,
        });
    }
    out
}

/// Just the terms (each token's main-language term).
pub fn terms(text: &str, langs: Langs) -> Vec<String> {
    tokenize(text, langs).into_iter().map(|t| t.term).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> Vec<String> {
        terms(text, Langs::default())
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(en("Café RÉSUMÉ naïve"), vec!["cafe", "resum", "naiv"]);
        assert_eq!(fold("Ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
    }

    #[test]
    fn stems_english_word_forms_to_one_term() {
        assert_eq!(
            en("installing installed installs"),
            vec!["instal", "instal", "instal"]
        );
        assert_eq!(en("passwords"), vec!["password"]);
        assert_eq!(stem("running", Lang::ENGLISH), "run");
        assert_eq!(stem("generously", Lang::ENGLISH), "generous");
    }

    #[test]
    fn drops_apostrophes_and_splits_punctuation() {
        assert_eq!(en("don't"), vec!["dont"]);
        assert_eq!(
            en("user@example.com v1.2"),
            vec!["user", "exampl", "com", "v1", "2"]
        );
        assert_eq!(en("snake_case"), vec!["snake", "case"]);
    }

    #[test]
    fn drops_stop_words() {
        assert_eq!(en("The reset of the password"), vec!["reset", "password"]);
    }

    #[test]
    fn splits_cjk_into_overlapping_bigrams() {
        assert_eq!(en("数据库配置"), vec!["数据", "据库", "库配", "配置"]);
        assert_eq!(en("见 mysql"), vec!["见", "mysql"]);
        // Kana keep their voicing marks (no folding inside CJK runs).
        assert_eq!(en("ガイド"), vec!["ガイ", "イド"]);
    }

    #[test]
    fn brackets_inside_a_word_do_not_split_it() {
        assert_eq!(en("E[x]tract the archive"), vec!["extract", "archiv"]);
        assert_eq!(en("[d]ry-[r]un"), vec!["dri", "run"]);
        assert_eq!(en("Lis[t] files"), vec!["list", "file"]);
        // Not markup: no letter touches the brackets, or too long inside.
        assert_eq!(en("see [1] and [abcd]x"), vec!["see", "1", "abcd", "x"]);
        assert_eq!(join_bracketed("a[b][c]"), "ab[c]");
    }

    #[test]
    fn skips_overlong_words() {
        let blob = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(en(&format!("{blob} ok")), vec!["ok"]);
    }

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).expect("a known code")
    }

    /// Word -> stem pairs from Snowball's published test vocabulary
    /// (snowball-data, `<language>/voc.txt` and `output.txt`), for words on
    /// which the algorithms rust-stemmers ships agree with it.
    const PUBLISHED: &[(&str, &str, &str)] = &[
        ("ar", "أابتليتهم", "اتلي"),
        ("da", "begyndelsesmåneden", "begyndelsesmåned"),
        ("da", "brummer", "brum"),
        ("de", "häuser", "haus"),
        ("de", "angerufen", "angeruf"),
        ("el", "έκδοση", "εκδοσ"),
        ("en", "arranges", "arrang"),
        ("es", "amenazas", "amenaz"),
        ("fi", "aikuiseen", "aikuis"),
        ("fr", "appelée", "appel"),
        ("fr", "abbés", "abbé"),
        ("hu", "allegóriaként", "allegór"),
        ("it", "andatura", "andatur"),
        ("nl", "automatiseren", "automatiser"),
        ("no", "bøtter", "bøtt"),
        ("pt", "amparadas", "ampar"),
        ("ro", "bătrânicioasă", "bătrânic"),
        ("ru", "новый", "нов"),
        ("ru", "абонируйся", "абонир"),
        ("sv", "begärde", "begärd"),
        ("ta", "ஃபால்கனின்", "ஃபால்கன்"),
        ("tr", "alımındaki", "alım"),
    ];

    #[test]
    fn stems_snowball_published_examples_in_each_language() {
        for (code, word, published) in PUBLISHED {
            assert_eq!(stem(word, lang(code)), *published, "{code} {word}");
        }
        // Without a stemmer, a word stays whole.
        assert_eq!(stem("konfiguracji", lang("pl")), "konfiguracji");
    }

    #[test]
    fn a_language_other_than_english_stems_the_word_as_written_then_folds() {
        let de = Langs::one(lang("de"));
        // Folded first, `häuser` would be `hauser`, which German stems
        // the same; typed without the umlaut it still finds `haus`.
        assert_eq!(terms("Häuser HAUS hauser", de), vec!["haus"; 3]);
        // The published stems, folded: `abbé` is found by `abbe`.
        assert_eq!(terms("Abbés", Langs::one(lang("fr"))), vec!["abbe"]);
        // Russian й is a letter, not и with a mark: the adjective ending
        // is only seen before folding.
        assert_eq!(terms("Новый", Langs::one(lang("ru"))), vec!["нов"]);
        assert_eq!(terms("begärde", Langs::one(lang("sv"))), vec!["begard"]);
        // Tamil keeps its vowel signs and viramas.
        assert_eq!(terms("ஃபால்கனின்", Langs::one(lang("ta"))), vec!["ஃபால்கன்"]);
    }

    #[test]
    fn stop_words_are_englishs_and_only_dropped_with_english() {
        let de = Langs::one(lang("de"));
        assert_eq!(terms("the Haus", de), vec!["the", "haus"]);
        let de_en = Langs::of(&[lang("de"), Lang::ENGLISH]);
        assert_eq!(terms("the Haus", de_en), vec!["haus"]);
    }

    #[test]
    fn further_languages_add_their_stems_as_alternatives() {
        let de_en = Langs::of(&[lang("de"), Lang::ENGLISH]);
        let t = tokenize("Häuser running haus", de_en);
        assert_eq!(t[0].term, "haus");
        assert_eq!(t[0].word, "hauser");
        assert_eq!(t[0].alts, vec!["hauser"]);
        assert_eq!(
            (t[1].term.as_str(), t[1].alts.clone()),
            ("running", vec!["run".to_string()])
        );
        // The same stem in both languages is one term.
        assert!(t[2].alts.is_empty());
        // English and languages without a stemmer fold before splitting, as
        // English alone always did.
        let en_ja = Langs::of(&[Lang::ENGLISH, lang("ja")]);
        assert_eq!(terms("Running 数据库", en_ja), vec!["run", "数据", "据库"]);
        assert_eq!(tokenize("Running", en_ja)[0].alts, vec!["running"]);
    }

    #[test]
    fn cjk_is_bigrams_in_every_language() {
        for code in ["ja", "zh", "de", "ru"] {
            assert_eq!(
                terms("数据库", Langs::one(lang(code))),
                vec!["数据", "据库"],
                "{code}"
            );
        }
    }
}
