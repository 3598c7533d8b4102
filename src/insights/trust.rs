//! How far a reader can trust an accepted answer today: verified by the
//! docs team, or possibly outdated (by age or by product version), and the
//! answers that need a review. Pure functions of the [`Site`] and its
//! as-of date, so answer pages, listings and `/insights/` agree.
//!
//! ## Rules
//!
//! - *Verified*: the answer's `reviewed:` date (lorebook's own format or
//!   `answers.yaml`), or, when a page lists it in `answers:`, that page's
//!   `reviewed:` or last update; the newest of these.
//! - *Outdated by version*: one of the answer's tags names a version
//!   (`product.version_tags`, `*` standing for the version: `4.1`, `v4.1`,
//!   `4.x`) older than `product.version`. Versions compare number by number
//!   over the parts both have, so `4` is not older than `4.2`, `3.9` is.
//!   A review does not clear it: the tag still says which release it is
//!   about.
//! - *Outdated by age*: the answer (written, else accepted, else asked) and
//!   its verification are both more than `insights.answer_stale_months`
//!   months before the as-of date. Exactly at the limit is not outdated.
//! - Nothing is outdated when `insights.show_outdated_note` is off.
//! - *To review* on `/insights/`: outdated answers that a page promotes or
//!   whose score reaches `insights.candidate_min_score` (lorebook has no
//!   read counts, so votes stand in for readers), oldest first.

use chrono::NaiveDate;
use serde::Serialize;

use super::dates::{answer_date, page_updated, stale_limit};
use crate::forum::Answer;
use crate::site::Site;

/// Answers listed for review on `/insights/`.
pub const REVIEW_SHOWN: usize = 30;

/// The "may be outdated" note of an answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AnswerOutdated {
    /// Set when the answer is older than this many months.
    pub months: Option<u32>,
    /// The tag naming an older version, and the current version.
    pub version_tag: Option<String>,
    pub current_version: Option<String>,
}

/// One answer that needs a review.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReviewAnswer {
    pub id: String,
    pub title: String,
    /// Site-relative URL of the answer page.
    pub url: String,
    pub date: Option<NaiveDate>,
    pub score: i64,
    /// Pages that list it in `answers:`.
    pub promoted: usize,
    pub outdated: AnswerOutdated,
}

/// When the docs team last vouched for `a`.
pub fn verified(site: &Site, a: &Answer) -> Option<NaiveDate> {
    let page = site.promoted_by.get(&a.id).and_then(|&i| site.pages.get(i));
    let by_page = page.and_then(|p| {
        let reviewed = p.front.reviewed.map(|d| d.0);
        reviewed.max(page_updated(site, p))
    });
    a.reviewed.max(by_page)
}

/// Why `a` may be outdated, if it may.
pub fn outdated(site: &Site, a: &Answer) -> Option<AnswerOutdated> {
    if !site.config.insights.show_outdated_note {
        return None;
    }
    let product = &site.config.product;
    let version_tag = product.version.as_deref().and_then(|current| {
        let current = parse_version(current)?;
        a.tags
            .iter()
            .find(|t| tag_version(t, &product.version_tags).is_some_and(|v| older(&v, &current)))
            .cloned()
    });
    let months = site.config.insights.answer_stale_months;
    let limit = site.as_of.and_then(|d| stale_limit(d, months));
    let freshest = answer_date(a)
        .map(|d| d.date_naive())
        .max(verified(site, a));
    let aged = matches!((freshest, limit), (Some(f), Some(l)) if f < l);
    (aged || version_tag.is_some()).then(|| AnswerOutdated {
        months: aged.then_some(months),
        current_version: version_tag.as_ref().and(product.version.clone()),
        version_tag,
    })
}

/// Outdated answers that many readers meet, oldest first, and how many
/// there are in all.
pub fn review_list(site: &Site) -> (Vec<ReviewAnswer>, usize) {
    let min = site.config.insights.candidate_min_score;
    let mut list: Vec<ReviewAnswer> = site
        .forum
        .answers
        .iter()
        .filter_map(|a| {
            let promoted = site
                .pages
                .iter()
                .filter(|p| p.front.answers.contains(&a.id))
                .count();
            if promoted == 0 && a.score < min {
                return None;
            }
            Some(ReviewAnswer {
                id: a.id.clone(),
                title: a.title.clone(),
                url: a.url(),
                date: answer_date(a).map(|d| d.date_naive()),
                score: a.score,
                promoted,
                outdated: outdated(site, a)?,
            })
        })
        .collect();
    list.sort_by(|x, y| {
        // Undated last; then oldest first.
        (x.date.is_none(), x.date, &x.id).cmp(&(y.date.is_none(), y.date, &y.id))
    });
    let total = list.len();
    list.truncate(REVIEW_SHOWN);
    (list, total)
}

/// The version a tag names under one of `patterns` (`*` is the version).
fn tag_version(tag: &str, patterns: &[String]) -> Option<Vec<u64>> {
    let tag = tag.trim().to_ascii_lowercase();
    patterns.iter().find_map(|p| {
        let p = p.trim().to_ascii_lowercase();
        let (before, after) = p.split_once('*')?;
        let middle = tag.strip_prefix(before)?.strip_suffix(after)?;
        parse_version(middle)
    })
}

/// `4`, `4.2`, `4.2.1`, `4.x`: the numbers before any `x`.
fn parse_version(text: &str) -> Option<Vec<u64>> {
    let mut parts = Vec::new();
    for (i, part) in text.trim().split('.').enumerate() {
        if i > 0 && part.eq_ignore_ascii_case("x") {
            break;
        }
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts.push(part.parse().ok()?);
    }
    (!parts.is_empty()).then_some(parts)
}

/// `tag` is older than `current` over the parts both name.
fn older(tag: &[u64], current: &[u64]) -> bool {
    tag.iter()
        .zip(current)
        .find(|(t, c)| t != c)
        .is_some_and(|(t, c)| t < c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::testkit::{answer, credit, date, site};

    #[test]
    fn versions_compare_over_the_parts_both_name() {
        let v = |s: &str| parse_version(s).unwrap();
        assert!(older(&v("3.9"), &v("4.2")));
        assert!(older(&v("4.1"), &v("4.2")));
        assert!(!older(&v("4"), &v("4.2")), "4 is the current line");
        assert!(!older(&v("4.x"), &v("4.2")));
        assert!(!older(&v("4.2"), &v("4.2")));
        assert!(!older(&v("5.0"), &v("4.2")), "newer is not outdated");
        assert_eq!(parse_version("4.2-beta"), None);
        assert_eq!(parse_version("x"), None);
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn tags_name_versions_through_the_patterns_only() {
        let p = vec!["*".to_string(), "v*".to_string(), "relay-*".to_string()];
        assert_eq!(tag_version("V3.1", &p), Some(vec![3, 1]));
        assert_eq!(tag_version("relay-4.x", &p), Some(vec![4]));
        assert_eq!(tag_version("3", &p), Some(vec![3]));
        assert_eq!(tag_version("sync", &p), None);
        assert_eq!(tag_version("ipv6", &p), None);
        assert_eq!(tag_version("relay-4.x", &["*".to_string()]), None);
    }

    fn with(as_of: &str, months: u32, version: Option<&str>, answers: Vec<Answer>) -> Site {
        let product = version.map_or(String::new(), |v| {
            format!("product: {{ version: \"{v}\" }}\n")
        });
        let config = format!("title: T\ninsights: {{ answer_stale_months: {months} }}\n{product}");
        let forum = crate::forum::ForumData {
            answers,
            unanswered: Vec::new(),
        };
        let mut s = site(&config, &[], forum);
        s.as_of = Some(date(as_of));
        s
    }

    #[test]
    fn an_answer_exactly_at_the_age_limit_is_not_outdated_a_day_older_is() {
        let s = with("2026-06-01", 24, None, Vec::new());
        let at = answer("1", 1, "ana", "2024-06-01");
        let before = answer("2", 1, "ana", "2024-05-31");
        assert_eq!(outdated(&s, &at), None);
        assert_eq!(
            outdated(&s, &before),
            Some(AnswerOutdated {
                months: Some(24),
                version_tag: None,
                current_version: None,
            })
        );
    }

    #[test]
    fn a_review_clears_age_but_not_an_old_version_tag() {
        let s = with("2026-06-01", 24, Some("4.2"), Vec::new());
        let mut old = answer("1", 1, "ana", "2020-01-01");
        old.reviewed = NaiveDate::from_ymd_opt(2026, 1, 1);
        assert_eq!(outdated(&s, &old), None);
        assert_eq!(verified(&s, &old), NaiveDate::from_ymd_opt(2026, 1, 1));
        old.tags = vec!["sync".into(), "v3".into()];
        let note = outdated(&s, &old).expect("tagged v3");
        assert_eq!(note.months, None);
        assert_eq!(note.version_tag.as_deref(), Some("v3"));
        assert_eq!(note.current_version.as_deref(), Some("4.2"));
        // A newer tag, or the current line, says nothing.
        old.tags = vec!["5.0".into(), "4".into()];
        assert_eq!(outdated(&s, &old), None);
    }

    #[test]
    fn without_an_as_of_date_or_with_notes_off_nothing_is_outdated() {
        let mut s = with("2026-06-01", 24, Some("4.2"), Vec::new());
        s.as_of = None;
        let a = answer("1", 1, "ana", "2001-01-01");
        assert_eq!(outdated(&s, &a), None);
        let mut b = a.clone();
        b.tags = vec!["3.0".into()];
        s.config.insights.show_outdated_note = false;
        assert_eq!(outdated(&s, &b), None);
    }

    #[test]
    fn the_review_list_holds_read_or_promoted_outdated_answers_oldest_first() {
        let answers = vec![
            answer("new", 50, "ana", "2026-05-01"),
            answer("low", 1, "ana", "2020-01-01"),
            answer("mid", 9, "bo", "2023-01-01"),
            answer("old", 7, "bo", "2021-01-01"),
        ];
        let s = with("2026-06-01", 12, None, answers);
        let (list, total) = review_list(&s);
        let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["f:old", "f:mid"]);
        assert_eq!(total, 2);
    }

    #[test]
    fn a_page_that_promotes_an_answer_verifies_it_on_its_last_update() {
        let answers = vec![answer("1", 0, "ana", "2020-01-01")];
        let forum = crate::forum::ForumData {
            answers,
            unanswered: Vec::new(),
        };
        let mut s = site("title: T\n", &[("guide.md", "answers: [\"f:1\"]\n")], forum);
        s.as_of = Some(date("2026-06-01"));
        assert_eq!(verified(&s, &s.forum.answers[0]), None);
        credit(&mut s, "guide.md", "2026-02-03");
        assert_eq!(verified(&s, &s.forum.answers[0]), Some(date("2026-02-03")));
        assert_eq!(outdated(&s, &s.forum.answers[0]), None);
        // Low score but promoted: on the review list once it ages.
        s.as_of = Some(date("2029-01-01"));
        let (list, _) = review_list(&s);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].promoted, 1);
    }
}
