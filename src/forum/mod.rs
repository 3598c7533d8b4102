//! Forum import (stub: the forum stage fills this in).
//! Reads the configured exports and returns accepted answers as content,
//! already sanitized, plus unanswered questions for insights.

use crate::config::ForumSource;
use crate::diagnostics::Diagnostic;

#[derive(Debug, Clone, Default)]
pub struct ForumData {
    pub answers: Vec<Answer>,
    pub unanswered: Vec<Question>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    pub username: String,
    pub display_name: String,
    pub profile_url: Option<String>,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Answer {
    /// `source-name:question-id`, as used by `answers:` in front matter.
    pub id: String,
    pub source: String,
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    /// Wiki section path the answer lands in.
    pub section: String,
    pub question_html: String,
    pub question_author: Option<Author>,
    pub answer_html: String,
    pub author: Author,
    pub score: i64,
    pub asked: Option<chrono::DateTime<chrono::Utc>>,
    pub answered: Option<chrono::DateTime<chrono::Utc>>,
    pub thread_url: Option<String>,
    pub licence: Option<String>,
    /// Plain text of question and answer, for search.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub source: String,
    pub title: String,
    pub tags: Vec<String>,
    pub score: i64,
    pub url: Option<String>,
    pub asked: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn load(_sources: &[ForumSource]) -> (ForumData, Vec<Diagnostic>) {
    (ForumData::default(), Vec::new())
}
