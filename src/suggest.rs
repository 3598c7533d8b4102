//! "Did you mean" over many candidates, with a bounded cost per question.
//!
//! [`crate::diagnostics::closest`] compares a word with every candidate by
//! edit distance, which is right for a dozen config keys and ruinous for a
//! missing link target among 10,000 page paths (each comparison is quadratic
//! in the path length). A [`Suggester`] indexes the candidates once:
//!
//! - a candidate with the same file name in another folder is the answer
//!   when nothing is close by edit distance (a page that moved);
//! - otherwise candidates are gathered from an index of byte trigrams,
//!   reading the rarest trigrams of the word first and stopping after a
//!   fixed number of postings ([`POSTINGS_BUDGET`]), and only the
//!   [`VERIFY`] candidates sharing the most trigrams, within the length
//!   bound, are compared by edit distance.
//!
//! The threshold is the same as `closest`'s: a distance of at most a third
//! of the longer string (at least 2). The answer is deterministic: ties go
//! to the candidate that comes first in the order given.

use std::collections::HashMap;

/// Postings read per question, at most (plus the whole list of the rarest
/// trigram): the cost of gathering candidates, whatever the word.
pub(crate) const POSTINGS_BUDGET: usize = 8_192;
/// Candidates compared by edit distance per question, at most.
pub(crate) const VERIFY: usize = 24;
/// Below this many candidates every one is compared (no index).
const SMALL: usize = 64;

/// An index of candidate strings for "did you mean" questions.
#[derive(Debug, Clone)]
pub(crate) struct Suggester<'a> {
    candidates: Vec<&'a str>,
    /// Trigram -> indexes of the candidates holding it (ascending, once each).
    grams: HashMap<[u8; 3], Vec<u32>>,
    /// Last path segment -> indexes of the candidates ending with it.
    by_name: HashMap<&'a str, Vec<u32>>,
}

/// The largest edit distance still taken for a typo of `a` as `b`.
fn max_distance(a: &str, b: &str) -> usize {
    (a.len().max(b.len()) / 3).max(2)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Names too common to say that a page moved (`_index.md`, `README.md`).
fn is_generic_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "_index.md" | "index.md" | "readme.md" | "summary.md" | ""
    )
}

fn trigrams(s: &str) -> impl Iterator<Item = [u8; 3]> + '_ {
    s.as_bytes().windows(3).map(|w| {
        [
            w[0].to_ascii_lowercase(),
            w[1].to_ascii_lowercase(),
            w[2].to_ascii_lowercase(),
        ]
    })
}

impl<'a> Suggester<'a> {
    /// Index `candidates` (kept in the order given; duplicates are fine).
    pub(crate) fn new(candidates: impl IntoIterator<Item = &'a str>) -> Suggester<'a> {
        let candidates: Vec<&'a str> = candidates.into_iter().collect();
        let mut grams: HashMap<[u8; 3], Vec<u32>> = HashMap::new();
        let mut by_name: HashMap<&'a str, Vec<u32>> = HashMap::new();
        if candidates.len() >= SMALL {
            for (i, c) in candidates.iter().enumerate() {
                let i = i as u32;
                for g in trigrams(c) {
                    let list = grams.entry(g).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        for (i, c) in candidates.iter().enumerate() {
            let name = file_name(c);
            if !is_generic_name(name) {
                by_name.entry(name).or_default().push(i as u32);
            }
        }
        Suggester {
            candidates,
            grams,
            by_name,
        }
    }

    /// The candidate `word` is most plausibly a typo of, or a page that
    /// moved: same file name in one other folder.
    pub(crate) fn closest(&self, word: &str) -> Option<&'a str> {
        let pool: Vec<u32> = if self.candidates.len() < SMALL {
            (0..self.candidates.len() as u32).collect()
        } else {
            self.gather(word)
        };
        let best = pool
            .into_iter()
            .map(|i| self.candidates[i as usize])
            .filter(|c| c.len().abs_diff(word.len()) <= max_distance(word, c))
            .map(|c| (strsim::damerau_levenshtein(word, c), c))
            .filter(|(d, c)| *d <= max_distance(word, c))
            .min_by_key(|&(d, _)| d)
            .map(|(_, c)| c);
        best.or_else(|| self.moved(word))
    }

    /// The one candidate with `word`'s file name, if there is exactly one.
    fn moved(&self, word: &str) -> Option<&'a str> {
        match self.by_name.get(file_name(word))?.as_slice() {
            [one] => Some(self.candidates[*one as usize]),
            _ => None,
        }
    }

    /// At most [`VERIFY`] candidates sharing the most of `word`'s rarest
    /// trigrams, in candidate order among equals.
    fn gather(&self, word: &str) -> Vec<u32> {
        let mut lists: Vec<&Vec<u32>> = trigrams(word).filter_map(|g| self.grams.get(&g)).collect();
        lists.sort_by_key(|l| l.len());
        lists.dedup_by(|a, b| std::ptr::eq(*a, *b));
        let mut hits: HashMap<u32, u32> = HashMap::new();
        let mut read = 0;
        for list in lists {
            if read > 0 && read + list.len() > POSTINGS_BUDGET {
                break;
            }
            read += list.len();
            for &i in list {
                *hits.entry(i).or_insert(0) += 1;
            }
        }
        let mut ranked: Vec<(u32, u32)> = hits.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(VERIFY);
        let mut pool: Vec<u32> = ranked.into_iter().map(|(i, _)| i).collect();
        pool.sort_unstable();
        pool
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn many() -> Vec<String> {
        let mut v = Vec::new();
        for section in ["guides", "reference", "admin", "billing"] {
            for i in 0..300 {
                v.push(format!("{section}/topic-{i:03}/page-about-thing-{i}.md"));
            }
        }
        v.push("getting-started/install.md".into());
        v.push("getting-started/configure.md".into());
        v
    }

    #[test]
    fn finds_a_typo_among_many_paths() {
        let v = many();
        let s = Suggester::new(v.iter().map(String::as_str));
        assert_eq!(
            s.closest("getting-started/instal.md"),
            Some("getting-started/install.md")
        );
        assert_eq!(
            s.closest("reference/topic-042/page-about-thing-42.md.md"),
            Some("reference/topic-042/page-about-thing-42.md")
        );
        assert_eq!(s.closest("zzzz/qqqq.md"), None);
    }

    #[test]
    fn a_page_that_moved_is_found_by_its_file_name() {
        let v = many();
        let s = Suggester::new(v.iter().map(String::as_str));
        assert_eq!(
            s.closest("old/place/entirely/elsewhere/configure.md"),
            Some("getting-started/configure.md")
        );
        // Generic names say nothing about where a page went.
        let v = ["a/_index.md", "b/c.md"];
        let s = Suggester::new(v);
        assert_eq!(s.closest("zzzzzzzzzz/_index.md"), None);
    }

    #[test]
    fn agrees_with_closest_on_small_sets() {
        let keys = ["title", "base_url", "description"];
        let s = Suggester::new(keys);
        for w in ["titel", "baseurl", "zzzzzzzz", "descripton"] {
            assert_eq!(s.closest(w), crate::diagnostics::closest(w, keys), "{w}");
        }
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        let v: Vec<String> = (0..100).map(|i| format!("p{i:02}x.md")).collect();
        let s = Suggester::new(v.iter().map(String::as_str));
        assert_eq!(s.closest("p0x.md"), Some("p00x.md"));
    }
}
