//! What forum import produces: [`ForumData`] (answered questions as
//! [`Answer`]s, the rest as [`Question`]s) with their authors and replies,
//! and `Thread`, the form every importer turns its format into before
//! `forum::fold` applies the common rules.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::source::ForumKind;

#[derive(Debug, Clone, Default)]
pub struct ForumData {
    /// Answered questions, sorted by source (config order) then question id.
    pub answers: Vec<Answer>,
    /// Questions without an accepted answer, same order.
    pub unanswered: Vec<Question>,
}

/// Stack Exchange's "Community" user: the site's own account, owner of
/// community wiki posts.
pub const STACK_EXCHANGE_COMMUNITY: i64 = -1;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    pub username: String,
    pub display_name: String,
    pub profile_url: Option<String>,
    pub avatar_url: Option<String>,
    /// What the forum publicly shows about this member next to a post.
    pub standing: Standing,
    /// The account no longer exists upstream (Stack Exchange rows without
    /// an owner id, Discourse `user_deleted`, GitHub's "ghost", a lorebook
    /// answer without `author`): shown by the name the export kept, never
    /// credited or linked.
    pub deleted: bool,
    /// An account the forum itself runs, not a person (Stack Exchange's
    /// "Community" user, id -1, which owns community wiki posts; `system:
    /// true` in lorebook's format): shown by name with its profile link,
    /// never credited.
    pub system: bool,
}

/// The public standing a forum shows next to a member's posts. Each field is
/// what the export states; a field the export does not carry stays `None`
/// (never guessed). Nothing private (email, IP, trust-level internals) is
/// part of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Stack Exchange reputation (may be negative in invented data; shown
    /// as given).
    pub reputation: Option<i64>,
    /// Discourse trust level, 0..=4.
    pub trust_level: Option<u8>,
    /// Staff, moderator, admin (Discourse, Stack Exchange moderators) or the
    /// GitHub author association.
    pub role: Option<Role>,
    /// Gold, silver and bronze badge counts (Stack Exchange `Badges.xml` or
    /// API `badge_counts`; Discourse badge types use the same three).
    pub badges: Option<Badges>,
}

/// A member's role on their forum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Discourse admin.
    Admin,
    /// Discourse or Stack Exchange moderator.
    Moderator,
    /// Discourse staff (or a lorebook `staff: true`).
    Staff,
    /// GitHub `OWNER`: owns the repository.
    Owner,
    /// GitHub `MEMBER`: member of the organisation that owns the repository.
    Member,
    /// GitHub `COLLABORATOR`: invited with write access.
    Collaborator,
    /// GitHub `CONTRIBUTOR`: has had a commit merged before.
    Contributor,
}

impl Role {
    /// GitHub's `author_association`, when it says more than "nobody".
    pub fn from_association(text: &str) -> Option<Role> {
        match text.trim().to_ascii_uppercase().as_str() {
            "OWNER" => Some(Role::Owner),
            "MEMBER" => Some(Role::Member),
            "COLLABORATOR" => Some(Role::Collaborator),
            "CONTRIBUTOR" => Some(Role::Contributor),
            _ => None,
        }
    }

    /// The word readers see next to the name.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Moderator => "Moderator",
            Role::Staff => "Staff",
            Role::Owner | Role::Member | Role::Collaborator => "Maintainer",
            Role::Contributor => "Contributor",
        }
    }

    /// What the label stands for, for a tooltip.
    pub fn explained(self) -> &'static str {
        match self {
            Role::Admin => "an administrator of the forum",
            Role::Moderator => "a moderator of the forum",
            Role::Staff => "a member of the forum's staff",
            Role::Owner => "owner of the repository",
            Role::Member => "member of the organisation that owns the repository",
            Role::Collaborator => "collaborator with write access to the repository",
            Role::Contributor => "has contributed to the repository before",
        }
    }

    /// Speaks for the product: forum staff or repository maintainers.
    pub fn is_official(self) -> bool {
        !matches!(self, Role::Contributor)
    }
}

/// Badge counts by class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Badges {
    pub gold: u32,
    pub silver: u32,
    pub bronze: u32,
}

/// Who marked an answer as accepted, where the forum says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptedBy {
    /// The person who asked (always so on Stack Exchange).
    Asker,
    /// Forum staff (Discourse: an accepter who is staff in the thread).
    Staff,
    /// A repository maintainer (GitHub: only the author and people with
    /// triage rights or more can mark an answer).
    Maintainer,
    /// Someone else the export names without a role.
    Other,
}

impl AcceptedBy {
    /// "Accepted by …".
    pub fn label(self) -> &'static str {
        match self {
            AcceptedBy::Asker => "the asker",
            AcceptedBy::Staff => "forum staff",
            AcceptedBy::Maintainer => "a maintainer",
            AcceptedBy::Other => "another member",
        }
    }
}

/// One accepted answer (a Discourse topic may have several).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Sanitized HTML.
    pub html: String,
    pub author: Author,
    /// Votes (Stack Exchange score, Discourse likes, GitHub upvotes).
    pub score: i64,
    /// When the answer was written.
    pub date: Option<DateTime<Utc>>,
    /// When it was marked as the answer, where the forum says.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Direct link to the answer in the thread, where known.
    pub url: Option<String>,
    /// Licence of this answer when it differs per post (Stack Exchange).
    pub licence: Option<String>,
    /// Who accepted it, where the forum says.
    pub accepted_by: Option<AcceptedBy>,
}

/// A question with its accepted answer(s), ready to become an answer page.
#[derive(Debug, Clone)]
pub struct Answer {
    /// `source-name:question-id`, as used by `answers:` in front matter.
    pub id: String,
    pub source: String,
    /// Which importer read it (for the attribution line).
    pub kind: ForumKind,
    /// The question's id within its forum.
    pub question_id: String,
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    /// Wiki section path the answer lands in.
    pub section: String,
    pub question_html: String,
    pub question_author: Option<Author>,
    pub question_score: i64,
    /// The first accepted answer's HTML (same as `accepted[0].html`).
    pub answer_html: String,
    /// The first accepted answer's author (same as `accepted[0].author`).
    pub author: Author,
    /// The first accepted answer's score (same as `accepted[0].score`).
    pub score: i64,
    pub asked: Option<DateTime<Utc>>,
    /// The first accepted answer's date (same as `accepted[0].date`).
    pub answered: Option<DateTime<Utc>>,
    /// Every accepted answer that passed `min_score`, in thread order; never
    /// empty.
    pub accepted: Vec<Reply>,
    pub thread_url: Option<String>,
    /// The licence line's licence: the config's `licence:`, else what the
    /// forum states for the question (Stack Exchange).
    pub licence: Option<String>,
    /// Plain text of question and answer, for search.
    pub text: String,
    /// When a writer checked the answer (`reviewed:` in lorebook's format
    /// or in `answers.yaml`).
    pub reviewed: Option<chrono::NaiveDate>,
    /// A wiki page lists it in `answers:` (set when the site is assembled).
    pub folded: bool,
    /// The URL prefix of the language its section is in (`de/`; empty for
    /// the default language), set when the site is assembled.
    pub url_prefix: String,
}

impl Answer {
    /// Site-relative URL of the answer's page: `answers/<source>/<id>-<slug>/`
    /// (under its language's prefix: `de/answers/…`).
    pub fn url(&self) -> String {
        format!(
            "{}answers/{}/{}-{}/",
            self.url_prefix,
            crate::urls::path_slug(&self.source),
            crate::urls::path_slug(&self.question_id),
            self.slug
        )
    }
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub source: String,
    pub title: String,
    pub tags: Vec<String>,
    pub score: i64,
    pub url: Option<String>,
    pub asked: Option<DateTime<Utc>>,
}

/// What an importer produces for one question, before the common rules.
#[derive(Debug, Clone)]
pub(crate) struct Thread {
    pub id: String,
    pub title: String,
    pub tags: Vec<String>,
    pub score: i64,
    pub url: Option<String>,
    pub asked: Option<DateTime<Utc>>,
    pub question_html: String,
    pub question_author: Option<Author>,
    /// Accepted answers only; empty when the question has none.
    pub accepted: Vec<Reply>,
    pub licence: Option<String>,
    /// `reviewed:` (lorebook's own format).
    pub reviewed: Option<chrono::NaiveDate>,
    /// File the thread came from, for duplicate-id diagnostics.
    pub file: std::sync::Arc<Path>,
}
