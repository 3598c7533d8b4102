//! Sites, questions and answers for the insights tests (and the feeds').

use chrono::{DateTime, NaiveDate, Utc};

use crate::contributors::PageCredit;
use crate::forum::{Answer, Author, ForumData, Question, Reply};
use crate::site::Site;

pub(crate) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

pub(crate) fn time(s: &str) -> DateTime<Utc> {
    date(s).and_hms_opt(12, 0, 0).expect("time").and_utc()
}

pub(crate) fn site(config: &str, pages: &[(&str, &str)], forum: ForumData) -> Site {
    let pages: Vec<(&str, String)> = pages
        .iter()
        .map(|(path, front)| (*path, format!("---\n{front}---\n# {path}\n")))
        .collect();
    crate::site::test_site(config, &pages, forum)
}

pub(crate) fn credit(site: &mut Site, path: &str, updated: &str) {
    site.contributors.pages.insert(
        path.into(),
        PageCredit {
            authors: Vec::new(),
            commits: 1,
            created: time(updated),
            updated: time(updated),
        },
    );
}

pub(crate) fn question(id: &str, title: &str, tags: &[&str], score: i64) -> Question {
    Question {
        id: format!("f:{id}"),
        source: "f".into(),
        title: title.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        score,
        url: Some(format!("https://forum.example/t/{id}")),
        asked: Some(time("2026-01-01")),
    }
}

pub(crate) fn answer(id: &str, score: i64, user: &str, day: &str) -> Answer {
    let author = Author {
        username: user.into(),
        display_name: user.to_uppercase(),
        ..Author::default()
    };
    Answer {
        id: format!("f:{id}"),
        source: "f".into(),
        kind: crate::forum::source::ForumKind::Lorebook,
        question_id: id.into(),
        title: format!("Question {id}"),
        slug: format!("question-{id}"),
        tags: Vec::new(),
        section: "community".into(),
        question_html: String::new(),
        question_author: None,
        question_score: 0,
        answer_html: String::new(),
        author: author.clone(),
        score,
        asked: None,
        answered: Some(time(day)),
        accepted: vec![Reply {
            html: String::new(),
            author,
            score,
            date: Some(time(day)),
            accepted_at: None,
            url: None,
            licence: None,
            accepted_by: None,
        }],
        thread_url: None,
        licence: None,
        text: String::new(),
        reviewed: None,
        folded: false,
        url_prefix: String::new(),
    }
}
