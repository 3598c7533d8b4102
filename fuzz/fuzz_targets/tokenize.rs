//! The search tokenizer: never panics, and its output is normalized: every
//! word is non-empty, folded (folding it again changes nothing), made only of
//! letters and digits; non-CJK terms are short and not stop words.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorebook::search::tokenize::{fold, is_cjk, is_stop_word, tokenize, MAX_WORD_CHARS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for t in tokenize(text) {
        assert!(!t.term.is_empty(), "{t:?}");
        assert!(!t.word.is_empty(), "{t:?}");
        assert_eq!(fold(&t.word), t.word, "word not normalized: {t:?}");
        if t.cjk {
            assert!(t.word.chars().all(is_cjk), "{t:?}");
            assert!(t.term.chars().count() <= 2, "{t:?}");
        } else {
            assert!(t.word.chars().all(char::is_alphanumeric), "{t:?}");
            assert!(t.word.chars().count() <= MAX_WORD_CHARS, "{t:?}");
            assert!(!is_stop_word(&t.word), "{t:?}");
        }
    }
});
