//! Credit: git history, declared people and forum answer authors merged
//! into ranked [`Person`]s with per-page credit ([`build`] gives
//! [`Contributors`], the model templates see).
//!
//! - Identity merging: a git identity joins the yaml person that lists its
//!   name or email; otherwise it joins an earlier git identity with the same
//!   email or the same name (case-insensitive); otherwise it is a new person.
//!   A forum author joins the yaml person that lists their username for that
//!   source; otherwise each (source, username) is its own person. Forum
//!   authors are never merged with git people by display name alone, so a
//!   forum user cannot take over a writer's credit by copying their name.
//! - Emails are matching keys only. [`Person`] and [`PageCredit`] carry no
//!   email. With `contributors.gravatar: true` a person without an avatar gets
//!   a Gravatar URL built from the SHA-256 of their email (off by default:
//!   such hashes can be reversed with a dictionary).
//! - Slugs: the yaml slug, else `urls::path_slug(name)`; clashes get `-2`,
//!   `-3`… Yaml people are named first, then git people by first commit,
//!   then forum people by source and username, so a newcomer never takes an
//!   existing person's slug.
//!
//! ## Credit score
//!
//! | for | points |
//! |---|---|
//! | each page where the person is the main author (most lines changed) | 10 |
//! | each other page they changed | 2 |
//! | each commit to content (authored or co-authored), up to 50 commits | 1 |
//! | each accepted answer | 5 |
//! | each accepted answer's score, clamped to 0..=10 per answer | 1 per point |
//! | each accepted answer a wiki page lists in `answers:` (folded in) | 10 |
//!
//! ## Marks
//!
//! Earned for something others relied on, never for activity alone:
//! - *First accepted answer*: the person has an accepted answer (dated by
//!   the first one).
//! - *Answer folded into a page*: a page lists one of their answers.
//! - *Top answerer of YYYY-Qn*: alone with the most accepted answers written
//!   in that calendar quarter, and at least two of them.
//! - *Long-time maintainer of SECTION*: main author of a page of that
//!   top-level section, with their own commits to its pages spanning at
//!   least a year.
//!
//! People are ranked by score, descending; ties by name (case-insensitive),
//! then slug. Rank is 1-based; equal scores still get distinct ranks.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::history::{self, History};
use super::identity::PersonEntry;
use super::record;
use crate::config::ContributorsSettings;
use crate::forum::{Answer, Author};

/// Points of the credit score (see the module docs).
pub const POINTS_MAIN_AUTHOR: u64 = 10;
pub const POINTS_OTHER_PAGE: u64 = 2;
pub const POINTS_PER_COMMIT: u64 = 1;
pub const COMMIT_CAP: u64 = 50;
pub const POINTS_PER_ANSWER: u64 = 5;
pub const ANSWER_SCORE_CAP: i64 = 10;
pub const POINTS_FOLDED_ANSWER: u64 = 10;
/// Accepted answers needed in a quarter to be its top answerer.
pub const TOP_ANSWERER_MIN: usize = 2;
/// Days a person's commits to a section must span to maintain it.
pub const MAINTAINER_DAYS: i64 = 365;

/// Something a person earned (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// "First accepted answer", "Top answerer of 2026-Q1"...
    pub title: String,
    /// What earned it, in a few words.
    pub detail: String,
}

/// Everyone credited on the site, ranked, with per-page credit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Contributors {
    /// Ranked: best first.
    pub people: Vec<Person>,
    /// Content path (relative to content/, `/`-separated) -> credit.
    pub pages: BTreeMap<String, PageCredit>,
    /// Commits to content over time (newest first in log order), with the
    /// people credited by slug: what insights count per month and per
    /// 90-day window.
    #[serde(skip)]
    pub activity: Vec<Activity>,
    /// Forum `(source, lowercased username)` -> index into `people`.
    #[serde(skip)]
    forum_index: BTreeMap<(String, String), usize>,
    /// Slug -> index into `people`.
    #[serde(skip)]
    slug_index: BTreeMap<String, usize>,
    /// Forum `(source, lowercased username)` of declared people who asked
    /// for privacy -> what they asked for.
    #[serde(skip)]
    privacy: BTreeMap<(String, String), Privacy>,
}

/// What a person declared in `contributors.yaml` asked to keep off the site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Privacy {
    /// `hide: true`: no credit page, not ranked or listed anywhere.
    pub hidden: bool,
    /// `hide_avatar: true`: no picture.
    pub hide_avatar: bool,
}

/// One person, as templates see them. No email, ever.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Person {
    pub slug: String,
    pub name: String,
    pub avatar: Option<String>,
    /// Declared links (sorted by label), then forum profiles.
    pub links: Vec<Link>,
    pub rank: usize,
    pub score: u64,
    /// Pages where this person is the main author.
    pub pages_written: usize,
    /// Other pages they changed.
    pub pages_edited: usize,
    pub commits: u32,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub accepted_answers: usize,
    /// Sum of the scores of their accepted answers (unclamped).
    pub answer_score: i64,
    /// Their pages, largest share first.
    pub pages: Vec<PersonPage>,
    /// Their accepted answers, highest score first.
    pub answers: Vec<PersonAnswer>,
    /// Forum accounts `(source, username)`, sorted.
    pub forum_accounts: Vec<ForumAccount>,
    /// Earned marks, in the order of the module docs.
    pub marks: Vec<Mark>,
    /// Accepted answers a page lists in `answers:`.
    pub folded_answers: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub label: String,
    pub url: String,
    /// `me` for links the person declared in contributors.yaml; links
    /// taken from forum data are `nofollow ugc noopener` (never `me`: the
    /// forum, not the person, supplied them).
    pub rel: &'static str,
}

/// `rel` of a link taken from forum data.
pub const FORUM_REL: &str = "nofollow ugc noopener";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForumAccount {
    pub source: String,
    pub username: String,
}

/// One page of a person's, with their share of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonPage {
    /// Content path (relative to content/).
    pub path: String,
    pub commits: u32,
    pub lines_added: u64,
    pub lines_removed: u64,
    /// Share of the page's changed lines, 0..=100 (rounded).
    pub share: u32,
    pub main_author: bool,
    /// First and last commit of this person to the page.
    #[serde(skip)]
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// One accepted answer of a person's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonAnswer {
    /// `source:question-id`.
    pub id: String,
    pub source: String,
    pub title: String,
    pub score: i64,
    /// When it was written (else accepted, else asked).
    #[serde(skip)]
    pub date: Option<DateTime<Utc>>,
    /// A page lists it in `answers:`.
    pub folded: bool,
}

/// One commit to content, as insights see it: no identity, only slugs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub time: DateTime<Utc>,
    /// Slugs of the people credited (bots excluded), sorted.
    pub people: Vec<String>,
    /// Content paths the commit changed, sorted.
    pub pages: Vec<String>,
}

/// Credit for one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageCredit {
    /// Main author first.
    pub authors: Vec<PageAuthor>,
    pub commits: u32,
    pub created: DateTime<Utc>,
    /// The last-updated date.
    pub updated: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageAuthor {
    pub slug: String,
    pub name: String,
    pub commits: u32,
    pub lines_added: u64,
    pub lines_removed: u64,
    /// Share of the page's changed lines, 0..=100 (rounded).
    pub share: u32,
}

impl Contributors {
    pub fn person(&self, slug: &str) -> Option<&Person> {
        self.slug_index.get(slug).and_then(|&i| self.people.get(i))
    }

    /// Credit for the page at `path` (relative to content/, `/`-separated).
    pub fn page(&self, path: &str) -> Option<&PageCredit> {
        self.pages.get(path)
    }

    /// The person behind a forum username on the source named `source`.
    pub fn person_for_forum_author(&self, source: &str, username: &str) -> Option<&Person> {
        self.forum_index
            .get(&(source.to_string(), username.trim().to_lowercase()))
            .and_then(|&i| self.people.get(i))
    }

    /// The name a forum author is shown by everywhere on the site (answer
    /// pages, answer lists, feeds): the name of the person they are (for a
    /// person declared in `contributors.yaml`, the declared name, not the
    /// forum login), else their name on the forum ([`forum_name`]).
    /// What the forum account `username` on `source` asked to keep off the
    /// site (nothing for people not declared private).
    pub fn privacy(&self, source: &str, username: &str) -> Privacy {
        self.privacy
            .get(&(source.to_string(), username.trim().to_lowercase()))
            .copied()
            .unwrap_or_default()
    }

    pub fn shown_name(&self, source: &str, author: &Author) -> String {
        self.person_for_forum_author(source, &author.username)
            .map_or_else(|| forum_name(author).to_string(), |p| p.name.clone())
    }
}

/// A forum author's name on their forum: the display name, else the
/// username (trimmed), else `anonymous`.
pub fn forum_name(author: &Author) -> &str {
    let display = author.display_name.trim();
    let name = if display.is_empty() {
        author.username.trim()
    } else {
        display
    };
    if name.is_empty() {
        "anonymous"
    } else {
        name
    }
}

/// Working state of one person while merging.
#[derive(Default)]
struct Acc {
    slug: Option<String>,
    name: String,
    avatar: Option<String>,
    links: Vec<Link>,
    forum_accounts: Vec<ForumAccount>,
    /// Emails, only to make a Gravatar URL when asked to.
    emails: Vec<String>,
    commits: u32,
    pages: Vec<PersonPage>,
    answers: Vec<PersonAnswer>,
    /// Order in which automatic slugs are given.
    order: (u8, Option<DateTime<Utc>>, String),
    /// Declared `hide: true`: never kept.
    hidden: bool,
    /// Declared `hide_avatar: true`.
    hide_avatar: bool,
}

/// Merge git history, declared people and forum answers into ranked people.
/// Each phase is a step below, in this order.
pub fn build(
    history: &History,
    declared: &[PersonEntry],
    answers: &[Answer],
    settings: &ContributorsSettings,
) -> Contributors {
    let mut merge = Merge::declared(declared);
    let ident_person = merge.git_identities(history);
    let page_people = merge.pages(history, &ident_person);
    merge.forum_answers(answers);
    let slugs = merge.slugs();
    let ranked = merge.rank(slugs, settings);
    let pages = ranked.page_credit(history, &page_people);
    let activity = ranked.activity(history, &ident_person);
    let mut model = ranked.finish(pages, activity);
    for entry in declared.iter().filter(|e| e.hidden || e.hide_avatar) {
        for (source, user) in &entry.forum {
            model.privacy.insert(
                (source.clone(), user.trim().to_lowercase()),
                Privacy {
                    hidden: entry.hidden,
                    hide_avatar: entry.hide_avatar,
                },
            );
        }
    }
    model
}

/// Each page's people (index into the people being merged) with their
/// credit, in the order of `History::files` (the `PersonPage` paths are
/// filled in when handed to the person).
type PagePeople = Vec<Vec<(usize, PersonPage)>>;

/// The people being merged, and how identities find them.
struct Merge {
    accs: Vec<Acc>,
    /// Lowercased git name or email -> person.
    by_git: HashMap<String, usize>,
    /// Forum `(source, lowercased username)` -> person.
    by_forum: BTreeMap<(String, String), usize>,
}

impl Merge {
    /// Phase 1: the declared people, in file order.
    fn declared(declared: &[PersonEntry]) -> Merge {
        let mut merge = Merge {
            accs: Vec::new(),
            by_git: HashMap::new(),
            by_forum: BTreeMap::new(),
        };
        for (i, entry) in declared.iter().enumerate() {
            for g in &entry.git {
                merge.by_git.insert(g.trim().to_lowercase(), i);
            }
            for (source, user) in &entry.forum {
                merge
                    .by_forum
                    .insert((source.clone(), user.trim().to_lowercase()), i);
            }
            merge.accs.push(Acc {
                slug: entry.slug.clone(),
                name: entry.name.clone(),
                avatar: entry.avatar.clone(),
                links: entry
                    .links
                    .iter()
                    .map(|(label, url)| Link {
                        label: label.clone(),
                        url: url.clone(),
                        rel: "me",
                    })
                    .collect(),
                order: (0, None, format!("{i:08}")),
                hidden: entry.hidden,
                hide_avatar: entry.hide_avatar,
                ..Acc::default()
            });
        }
        merge
    }

    /// Phase 2: each git identity joins a declared person, an earlier
    /// identity's person (same email or name) or becomes a new person.
    /// Oldest contributor first (stable automatic slugs); each identity's
    /// key is computed once. Returns identity key -> person.
    fn git_identities(&mut self, history: &History) -> HashMap<String, usize> {
        let mut idents: Vec<(String, &history::IdentityTotals)> = history
            .identities
            .values()
            .map(|totals| (totals.identity.key(), totals))
            .collect();
        idents.sort_by(|(ka, a), (kb, b)| a.first.cmp(&b.first).then(ka.cmp(kb)));
        let mut ident_person: HashMap<String, usize> = HashMap::new();
        for (key, totals) in idents {
            let id = &totals.identity;
            let email = id.email.trim().to_lowercase();
            let name = id.name.trim().to_lowercase();
            let found = self
                .by_git
                .get(&email)
                .filter(|_| !email.is_empty())
                .or_else(|| self.by_git.get(&name))
                .copied();
            let index = match found {
                Some(i) => i,
                None => {
                    let i = self.accs.len();
                    self.accs.push(Acc {
                        name: id.name.trim().to_string(),
                        order: (1, Some(totals.first), key.clone()),
                        ..Acc::default()
                    });
                    // Later identities with this email or name join this person.
                    if !email.is_empty() {
                        self.by_git.insert(email.clone(), i);
                    }
                    self.by_git.entry(name).or_insert(i);
                    i
                }
            };
            if let Some(acc) = self.accs.get_mut(index) {
                acc.commits += totals.commits;
                if !email.is_empty() && !acc.emails.contains(&email) {
                    acc.emails.push(email);
                }
            }
            ident_person.insert(key, index);
        }
        ident_person
    }

    /// Phase 3: each page's authors as people (two identities of one person
    /// merged), with their shares, handed to each person too.
    fn pages<'h>(
        &mut self,
        history: &'h History,
        ident_person: &HashMap<String, usize>,
    ) -> PagePeople {
        // The person of a page author's identity: its key is computed once
        // per distinct (name, email), not once per page.
        let mut author_person: HashMap<(&str, &str), Option<usize>> = HashMap::new();
        let mut person_of = |id: &'h record::Identity| -> Option<usize> {
            let contact = (id.name.as_str(), id.email.as_str());
            if let Some(&p) = author_person.get(&contact) {
                return p;
            }
            let p = ident_person.get(&id.key()).copied();
            author_person.insert(contact, p);
            p
        };
        let mut page_people: PagePeople = Vec::with_capacity(history.files.len());
        for file in history.files.values() {
            let total: u64 = file.authors.iter().map(history::AuthorStats::lines).sum();
            let mut merged: Vec<(usize, PersonPage)> = Vec::new();
            for a in &file.authors {
                let Some(p) = person_of(&a.identity) else {
                    continue;
                };
                match merged.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, page)) => {
                        page.commits += a.commits;
                        page.lines_added += a.added;
                        page.lines_removed += a.removed;
                        page.span = page.span.map(|(f, l)| (f.min(a.first), l.max(a.last)));
                    }
                    None => merged.push((
                        p,
                        PersonPage {
                            path: String::new(),
                            commits: a.commits,
                            lines_added: a.added,
                            lines_removed: a.removed,
                            share: 0,
                            main_author: false,
                            span: Some((a.first, a.last)),
                        },
                    )),
                }
            }
            // Two identities of one person may reorder the authors: sort again.
            merged.sort_by(|(pa, a), (pb, b)| {
                (b.lines_added + b.lines_removed)
                    .cmp(&(a.lines_added + a.lines_removed))
                    .then(b.commits.cmp(&a.commits))
                    .then(pa.cmp(pb))
            });
            // Shares by lines changed; by commits when no lines changed (a page
            // that was only ever renamed, or binary).
            let total_commits: u64 = merged.iter().map(|(_, p)| u64::from(p.commits)).sum();
            for (k, (_, page)) in merged.iter_mut().enumerate() {
                page.main_author = k == 0;
                page.share = if total > 0 {
                    percent(page.lines_added + page.lines_removed, total)
                } else {
                    percent(u64::from(page.commits), total_commits)
                };
            }
            page_people.push(merged);
        }
        for (path, merged) in history.files.keys().zip(&page_people) {
            for (p, page) in merged {
                if let Some(acc) = self.accs.get_mut(*p) {
                    acc.pages.push(PersonPage {
                        path: path.clone(),
                        ..page.clone()
                    });
                }
            }
        }
        page_people
    }

    /// Phase 4: each accepted answer's author joins the declared person
    /// that lists their username for that source, else their own person
    /// (never a git person by name).
    ///
    /// An account deleted upstream, or one the forum itself runs, is
    /// credited to nobody: no person, no credit page (its answers still
    /// show the name the forum kept).
    fn forum_answers(&mut self, answers: &[Answer]) {
        for answer in answers
            .iter()
            .filter(|a| !a.author.deleted && !a.author.system)
        {
            let user = answer.author.username.trim().to_lowercase();
            let key = (answer.source.clone(), user.clone());
            let index = match self.by_forum.get(&key) {
                Some(&i) => i,
                None => {
                    let i = self.accs.len();
                    self.accs.push(Acc {
                        name: forum_name(&answer.author).to_string(),
                        order: (2, None, format!("{}\u{0}{}", answer.source, user)),
                        ..Acc::default()
                    });
                    self.by_forum.insert(key.clone(), i);
                    i
                }
            };
            if let Some(acc) = self.accs.get_mut(index) {
                let account = ForumAccount {
                    source: answer.source.clone(),
                    username: answer.author.username.trim().to_string(),
                };
                if !acc.forum_accounts.contains(&account) {
                    acc.forum_accounts.push(account);
                    if let Some(url) = answer.author.profile_url.as_deref().filter(|u| is_web(u)) {
                        acc.links.push(Link {
                            label: answer.source.clone(),
                            url: url.to_string(),
                            rel: FORUM_REL,
                        });
                    }
                }
                if acc.avatar.is_none() {
                    acc.avatar = answer.author.avatar_url.clone().filter(|u| is_web(u));
                }
                acc.answers.push(PersonAnswer {
                    id: answer.id.clone(),
                    source: answer.source.clone(),
                    title: answer.title.clone(),
                    score: answer.score,
                    date: answer
                        .answered
                        .or_else(|| answer.accepted.first().and_then(|r| r.accepted_at))
                        .or(answer.asked),
                    folded: answer.folded,
                });
            }
        }
    }

    /// Phase 5: who is kept (people who gave something) and their slugs:
    /// declared slugs first, then automatic ones in order (declared, git by
    /// first commit, forum by source and username). `None`: not kept.
    fn slugs(&self) -> Vec<Option<String>> {
        let keep: Vec<bool> = self
            .accs
            .iter()
            .map(|a| !a.hidden && (a.commits > 0 || !a.pages.is_empty() || !a.answers.is_empty()))
            .collect();
        let mut taken: HashMap<String, ()> = HashMap::new();
        let mut slugs: Vec<String> = vec![String::new(); self.accs.len()];
        for (i, acc) in self.accs.iter().enumerate() {
            if let Some(s) = &acc.slug {
                if taken.insert(s.clone(), ()).is_none() {
                    if let Some(slot) = slugs.get_mut(i) {
                        *slot = s.clone();
                    }
                }
            }
        }
        let mut order: Vec<usize> = (0..self.accs.len())
            .filter(|&i| keep.get(i) == Some(&true))
            .collect();
        order.sort_by(|&a, &b| self.accs[a].order.cmp(&self.accs[b].order));
        for &i in &order {
            if slugs.get(i).is_some_and(|s| !s.is_empty()) {
                continue;
            }
            let base = crate::urls::path_slug(&self.accs[i].name);
            let mut slug = base.clone();
            let mut n = 2;
            while taken.contains_key(&slug) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(slug.clone(), ());
            if let Some(slot) = slugs.get_mut(i) {
                *slot = slug;
            }
        }
        slugs
            .into_iter()
            .zip(keep)
            .map(|(slug, kept)| kept.then_some(slug))
            .collect()
    }

    /// Phase 6: the kept people with their totals and score, ranked.
    fn rank(self, slugs: Vec<Option<String>>, settings: &ContributorsSettings) -> Ranked {
        let accs_len = self.accs.len();
        let top = top_answerers(&self.accs, &slugs);
        let mut people: Vec<(usize, Person)> = Vec::new();
        for ((i, acc), slug) in self.accs.into_iter().enumerate().zip(slugs) {
            let Some(slug) = slug else {
                continue;
            };
            let quarters = top.get(&i).cloned().unwrap_or_default();
            people.push((i, person(acc, slug, settings, &quarters)));
        }
        // Each name is lowercased once for the ranking.
        let mut people: Vec<(String, usize, Person)> = people
            .into_iter()
            .map(|(i, p)| (p.name.to_lowercase(), i, p))
            .collect();
        people.sort_by(|(la, _, a), (lb, _, b)| {
            b.score
                .cmp(&a.score)
                .then(la.cmp(lb))
                .then(a.slug.cmp(&b.slug))
        });
        // Index into the merged people -> index into `people`.
        let mut position: Vec<Option<usize>> = vec![None; accs_len];
        for (rank, (_, i, person)) in people.iter_mut().enumerate() {
            person.rank = rank + 1;
            if let Some(slot) = position.get_mut(*i) {
                *slot = Some(rank);
            }
        }
        Ranked {
            people: people.into_iter().map(|(_, _, p)| p).collect(),
            position,
            by_forum: self.by_forum,
        }
    }
}

/// Quarter (`2026-Q1`) -> the one kept person with the most accepted
/// answers written in it, when they have at least [`TOP_ANSWERER_MIN`];
/// returned as person -> their quarters, oldest first.
fn top_answerers(accs: &[Acc], slugs: &[Option<String>]) -> HashMap<usize, Vec<String>> {
    let mut counts: BTreeMap<String, BTreeMap<usize, usize>> = BTreeMap::new();
    for (i, acc) in accs.iter().enumerate() {
        if slugs.get(i).is_none_or(Option::is_none) {
            continue;
        }
        for a in &acc.answers {
            if let Some(d) = a.date {
                use chrono::Datelike;
                let quarter = format!("{}-Q{}", d.year(), d.month0() / 3 + 1);
                *counts.entry(quarter).or_default().entry(i).or_default() += 1;
            }
        }
    }
    let mut won: HashMap<usize, Vec<String>> = HashMap::new();
    for (quarter, by_person) in counts {
        let best = by_person.values().copied().max().unwrap_or(0);
        let leaders: Vec<usize> = by_person
            .iter()
            .filter(|(_, &n)| n == best)
            .map(|(&i, _)| i)
            .collect();
        if let [only] = leaders[..] {
            if best >= TOP_ANSWERER_MIN {
                won.entry(only).or_default().push(quarter);
            }
        }
    }
    won
}

/// The marks a person earned (see the module docs).
fn marks(pages: &[PersonPage], answers: &[PersonAnswer], quarters: &[String]) -> Vec<Mark> {
    let mut marks = Vec::new();
    if let Some(first) = answers.iter().filter_map(|a| a.date).min() {
        marks.push(Mark {
            title: "First accepted answer".into(),
            detail: format!("on {}", first.format("%Y-%m-%d")),
        });
    } else if !answers.is_empty() {
        marks.push(Mark {
            title: "First accepted answer".into(),
            detail: String::new(),
        });
    }
    let folded = answers.iter().filter(|a| a.folded).count();
    if folded > 0 {
        marks.push(Mark {
            title: "Answer folded into a page".into(),
            detail: format!(
                "{folded} answer{} in the wiki",
                if folded == 1 { "" } else { "s" }
            ),
        });
    }
    for q in quarters {
        marks.push(Mark {
            title: format!("Top answerer of {q}"),
            detail: "most accepted answers that quarter".into(),
        });
    }
    // Top-level section -> (main author somewhere in it, span of commits).
    let mut sections: BTreeMap<&str, (bool, DateTime<Utc>, DateTime<Utc>)> = BTreeMap::new();
    for p in pages {
        let Some((first, last)) = p.span else {
            continue;
        };
        let section = p.path.split_once('/').map_or("", |(s, _)| s);
        let e = sections.entry(section).or_insert((false, first, last));
        e.0 |= p.main_author;
        e.1 = e.1.min(first);
        e.2 = e.2.max(last);
    }
    for (section, (main, first, last)) in sections {
        if main && !section.is_empty() && (last - first).num_days() >= MAINTAINER_DAYS {
            marks.push(Mark {
                title: format!("Long-time maintainer of {section}"),
                detail: format!("since {}", first.format("%Y-%m-%d")),
            });
        }
    }
    marks
}

/// One kept person with their totals and score (unranked).
fn person(acc: Acc, slug: String, settings: &ContributorsSettings, quarters: &[String]) -> Person {
    let mut pages = acc.pages;
    pages.sort_by(|a, b| b.share.cmp(&a.share).then(a.path.cmp(&b.path)));
    let mut answers = acc.answers;
    answers.sort_by(|a, b| b.score.cmp(&a.score).then(a.id.cmp(&b.id)));
    answers.dedup_by(|a, b| a.id == b.id);
    let mut forum_accounts = acc.forum_accounts;
    forum_accounts.sort_by(|a, b| (&a.source, &a.username).cmp(&(&b.source, &b.username)));
    let pages_written = pages.iter().filter(|p| p.main_author).count();
    let pages_edited = pages.len() - pages_written;
    let answer_score: i64 = answers.iter().map(|a| a.score).sum();
    let answer_points: u64 = answers
        .iter()
        .map(|a| a.score.clamp(0, ANSWER_SCORE_CAP) as u64)
        .sum();
    let folded_answers = answers.iter().filter(|a| a.folded).count();
    let score = POINTS_MAIN_AUTHOR * pages_written as u64
        + POINTS_OTHER_PAGE * pages_edited as u64
        + POINTS_PER_COMMIT * u64::from(acc.commits).min(COMMIT_CAP)
        + POINTS_PER_ANSWER * answers.len() as u64
        + answer_points
        + POINTS_FOLDED_ANSWER * folded_answers as u64;
    let marks = marks(&pages, &answers, quarters);
    let avatar = acc
        .avatar
        .or_else(|| {
            settings
                .gravatar
                .then(|| acc.emails.first().map(|e| gravatar_url(e)))
                .flatten()
        })
        .filter(|_| !acc.hide_avatar);
    Person {
        slug,
        name: acc.name,
        avatar,
        links: acc.links,
        rank: 0,
        score,
        pages_written,
        pages_edited,
        commits: acc.commits,
        lines_added: pages.iter().map(|p| p.lines_added).sum(),
        lines_removed: pages.iter().map(|p| p.lines_removed).sum(),
        accepted_answers: answers.len(),
        answer_score,
        pages,
        answers,
        forum_accounts,
        marks,
        folded_answers,
    }
}

/// The ranked people, and where each merged person ended up.
struct Ranked {
    people: Vec<Person>,
    /// Index into the merged people -> index into `people` (`None`: not kept).
    position: Vec<Option<usize>>,
    by_forum: BTreeMap<(String, String), usize>,
}

impl Ranked {
    fn person_at(&self, merged: usize) -> Option<&Person> {
        self.people
            .get(self.position.get(merged).copied().flatten()?)
    }

    /// Phase 7: page credit, pointing at the final people.
    fn page_credit(
        &self,
        history: &History,
        page_people: &PagePeople,
    ) -> BTreeMap<String, PageCredit> {
        history
            .files
            .iter()
            .zip(page_people)
            .map(|((path, file), merged)| {
                let authors = merged
                    .iter()
                    .filter_map(|(i, page)| {
                        let person = self.person_at(*i)?;
                        Some(PageAuthor {
                            slug: person.slug.clone(),
                            name: person.name.clone(),
                            commits: page.commits,
                            lines_added: page.lines_added,
                            lines_removed: page.lines_removed,
                            share: page.share,
                        })
                    })
                    .collect();
                let credit = PageCredit {
                    authors,
                    commits: file.commits,
                    created: file.created,
                    updated: file.updated,
                };
                (path.clone(), credit)
            })
            .collect()
    }

    /// Phase 8: the commits over time, with the people credited by slug.
    fn activity(&self, history: &History, ident_person: &HashMap<String, usize>) -> Vec<Activity> {
        let mut credited: Vec<&Person> = Vec::new();
        history
            .timeline
            .iter()
            .map(|c| {
                credited.clear();
                credited.extend(
                    c.identities
                        .iter()
                        .filter_map(|key| self.person_at(*ident_person.get(key)?)),
                );
                credited.sort_unstable_by(|a, b| a.slug.cmp(&b.slug));
                credited.dedup_by(|a, b| a.slug == b.slug);
                Activity {
                    time: c.time,
                    people: credited.iter().map(|p| p.slug.clone()).collect(),
                    pages: c.files.clone(),
                }
            })
            .collect()
    }

    /// The model, with its lookup indexes.
    fn finish(self, pages: BTreeMap<String, PageCredit>, activity: Vec<Activity>) -> Contributors {
        let position = &self.position;
        let forum_index = self
            .by_forum
            .into_iter()
            .filter_map(|(k, i)| Some((k, position.get(i).copied().flatten()?)))
            .collect();
        let slug_index = self
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        Contributors {
            people: self.people,
            pages,
            activity,
            forum_index,
            slug_index,
            privacy: BTreeMap::new(),
        }
    }
}

fn percent(part: u64, total: u64) -> u32 {
    (part.saturating_mul(100) + total / 2)
        .checked_div(total)
        .map_or(0, |p| u32::try_from(p).unwrap_or(100))
}

fn is_web(url: &str) -> bool {
    let l = url.trim().to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

/// Gravatar URL from the SHA-256 of the trimmed, lowercased email.
fn gravatar_url(email: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(email.trim().to_lowercase().as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("https://gravatar.com/avatar/{hex}?d=identicon")
}

#[cfg(test)]
mod tests {
    use super::history::{AuthorStats, FileHistory, IdentityTotals};
    use super::record::Identity;
    use super::*;
    use crate::forum::Author;
    use std::path::PathBuf;

    fn t(day: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2024-01-{day:02}T00:00:00Z"))
            .expect("date")
            .with_timezone(&Utc)
    }

    fn id(name: &str, email: &str) -> Identity {
        Identity {
            name: name.into(),
            email: email.into(),
        }
    }

    fn stats(who: &Identity, commits: u32, added: u64, removed: u64, day: u32) -> AuthorStats {
        AuthorStats {
            identity: who.clone(),
            commits,
            added,
            removed,
            first: t(day),
            last: t(day),
        }
    }

    fn history(files: Vec<(&str, Vec<AuthorStats>)>) -> History {
        let mut h = History {
            in_git: true,
            ..History::default()
        };
        for (path, authors) in files {
            for a in &authors {
                let e = h
                    .identities
                    .entry(a.identity.key())
                    .or_insert(IdentityTotals {
                        identity: a.identity.clone(),
                        commits: 0,
                        first: a.first,
                    });
                e.commits += a.commits;
                e.first = e.first.min(a.first);
            }
            let commits = authors.iter().map(|a| a.commits).sum();
            let created = authors.iter().map(|a| a.first).min().unwrap_or(t(1));
            let updated = authors.iter().map(|a| a.last).max().unwrap_or(t(1));
            h.files.insert(
                path.into(),
                FileHistory {
                    authors,
                    commits,
                    created,
                    updated,
                },
            );
        }
        h
    }

    fn answer(source: &str, qid: u32, user: &str, display: &str, score: i64) -> Answer {
        Answer {
            id: format!("{source}:{qid}"),
            source: source.into(),
            kind: crate::forum::source::ForumKind::Discourse,
            question_id: qid.to_string(),
            question_score: 0,
            accepted: Vec::new(),
            title: format!("Question {qid}"),
            slug: format!("q-{qid}"),
            tags: Vec::new(),
            section: "answers".into(),
            question_html: String::new(),
            question_author: None,
            answer_html: String::new(),
            author: Author {
                username: user.into(),
                display_name: display.into(),
                profile_url: Some(format!("https://forum.example/u/{user}")),
                ..Author::default()
            },
            score,
            asked: None,
            answered: None,
            thread_url: None,
            licence: None,
            text: String::new(),
            reviewed: None,
            folded: false,
            url_prefix: String::new(),
        }
    }

    fn settings(gravatar: bool) -> ContributorsSettings {
        ContributorsSettings {
            exclude: globset::GlobSet::empty(),
            exclude_patterns: Vec::new(),
            file: PathBuf::from("contributors.yaml"),
            gravatar,
        }
    }

    fn ana_entry() -> PersonEntry {
        PersonEntry {
            slug: Some("ana".into()),
            name: "Ana Lima".into(),
            git: vec!["ana@work.example".into()],
            forum: [("discourse".to_string(), "AnaL".to_string())]
                .into_iter()
                .collect(),
            avatar: None,
            links: [("github".to_string(), "https://github.com/ana".to_string())]
                .into_iter()
                .collect(),
            line: 2,
            forum_lines: BTreeMap::new(),
            hidden: false,
            hide_avatar: false,
        }
    }

    #[test]
    fn a_hidden_person_is_never_kept_and_a_hidden_avatar_never_shown() {
        let h = history(vec![(
            "a.md",
            vec![stats(&id("Ana Lima", "ana@work.example"), 1, 9, 0, 1)],
        )]);
        let mut hidden = ana_entry();
        hidden.hidden = true;
        let answers = [answer("discourse", 1, "anal", "Ana on the forum", 3)];
        let c = build(&h, &[hidden], &answers, &settings(true));
        assert!(c.people.is_empty(), "{:?}", c.people);
        assert!(c.pages["a.md"].authors.is_empty());
        assert!(c.person_for_forum_author("discourse", "AnaL").is_none());
        assert!(c.privacy("discourse", "anal").hidden);
        // Shown as the forum shows them, with no credit page to link.
        let author = &answers[0].author;
        assert_eq!(c.shown_name("discourse", author), "Ana on the forum");

        let mut faceless = ana_entry();
        faceless.hide_avatar = true;
        faceless.avatar = Some("https://example.com/ana.png".into());
        let c = build(&h, &[faceless], &answers, &settings(true));
        assert_eq!(c.people[0].avatar, None, "not even a Gravatar");
        assert!(c.privacy("discourse", "AnaL").hide_avatar);
        assert!(!c.privacy("discourse", "bo").hide_avatar);
    }

    #[test]
    fn merges_git_yaml_and_forum_into_one_person_and_scores_them() {
        let ana_work = id("Ana (work)", "ana@work.example");
        let bob = id("Bob", "bob@x.example");
        let h = history(vec![
            (
                "a.md",
                vec![stats(&ana_work, 3, 30, 0, 1), stats(&bob, 1, 5, 5, 2)],
            ),
            ("b.md", vec![stats(&bob, 2, 8, 0, 3)]),
        ]);
        let answers = [
            answer("discourse", 1, "anal", "Ana on the forum", 12),
            answer("discourse", 2, "carol", "Carol", 3),
        ];
        let c = build(&h, &[ana_entry()], &answers, &settings(false));

        let ana = c.person("ana").expect("ana");
        assert_eq!(ana.name, "Ana Lima");
        assert_eq!(
            (ana.pages_written, ana.pages_edited, ana.commits),
            (1, 0, 3)
        );
        assert_eq!((ana.accepted_answers, ana.answer_score), (1, 12));
        // 10 (main author of a.md) + 3 commits + 5 (answer) + 10 (score 12 capped)
        assert_eq!(ana.score, 28);
        assert_eq!(ana.rank, 1);
        assert_eq!(ana.pages[0].share, 75); // 30 of 40 lines

        let bob = c.person("bob").expect("bob");
        // 10 (main author of b.md) + 2 (edited a.md) + 3 commits
        assert_eq!(bob.score, 15);
        assert_eq!(bob.rank, 2);
        let carol = c.person("carol").expect("carol");
        assert_eq!(carol.score, 8);
        assert_eq!(carol.rank, 3);

        assert_eq!(
            c.person_for_forum_author("discourse", "AnaL")
                .map(|p| p.slug.as_str()),
            Some("ana")
        );
        assert_eq!(
            c.person_for_forum_author("discourse", "carol")
                .map(|p| p.slug.as_str()),
            Some("carol")
        );
        assert!(c
            .person_for_forum_author("stackexchange", "carol")
            .is_none());

        let a = c.page("a.md").expect("a.md");
        let names: Vec<(&str, u32)> = a
            .authors
            .iter()
            .map(|x| (x.slug.as_str(), x.share))
            .collect();
        assert_eq!(names, vec![("ana", 75), ("bob", 25)]);
    }

    #[test]
    fn activity_names_people_by_slug_and_merges_their_identities() {
        let ana_work = id("Ana (work)", "ana@work.example");
        let ana_home = id("ana lima", "ana@home.example");
        let mut h = history(vec![(
            "a.md",
            vec![stats(&ana_work, 1, 1, 0, 1), stats(&ana_home, 1, 1, 0, 2)],
        )]);
        h.timeline = vec![history::TimelineCommit {
            time: t(2),
            identities: vec![ana_work.key(), ana_home.key(), "nobody@x.example".into()],
            files: vec!["a.md".into()],
        }];
        // Both identities belong to the declared person (one by email, one
        // by name); an unknown identity is dropped.
        let mut entry = ana_entry();
        entry.git.push("Ana Lima".into());
        let c = build(&h, &[entry], &[], &settings(false));
        assert_eq!(c.activity.len(), 1);
        assert_eq!(c.activity[0].people, vec!["ana".to_string()]);
        assert_eq!(c.activity[0].pages, vec!["a.md".to_string()]);
        assert_eq!(c.activity[0].time, t(2));
    }

    #[test]
    fn forum_authors_are_shown_by_their_persons_name_else_their_forum_name() {
        let h = history(vec![]);
        let mut entry = ana_entry();
        entry.forum = [("github".to_string(), "ana-l".to_string())]
            .into_iter()
            .collect();
        let answers = [
            // The login on GitHub, no display name there.
            answer("github", 1, "ana-l", "", 1),
            answer("discourse", 2, "bo", "  Bo Chen ", 1),
        ];
        let c = build(&h, &[entry], &answers, &settings(false));
        let author = |user: &str, display: &str| Author {
            username: user.into(),
            display_name: display.into(),
            ..Author::default()
        };
        // Declared: the declared name, whatever the forum shows.
        assert_eq!(c.shown_name("github", &author("ANA-L", "")), "Ana Lima");
        assert_eq!(c.shown_name("github", &author("ana-l", "al")), "Ana Lima");
        // Not declared: their person's name (the forum's, trimmed).
        assert_eq!(c.shown_name("discourse", &author("bo", "")), "Bo Chen");
        // Unknown: the forum's display name, else the login, else anonymous.
        assert_eq!(c.shown_name("github", &author("cy", " Cy ")), "Cy");
        assert_eq!(c.shown_name("github", &author(" cy ", "")), "cy");
        assert_eq!(c.shown_name("github", &author(" ", "")), "anonymous");
        let names: Vec<&str> = c.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Ana Lima", "Bo Chen"]);
    }

    #[test]
    fn forum_authors_are_not_merged_with_writers_by_name() {
        let h = history(vec![(
            "a.md",
            vec![stats(&id("Dana", "dana@x.example"), 1, 1, 0, 1)],
        )]);
        let c = build(
            &h,
            &[],
            &[answer("discourse", 1, "dana", "Dana", 0)],
            &settings(false),
        );
        let slugs: Vec<&str> = c.people.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, vec!["dana", "dana-2"]);
        assert_eq!(
            c.person_for_forum_author("discourse", "dana")
                .map(|p| p.slug.as_str()),
            Some("dana-2")
        );
    }

    #[test]
    fn marks_are_earned_and_folded_answers_score() {
        let at = |d: &str| Some(DateTime::parse_from_rfc3339(d).unwrap().with_timezone(&Utc));
        // Ana maintains guide/ for more than a year; a one-day author of
        // faq/ is no maintainer.
        let ana = id("Ana Lima", "ana@work.example");
        let mut long = stats(&ana, 5, 40, 0, 1);
        long.last = long.first + chrono::Duration::days(MAINTAINER_DAYS);
        let h = history(vec![
            ("guide/install.md", vec![long]),
            ("faq/a.md", vec![stats(&ana, 1, 3, 0, 2)]),
        ]);
        let mut answers = vec![
            answer("discourse", 1, "anal", "", 4),
            answer("discourse", 2, "anal", "", 4),
            answer("discourse", 3, "bo", "Bo", 4),
            answer("discourse", 4, "bo", "Bo", 4),
            answer("discourse", 5, "cy", "Cy", 4),
        ];
        let days = [
            "2026-01-05",
            "2026-02-05",
            "2026-03-05",
            "2026-03-06",
            "2026-04-01",
        ];
        for (a, d) in answers.iter_mut().zip(days) {
            a.answered = at(&format!("{d}T10:00:00Z"));
        }
        answers[0].folded = true;
        let c = build(&h, &[ana_entry()], &answers, &settings(false));
        let marks = |name: &str| -> Vec<String> {
            let p = c.people.iter().find(|p| p.name == name).expect(name);
            p.marks.iter().map(|m| m.title.clone()).collect()
        };
        assert_eq!(
            marks("Ana Lima"),
            [
                "First accepted answer",
                "Answer folded into a page",
                "Long-time maintainer of guide"
            ]
        );
        // Ana and Bo both have two answers in 2026-Q1: a tie names nobody.
        assert_eq!(marks("Bo"), ["First accepted answer"]);
        // One answer is not enough to top a quarter.
        assert_eq!(marks("Cy"), ["First accepted answer"]);
        let ana = c.people.iter().find(|p| p.name == "Ana Lima").unwrap();
        assert_eq!(ana.folded_answers, 1);
        let bo = c.people.iter().find(|p| p.name == "Bo").unwrap();
        assert_eq!(
            ana.score - bo.score,
            POINTS_MAIN_AUTHOR * 2 + 6 + POINTS_FOLDED_ANSWER,
            "two pages, six commits and one folded answer apart"
        );
        // Move one of Bo's answers and Cy's into Q2: Ana alone tops Q1, Bo Q2.
        answers[3].answered = at("2026-04-02T10:00:00Z");
        answers[4].author.username = "bo".into();
        let c = build(&h, &[ana_entry()], &answers, &settings(false));
        let titles = |name: &str| -> Vec<String> {
            let p = c.people.iter().find(|p| p.name == name).expect(name);
            p.marks.iter().map(|m| m.title.clone()).collect()
        };
        assert_eq!(
            titles("Bo"),
            ["First accepted answer", "Top answerer of 2026-Q2"]
        );
        assert!(titles("Ana Lima").contains(&"Top answerer of 2026-Q1".to_string()));
    }

    #[test]
    fn an_account_deleted_upstream_gets_no_person_or_credit_page() {
        let mut gone = answer("discourse", 1, "anon12", "gone_user", 9);
        gone.author.deleted = true;
        let kept = answer("discourse", 2, "bo", "Bo", 1);
        let c = build(&history(vec![]), &[], &[gone, kept], &settings(false));
        let names: Vec<&str> = c.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Bo"]);
        assert!(c.person_for_forum_author("discourse", "anon12").is_none());
    }

    #[test]
    fn the_forums_own_account_gets_no_person_or_credit_page() {
        let mut community = answer("stackexchange", 1, "-1", "Community", 9);
        community.author.system = true;
        let kept = answer("stackexchange", 2, "40", "Bo", 1);
        let c = build(&history(vec![]), &[], &[community, kept], &settings(false));
        let names: Vec<&str> = c.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Bo"]);
        assert!(c.person_for_forum_author("stackexchange", "-1").is_none());
    }

    #[test]
    fn same_name_with_two_emails_is_one_person() {
        let h = history(vec![
            (
                "a.md",
                vec![stats(&id("Eve", "eve@home.example"), 1, 4, 0, 1)],
            ),
            (
                "b.md",
                vec![stats(&id("eve", "eve@work.example"), 1, 4, 0, 2)],
            ),
        ]);
        let c = build(&h, &[], &[], &settings(false));
        assert_eq!(c.people.len(), 1);
        assert_eq!(c.people[0].name, "Eve");
        assert_eq!(c.people[0].pages_written, 2);
    }

    #[test]
    fn ties_rank_by_name() {
        let h = history(vec![
            ("a.md", vec![stats(&id("zed", "z@x.example"), 1, 1, 0, 1)]),
            ("b.md", vec![stats(&id("Amy", "a@x.example"), 1, 1, 0, 2)]),
        ]);
        let c = build(&h, &[], &[], &settings(false));
        let order: Vec<(&str, usize)> =
            c.people.iter().map(|p| (p.name.as_str(), p.rank)).collect();
        assert_eq!(order, vec![("Amy", 1), ("zed", 2)]);
    }

    #[test]
    fn no_email_reaches_serialized_model() {
        let h = history(vec![(
            "a.md",
            vec![stats(&id("Ana", "ana@work.example"), 1, 1, 0, 1)],
        )]);
        for gravatar in [false, true] {
            let c = build(&h, &[ana_entry()], &[], &settings(gravatar));
            let json = serde_json::to_string(&c).expect("json");
            assert!(!json.contains('@'), "{json}");
            assert!(!json.contains("work.example"), "{json}");
            assert_eq!(c.people[0].avatar.is_some(), gravatar);
        }
    }

    #[test]
    fn page_authors_join_people_by_key_whatever_their_spelling() {
        let mut h = history(vec![
            ("a.md", vec![stats(&id("Ana", "ana@x.example"), 1, 4, 0, 1)]),
            (
                "b.md",
                vec![stats(&id("ANA", " ANA@X.example"), 2, 2, 0, 2)],
            ),
            ("c.md", vec![stats(&id("ana", "ana@x.example"), 1, 1, 0, 3)]),
        ]);
        // An author the identities do not list is credited to nobody.
        if let Some(c) = h.files.get_mut("c.md") {
            c.authors
                .insert(0, stats(&id("Ghost", "ghost@x.example"), 5, 50, 0, 3));
        }
        let c = build(&h, &[], &[], &settings(false));
        assert_eq!(c.people.len(), 1);
        let ana = &c.people[0];
        assert_eq!((ana.slug.as_str(), ana.name.as_str()), ("ana", "Ana"));
        assert_eq!((ana.pages_written, ana.commits), (3, 4));
        let pages: Vec<(&str, u32, u32)> = ana
            .pages
            .iter()
            .map(|p| (p.path.as_str(), p.commits, p.share))
            .collect();
        // c.md: 1 of 51 lines is 2%.
        assert_eq!(
            pages,
            vec![("a.md", 1, 100), ("b.md", 2, 100), ("c.md", 1, 2)]
        );
        let credit: Vec<&str> = c.pages["c.md"]
            .authors
            .iter()
            .map(|a| a.slug.as_str())
            .collect();
        assert_eq!(credit, vec!["ana"]);
    }
}
