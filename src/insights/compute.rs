//! The figures of `/insights/` and `lorebook insights`:
//! [`Insights::compute`], a pure function of the [`Site`] and the as-of date
//! (the rules are in the module docs of `insights`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::content::Page;
use crate::forum::Answer;
use crate::site::Site;

use super::dates::{answer_date, page_updated, stale_limit};

/// Days in the "recent" window for top contributors.
pub const RECENT_DAYS: u64 = 90;
/// Calendar months in the trend charts.
pub const TREND_MONTHS: u32 = 12;
/// People listed per ranking.
pub const PEOPLE_SHOWN: usize = 10;
/// Stale pages listed (oldest first).
pub const STALE_SHOWN: usize = 100;
/// Tag groups of unanswered questions listed.
pub const GAP_TAGS_SHOWN: usize = 30;
/// Questions listed per tag group.
pub const GAP_QUESTIONS_SHOWN: usize = 10;
/// Fold candidates listed.
pub const CANDIDATES_SHOWN: usize = 30;

/// Everything `/insights/` and `lorebook insights` show.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Insights {
    /// The date everything is computed for (see the module docs).
    pub as_of: Option<NaiveDate>,
    pub stale_months: u32,
    pub candidate_min_score: i64,
    pub totals: Totals,
    /// Sections with pages or answers, in section order.
    pub sections: Vec<SectionStats>,
    /// Stale pages, oldest first (at most [`STALE_SHOWN`]).
    pub stale_pages: Vec<StalePage>,
    /// Top people of the last [`RECENT_DAYS`] days.
    pub top_recent: Vec<RecentPerson>,
    /// Top people of all time (the contributors ranking).
    pub top_all_time: Vec<RankedPerson>,
    /// Unanswered questions by tag.
    pub gaps: Vec<TagGap>,
    /// High-scored answers no page promotes yet.
    pub candidates: Vec<Candidate>,
    /// How many candidates there are in all.
    pub candidates_total: usize,
    /// Outdated answers that many readers meet, oldest first (see
    /// [`super::trust`]).
    pub answers_to_review: Vec<super::trust::ReviewAnswer>,
    pub answers_to_review_total: usize,
    pub answer_stale_months: u32,
    /// One entry per month, oldest first.
    pub trends: Vec<MonthStats>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Totals {
    pub pages: usize,
    pub answers: usize,
    pub unanswered: usize,
    pub contributors: usize,
    pub stale_pages: usize,
    pub undated_pages: usize,
    pub median_age_days: Option<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectionStats {
    /// Section key (`` for the root).
    pub key: String,
    pub title: String,
    /// Site-relative URL.
    pub url: String,
    /// Pages directly in the section.
    pub pages: usize,
    /// Community answers listed in the section.
    pub answers: usize,
    pub median_age_days: Option<u64>,
    pub stale: usize,
    pub undated: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StalePage {
    /// Path relative to `content/`.
    pub source: String,
    pub title: String,
    pub url: String,
    pub section: String,
    pub updated: Option<NaiveDate>,
    pub reviewed: Option<NaiveDate>,
    /// Days since the newer of `updated` and `reviewed`.
    pub days: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecentPerson {
    pub slug: String,
    pub name: String,
    pub commits: u32,
    pub pages: usize,
    pub answers: usize,
    pub points: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RankedPerson {
    pub slug: String,
    pub name: String,
    pub rank: usize,
    pub score: u64,
    pub pages_written: usize,
    pub accepted_answers: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TagGap {
    /// The tag as first spelled; empty for questions without tags.
    pub tag: String,
    /// Unanswered questions with this tag.
    pub count: usize,
    /// The highest-scored of them (at most [`GAP_QUESTIONS_SHOWN`]).
    pub questions: Vec<Gap>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Gap {
    pub id: String,
    pub source: String,
    pub title: String,
    pub score: i64,
    /// The thread on the forum (http(s) only).
    pub url: Option<String>,
    pub asked: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub source: String,
    pub title: String,
    pub score: i64,
    /// Site-relative URL of the answer page.
    pub url: String,
    /// Section the answer is listed in.
    pub section: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MonthStats {
    /// `YYYY-MM`.
    pub month: String,
    /// Accepted answers written that month.
    pub answers: usize,
    /// Distinct pages changed that month.
    pub pages_updated: usize,
    /// Distinct people who committed to content or wrote an accepted answer.
    pub active_contributors: usize,
}

/// The note a stale page shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutdatedNote {
    pub months: u32,
    pub updated: Option<String>,
    pub reviewed: Option<String>,
}

/// The newer of the last update and the last review, when the page is
/// stale as of `as_of`.
fn stale_since(
    updated: Option<NaiveDate>,
    reviewed: Option<NaiveDate>,
    limit: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let freshest = updated.max(reviewed)?;
    (freshest < limit?).then_some(freshest)
}

/// The "may be outdated" note for `page`, when it is stale and the site
/// shows the note.
pub fn outdated_note(site: &Site, page: &Page) -> Option<OutdatedNote> {
    let settings = &site.config.insights;
    if !settings.show_outdated_note {
        return None;
    }
    let limit = stale_limit(site.as_of?, settings.stale_months);
    let updated = page_updated(site, page);
    let reviewed = page.front.reviewed.map(|d| d.0);
    stale_since(updated, reviewed, limit)?;
    Some(OutdatedNote {
        months: settings.stale_months,
        updated: updated.map(|d| d.to_string()),
        reviewed: reviewed.map(|d| d.to_string()),
    })
}

/// The median of `values` (mean of the two middle ones, rounded down).
pub fn median(values: &mut [u64]) -> Option<u64> {
    values.sort_unstable();
    let n = values.len();
    if n == 0 {
        return None;
    }
    let hi = *values.get(n / 2)?;
    if n % 2 == 1 {
        Some(hi)
    } else {
        let lo = *values.get(n / 2 - 1)?;
        Some(lo + (hi - lo) / 2)
    }
}

fn days_between(from: NaiveDate, to: NaiveDate) -> u64 {
    u64::try_from((to - from).num_days()).unwrap_or(0)
}

fn is_web(url: &str) -> bool {
    let l = url.trim().to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

impl Insights {
    /// Compute the insights of `site` as of `as_of` (None: no date known,
    /// nothing is stale and the windows are empty). Pure.
    pub fn compute(site: &Site, as_of: Option<NaiveDate>) -> Insights {
        let settings = &site.config.insights;
        let limit = as_of.and_then(|d| stale_limit(d, settings.stale_months));

        // Pages: ages and staleness per section.
        #[derive(Default)]
        struct Acc {
            ages: Vec<u64>,
            pages: usize,
            stale: usize,
            undated: usize,
        }
        let mut per_section: BTreeMap<&str, Acc> = BTreeMap::new();
        let mut all_ages = Vec::new();
        let mut stale_pages = Vec::new();
        let mut undated_total = 0;
        for page in &site.pages {
            let acc = per_section.entry(page.section.as_str()).or_default();
            acc.pages += 1;
            let updated = page_updated(site, page);
            let reviewed = page.front.reviewed.map(|d| d.0);
            if updated.is_none() && reviewed.is_none() {
                acc.undated += 1;
                undated_total += 1;
            }
            if let (Some(u), Some(today)) = (updated, as_of) {
                let age = days_between(u, today);
                acc.ages.push(age);
                all_ages.push(age);
            }
            if let (Some(since), Some(today)) = (stale_since(updated, reviewed, limit), as_of) {
                acc.stale += 1;
                stale_pages.push(StalePage {
                    source: page.source.clone(),
                    title: page.title.clone(),
                    url: page.url.clone(),
                    section: page.section.clone(),
                    updated,
                    reviewed,
                    days: days_between(since, today),
                });
            }
        }
        let stale_total = stale_pages.len();
        stale_pages.sort_by(|a, b| b.days.cmp(&a.days).then(a.source.cmp(&b.source)));
        stale_pages.truncate(STALE_SHOWN);

        let mut sections = Vec::new();
        for (key, section) in &site.sections {
            let answers = site.answers_by_section.get(key).map_or(0, Vec::len);
            let acc = per_section.remove(key.as_str()).unwrap_or_default();
            if acc.pages == 0 && answers == 0 {
                continue;
            }
            let mut ages = acc.ages;
            sections.push(SectionStats {
                key: key.clone(),
                title: if key.is_empty() {
                    site.config.title.clone()
                } else {
                    section.title.clone()
                },
                url: section.url.clone(),
                pages: acc.pages,
                answers,
                median_age_days: median(&mut ages),
                stale: acc.stale,
                undated: acc.undated,
            });
        }

        let (gaps, unanswered) = gaps(site);
        let (candidates, candidates_total) = candidates(site);
        let (answers_to_review, answers_to_review_total) = super::trust::review_list(site);
        Insights {
            as_of,
            stale_months: settings.stale_months,
            candidate_min_score: settings.candidate_min_score,
            totals: Totals {
                pages: site.pages.len(),
                answers: site.forum.answers.len(),
                unanswered,
                contributors: site.contributors.people.len(),
                stale_pages: stale_total,
                undated_pages: undated_total,
                median_age_days: median(&mut all_ages),
            },
            sections,
            stale_pages,
            top_recent: as_of.map(|d| top_recent(site, d)).unwrap_or_default(),
            top_all_time: site
                .contributors
                .people
                .iter()
                .take(PEOPLE_SHOWN)
                .map(|p| RankedPerson {
                    slug: p.slug.clone(),
                    name: p.name.clone(),
                    rank: p.rank,
                    score: p.score,
                    pages_written: p.pages_written,
                    accepted_answers: p.accepted_answers,
                })
                .collect(),
            gaps,
            candidates,
            candidates_total,
            answers_to_review,
            answers_to_review_total,
            answer_stale_months: settings.answer_stale_months,
            trends: as_of.map(|d| trends(site, d)).unwrap_or_default(),
        }
    }
}

/// Unanswered questions grouped by tag, and how many there are in all.
fn gaps(site: &Site) -> (Vec<TagGap>, usize) {
    // Lowercased tag -> (first spelling, question indexes).
    let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, q) in site.forum.unanswered.iter().enumerate() {
        let mut seen = BTreeSet::new();
        let tags: Vec<&str> = q
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let keys: Vec<&str> = if tags.is_empty() { vec![""] } else { tags };
        for tag in keys {
            let key = tag.to_lowercase();
            if !seen.insert(key.clone()) {
                continue;
            }
            groups
                .entry(key)
                .or_insert_with(|| (tag.to_string(), Vec::new()))
                .1
                .push(i);
        }
    }
    let questions = &site.forum.unanswered;
    let order = |&a: &usize, &b: &usize| match (questions.get(a), questions.get(b)) {
        (Some(x), Some(y)) => y
            .score
            .cmp(&x.score)
            .then(x.title.to_lowercase().cmp(&y.title.to_lowercase()))
            .then(x.id.cmp(&y.id)),
        _ => a.cmp(&b),
    };
    let mut list: Vec<(String, String, Vec<usize>)> = groups
        .into_iter()
        .map(|(key, (tag, mut ids))| {
            ids.sort_by(order);
            (key, tag, ids)
        })
        .collect();
    let top_score = |ids: &[usize]| {
        ids.first()
            .and_then(|&i| questions.get(i))
            .map_or(i64::MIN, |q| q.score)
    };
    list.sort_by(|a, b| {
        b.2.len()
            .cmp(&a.2.len())
            .then(top_score(&b.2).cmp(&top_score(&a.2)))
            .then(a.0.cmp(&b.0))
    });
    let gaps = list
        .into_iter()
        .take(GAP_TAGS_SHOWN)
        .map(|(_, tag, ids)| TagGap {
            tag,
            count: ids.len(),
            questions: ids
                .iter()
                .take(GAP_QUESTIONS_SHOWN)
                .filter_map(|&i| questions.get(i))
                .map(|q| Gap {
                    id: q.id.clone(),
                    source: q.source.clone(),
                    title: q.title.clone(),
                    score: q.score,
                    url: q.url.clone().filter(|u| is_web(u)),
                    asked: q.asked.map(|t| t.date_naive()),
                })
                .collect(),
        })
        .collect();
    (gaps, questions.len())
}

/// Accepted answers with a high score that no page promotes.
fn candidates(site: &Site) -> (Vec<Candidate>, usize) {
    let min = site.config.insights.candidate_min_score;
    let mut list: Vec<&Answer> = site
        .forum
        .answers
        .iter()
        .filter(|a| a.score >= min && !site.promoted_by.contains_key(&a.id))
        .collect();
    list.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then(a.id.cmp(&b.id))
    });
    let total = list.len();
    let shown = list
        .into_iter()
        .take(CANDIDATES_SHOWN)
        .map(|a| Candidate {
            id: a.id.clone(),
            source: a.source.clone(),
            title: a.title.clone(),
            score: a.score,
            url: a.url(),
            section: a.section.trim_matches('/').to_string(),
        })
        .collect();
    (shown, total)
}

/// The forum author of an answer as a person slug (or a stable key when the
/// contributors model does not know them).
fn answer_person(site: &Site, a: &Answer) -> String {
    site.contributors
        .person_for_forum_author(&a.source, &a.author.username)
        .map_or_else(
            || format!("{}:{}", a.source, a.author.username.trim().to_lowercase()),
            |p| p.slug.clone(),
        )
}

/// People ranked by their contributions in the last [`RECENT_DAYS`] days.
fn top_recent(site: &Site, as_of: NaiveDate) -> Vec<RecentPerson> {
    let Some(start) = as_of.checked_sub_days(chrono::Days::new(RECENT_DAYS - 1)) else {
        return Vec::new();
    };
    let inside = |d: NaiveDate| start <= d && d <= as_of;
    #[derive(Default)]
    struct Acc<'a> {
        commits: u32,
        pages: BTreeSet<&'a str>,
        answers: usize,
    }
    let pages = wiki_pages(site);
    let mut people: BTreeMap<String, Acc<'_>> = BTreeMap::new();
    for c in &site.contributors.activity {
        if !inside(c.time.date_naive()) {
            continue;
        }
        for slug in &c.people {
            let acc = people.entry(slug.clone()).or_default();
            acc.commits += 1;
            acc.pages.extend(
                c.pages
                    .iter()
                    .map(String::as_str)
                    .filter(|p| pages.contains(p)),
            );
        }
    }
    // Accounts deleted upstream and people who asked to be hidden are
    // never ranked.
    let listed = |a: &&Answer| {
        !a.author.deleted
            && !site
                .contributors
                .privacy(&a.source, &a.author.username)
                .hidden
    };
    for a in site.forum.answers.iter().filter(listed) {
        if answer_date(a).is_some_and(|t| inside(t.date_naive())) {
            people.entry(answer_person(site, a)).or_default().answers += 1;
        }
    }
    let mut list: Vec<RecentPerson> = people
        .into_iter()
        .map(|(slug, acc)| {
            let name = site
                .contributors
                .person(&slug)
                .map_or_else(|| slug.clone(), |p| p.name.clone());
            let points =
                u64::from(acc.commits) + 2 * acc.pages.len() as u64 + 5 * acc.answers as u64;
            RecentPerson {
                slug,
                name,
                commits: acc.commits,
                pages: acc.pages.len(),
                answers: acc.answers,
                points,
            }
        })
        .collect();
    list.sort_by(|a, b| {
        b.points
            .cmp(&a.points)
            .then(a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then(a.slug.cmp(&b.slug))
    });
    list.truncate(PEOPLE_SHOWN);
    list
}

/// Content paths of the pages and section pages (`_index.md`): the files
/// "pages changed" counts (not images or other assets).
fn wiki_pages(site: &Site) -> BTreeSet<&str> {
    site.pages
        .iter()
        .map(|p| p.source.as_str())
        .chain(site.sections.values().filter_map(|s| s.source.as_deref()))
        .collect()
}

/// `YYYY-MM` of a date.
fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Answers, pages updated and active people per month, for the
/// [`TREND_MONTHS`] months ending with the as-of month.
fn trends(site: &Site, as_of: NaiveDate) -> Vec<MonthStats> {
    let Some(first_of_month) = as_of.with_day(1) else {
        return Vec::new();
    };
    let months: Vec<String> = (0..TREND_MONTHS)
        .rev()
        .filter_map(|back| first_of_month.checked_sub_months(Months::new(back)))
        .map(month_key)
        .collect();
    #[derive(Default)]
    struct Acc<'a> {
        answers: usize,
        pages: BTreeSet<&'a str>,
        people: BTreeSet<String>,
    }
    let mut acc: BTreeMap<&str, Acc<'_>> = months
        .iter()
        .map(|m| (m.as_str(), Acc::default()))
        .collect();
    let pages = wiki_pages(site);
    for c in &site.contributors.activity {
        let d = c.time.date_naive();
        if d > as_of {
            continue;
        }
        let Some(m) = acc.get_mut(month_key(d).as_str()) else {
            continue;
        };
        m.pages.extend(
            c.pages
                .iter()
                .map(String::as_str)
                .filter(|p| pages.contains(p)),
        );
        m.people.extend(c.people.iter().cloned());
    }
    for a in &site.forum.answers {
        let Some(d) = answer_date(a).map(|t| t.date_naive()) else {
            continue;
        };
        if d > as_of {
            continue;
        }
        if let Some(m) = acc.get_mut(month_key(d).as_str()) {
            m.answers += 1;
            m.people.insert(answer_person(site, a));
        }
    }
    months
        .iter()
        .map(|m| {
            let a = acc.get(m.as_str());
            MonthStats {
                month: m.clone(),
                answers: a.map_or(0, |a| a.answers),
                pages_updated: a.map_or(0, |a| a.pages.len()),
                active_contributors: a.map_or(0, |a| a.people.len()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{answer, credit, date, question, site, time};
    use super::*;
    use crate::contributors::Activity;
    use crate::forum::ForumData;

    #[test]
    fn median_takes_the_middle_or_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [30, 10, 20]), Some(20));
        // Even count: (10 + 21) / 2 rounded down.
        assert_eq!(median(&mut [40, 10, 21, 1]), Some(15));
    }

    #[test]
    fn a_page_is_stale_only_when_update_and_review_are_both_older_than_the_threshold() {
        let mut s = site(
            "title: T\ninsights: { stale_months: 6 }\n",
            &[
                ("a/old.md", "title: Old\n"),
                ("a/reviewed.md", "title: Reviewed\nreviewed: 2026-03-01\n"),
                ("a/fresh.md", "title: Fresh\n"),
                ("a/undated.md", "title: Undated\n"),
                ("a/edge.md", "title: Edge\n"),
                (
                    "b/old-review.md",
                    "title: Old review\nreviewed: 2025-01-01\n",
                ),
            ],
            ForumData::default(),
        );
        credit(&mut s, "a/old.md", "2025-06-01");
        credit(&mut s, "a/reviewed.md", "2025-01-01");
        credit(&mut s, "a/fresh.md", "2026-05-20");
        // Exactly six months before the as-of date: not older, not stale.
        credit(&mut s, "a/edge.md", "2025-12-01");
        s.as_of = Some(date("2026-06-01"));
        let i = Insights::compute(&s, s.as_of);
        let stale: Vec<(&str, u64)> = i
            .stale_pages
            .iter()
            .map(|p| (p.source.as_str(), p.days))
            .collect();
        // Oldest first; the page with only a review date counts by it.
        assert_eq!(stale, vec![("b/old-review.md", 516), ("a/old.md", 365)]);
        assert_eq!(i.totals.stale_pages, 2);
        assert_eq!(i.totals.undated_pages, 1);
        let a = i.sections.iter().find(|s| s.key == "a").unwrap();
        assert_eq!((a.pages, a.stale, a.undated), (5, 1, 1));
        // Ages of a/: 12 (fresh), 182 (edge), 365 (old), 516 (reviewed) -> (182 + 365) / 2.
        assert_eq!(a.median_age_days, Some(273));

        let page = |src: &str| s.pages.iter().find(|p| p.source == src).unwrap();
        let note = outdated_note(&s, page("a/old.md")).expect("note on a stale page");
        assert_eq!(note.updated.as_deref(), Some("2025-06-01"));
        assert!(outdated_note(&s, page("a/reviewed.md")).is_none());
        assert!(outdated_note(&s, page("a/fresh.md")).is_none());
        assert!(outdated_note(&s, page("a/undated.md")).is_none());
        assert!(outdated_note(&s, page("a/edge.md")).is_none());
        s.config.insights.show_outdated_note = false;
        assert!(outdated_note(&s, page("a/old.md")).is_none());
    }

    #[test]
    fn unanswered_questions_group_by_tag_biggest_group_and_highest_score_first() {
        let forum = ForumData {
            answers: Vec::new(),
            unanswered: vec![
                question("1", "Sync stalls", &["sync"], 2),
                question("2", "Proxy support", &["Network", "sync"], 9),
                question("3", "Dark mode", &[], 1),
                question("4", "IPv6", &["network"], 4),
                question("5", "Big files", &["SYNC", "sync"], 2),
            ],
        };
        let s = site("title: T\n", &[], forum);
        let i = Insights::compute(&s, None);
        let groups: Vec<(&str, usize, Vec<&str>)> = i
            .gaps
            .iter()
            .map(|g| {
                (
                    g.tag.as_str(),
                    g.count,
                    g.questions.iter().map(|q| q.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            vec![
                // Three sync questions; ties on score by title.
                ("sync", 3, vec!["f:2", "f:5", "f:1"]),
                // First spelling of the tag is shown.
                ("Network", 2, vec!["f:2", "f:4"]),
                ("", 1, vec!["f:3"]),
            ]
        );
        assert_eq!(i.totals.unanswered, 5);
    }

    #[test]
    fn unsafe_question_links_are_dropped() {
        let mut q = question("1", "X", &["a"], 0);
        q.url = Some("javascript:alert(1)".into());
        let s = site(
            "title: T\n",
            &[],
            ForumData {
                answers: Vec::new(),
                unanswered: vec![q],
            },
        );
        let i = Insights::compute(&s, None);
        assert_eq!(i.gaps[0].questions[0].url, None);
    }

    #[test]
    fn fold_candidates_are_high_scored_answers_no_page_promotes() {
        let forum = ForumData {
            answers: vec![
                answer("1", 12, "ana", "2026-01-01"),
                answer("2", 5, "bo", "2026-01-01"),
                answer("3", 4, "bo", "2026-01-01"),
                answer("4", 30, "cy", "2026-01-01"),
            ],
            unanswered: Vec::new(),
        };
        let s = site(
            "title: T\n",
            &[("p.md", "title: P\nanswers: [\"f:4\"]\n")],
            forum,
        );
        let i = Insights::compute(&s, None);
        let ids: Vec<(&str, i64)> = i
            .candidates
            .iter()
            .map(|c| (c.id.as_str(), c.score))
            .collect();
        // f:4 is promoted; f:3 is below the default threshold of 5.
        assert_eq!(ids, vec![("f:1", 12), ("f:2", 5)]);
        assert_eq!(i.candidates_total, 2);
    }

    #[test]
    fn the_ninety_day_window_includes_its_first_day_and_the_as_of_date_only() {
        let forum = ForumData {
            // 2026-03-04 is 89 days before 2026-06-01: inside; 03-03 is out.
            answers: vec![
                answer("1", 1, "ana", "2026-03-04"),
                answer("2", 1, "bo", "2026-03-03"),
                answer("3", 1, "cy", "2026-06-01"),
                answer("4", 1, "dee", "2026-06-02"),
            ],
            unanswered: Vec::new(),
        };
        let mut s = site(
            "title: T\n",
            &[("p.md", "title: P\n"), ("q.md", "title: Q\n")],
            forum,
        );
        s.contributors.activity = vec![
            Activity {
                time: time("2026-05-01"),
                people: vec!["eve".into()],
                // logo.png is an asset, not a page: not counted.
                pages: vec!["logo.png".into(), "p.md".into(), "q.md".into()],
            },
            Activity {
                time: time("2026-05-02"),
                people: vec!["eve".into()],
                pages: vec!["p.md".into()],
            },
            Activity {
                time: time("2026-01-01"),
                people: vec!["old".into()],
                pages: vec!["p.md".into()],
            },
        ];
        let i = Insights::compute(&s, Some(date("2026-06-01")));
        let top: Vec<(&str, u64, u32, usize, usize)> = i
            .top_recent
            .iter()
            .map(|p| (p.slug.as_str(), p.points, p.commits, p.pages, p.answers))
            .collect();
        assert_eq!(
            top,
            vec![
                // 2 commits + 2 pages x 2.
                // Forum authors are people of the site (Site::new credits
                // them), by their own slugs.
                ("eve", 6, 2, 2, 0),
                ("ana", 5, 0, 0, 1),
                ("cy", 5, 0, 0, 1),
            ]
        );
    }

    #[test]
    fn trends_count_twelve_months_ending_with_the_as_of_month() {
        let forum = ForumData {
            answers: vec![
                answer("1", 1, "ana", "2026-05-10"),
                answer("2", 1, "ana", "2026-05-11"),
                answer("3", 1, "bo", "2025-06-30"),
                answer("4", 1, "bo", "2025-05-31"),
            ],
            unanswered: Vec::new(),
        };
        let mut s = site(
            "title: T\n",
            &[("p.md", "title: P\n"), ("q.md", "title: Q\n")],
            forum,
        );
        s.contributors.activity = vec![
            Activity {
                time: time("2026-05-03"),
                people: vec!["eve".into()],
                pages: vec!["p.md".into(), "gone.md".into()],
            },
            Activity {
                time: time("2026-05-04"),
                people: vec!["eve".into(), "fay".into()],
                pages: vec!["p.md".into(), "q.md".into()],
            },
        ];
        let i = Insights::compute(&s, Some(date("2026-06-15")));
        assert_eq!(i.trends.len(), 12);
        assert_eq!(i.trends.first().unwrap().month, "2025-07");
        assert_eq!(i.trends.last().unwrap().month, "2026-06");
        let may = i.trends.iter().find(|m| m.month == "2026-05").unwrap();
        // Two answers; p.md and q.md (gone.md is no page); eve, fay and ana.
        assert_eq!(
            (may.answers, may.pages_updated, may.active_contributors),
            (2, 2, 3)
        );
        // 2025-06 is outside the twelve months.
        assert!(i.trends.iter().all(|m| m.month != "2025-06"));
    }

    #[test]
    fn as_of_prefers_source_date_epoch_then_git_then_content_dates() {
        let forum = ForumData {
            answers: vec![answer("1", 1, "ana", "2026-02-01")],
            unanswered: vec![question("2", "Q", &[], 0)],
        };
        let mut s = site(
            "title: T\n",
            &[("p.md", "title: P\nreviewed: 2026-03-05\n")],
            forum,
        );
        assert_eq!(s.as_of, Some(date("2026-03-05")));
        assert_eq!(s.newest_date(), Some(date("2026-03-05")));
        credit(&mut s, "p.md", "2025-01-02");
        assert_eq!(s.newest_date(), Some(date("2025-01-02")));
        let empty = site("title: T\n", &[], ForumData::default());
        assert_eq!(empty.newest_date(), None);
        assert_eq!(empty.as_of, None);
        // SOURCE_DATE_EPOCH (read into the config) comes first.
        let mut config = empty.config.clone();
        config.source_date = Some(date("2024-01-01"));
        let inputs = crate::site::Inputs {
            content: crate::content::Content::from_loaded(Vec::new()),
            ..Default::default()
        };
        let (dated, _) = Site::new(config, inputs);
        assert_eq!(dated.as_of, Some(date("2024-01-01")));
    }
}
