//! The path from a failed search to the community (issue 20): where
//! "Didn't find it? Ask the community" leads (`support:`), what "Was this
//! page helpful?" does (`feedback:`), and the optional `analytics:` snippet.
//!
//! `support:` of lorebook.yaml, or else the first `forum:` source with a
//! `url` that has a new-question form, gives an ask URL *template* with a
//! `{title}` placeholder; the page foot fills it with the page title here,
//! the search box with the query in the browser (`site.js`).

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::forum::source::{ForumKind, ForumSource};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupport {
    /// The forum's address, or a URL template with `{title}` (`kind: url`).
    pub url: Option<String>,
    /// `discourse`, `github-discussions`, `stackexchange` or `url`.
    pub kind: Option<String>,
    /// Discourse category slug or GitHub Discussions category slug.
    pub category: Option<String>,
    /// The link's text (default "Ask the community").
    pub label: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFeedback {
    /// A URL that receives `navigator.sendBeacon` with the page and answer.
    pub beacon: Option<String>,
    /// What "No" links to: `support` (the ask link, prefilled with the page
    /// title) or a URL template with `{title}` (e.g. a new-issue form).
    pub no_link: Option<String>,
}

/// The resolved settings templates and `site.js` use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Support {
    /// The new-question URL with `{title}` where the title goes.
    pub ask: Option<String>,
    pub label: String,
    pub feedback_beacon: Option<String>,
    /// "No" leads here (with `{title}`), when set.
    pub feedback_no: Option<String>,
    /// HTML placed in every page's `<head>` (`analytics:`), as written.
    pub analytics: Option<String>,
}

const TITLE: &str = "{title}";

/// The new-question form of a forum at `url`: its `{title}` template.
pub fn ask_template(kind: ForumKind, url: &str, category: Option<&str>) -> Option<String> {
    let url = url.trim_end_matches('/');
    let cat = category.map(|c| percent_encode(c.trim()));
    Some(match kind {
        ForumKind::Discourse => match cat {
            Some(c) => format!("{url}/new-topic?title={TITLE}&category={c}"),
            None => format!("{url}/new-topic?title={TITLE}"),
        },
        ForumKind::GithubDiscussions => format!(
            "{url}/discussions/new?category={}&title={TITLE}",
            cat.as_deref().unwrap_or("q-a")
        ),
        ForumKind::Stackexchange => format!("{url}/questions/ask?title={TITLE}"),
        ForumKind::Lorebook => return None,
    })
}

/// The ask URL for `title` (percent-encoded into the template).
pub fn fill(template: &str, title: &str) -> String {
    template.replace(TITLE, &percent_encode(title))
}

fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn is_http(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// Resolve `support:`, `feedback:` and `analytics:`; problems are reported
/// at `line(key)` of lorebook.yaml.
pub fn resolve(
    support: Option<RawSupport>,
    feedback: Option<RawFeedback>,
    analytics: Option<String>,
    forum: &[ForumSource],
    shown: &std::path::Path,
    line: &dyn Fn(&str) -> usize,
) -> Result<Support, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let raw = support.unwrap_or_default();
    let kind = match raw.kind.as_deref() {
        None => None,
        Some("url") => Some(None),
        Some(k) => match k {
            "discourse" => Some(Some(ForumKind::Discourse)),
            "github-discussions" => Some(Some(ForumKind::GithubDiscussions)),
            "stackexchange" => Some(Some(ForumKind::Stackexchange)),
            other => {
                diags.push(
                    Diagnostic::error(shown, format!("support.kind: unknown kind `{other}`"))
                        .at(line("kind"), 1)
                        .with_hint("use discourse, github-discussions, stackexchange or url"),
                );
                None
            }
        },
    };
    let ask = match (raw.url.as_deref(), kind) {
        (Some(url), _) if !is_http(url) => {
            diags.push(
                Diagnostic::error(shown, format!("support.url: `{url}` is not an http(s) URL"))
                    .at(line("support"), 1),
            );
            None
        }
        // A plain URL (template): used as written.
        (Some(url), Some(None)) => Some(url.to_string()),
        (Some(url), Some(Some(k))) => ask_template(k, url, raw.category.as_deref()),
        // A URL without a kind: the kind of the forum source at that
        // address, else a plain URL.
        (Some(url), None) => {
            let same = forum.iter().find(|f| {
                f.url
                    .as_deref()
                    .is_some_and(|u| u.trim_end_matches('/') == url.trim_end_matches('/'))
            });
            match same {
                Some(f) => ask_template(f.kind, url, raw.category.as_deref()),
                None => Some(url.to_string()),
            }
        }
        (None, _) => forum
            .iter()
            .find_map(|f| ask_template(f.kind, f.url.as_deref()?, raw.category.as_deref())),
    };
    let feedback = feedback.unwrap_or_default();
    if let Some(b) = feedback.beacon.as_deref() {
        if !is_http(b) {
            diags.push(
                Diagnostic::error(
                    shown,
                    format!("feedback.beacon: `{b}` is not an http(s) URL"),
                )
                .at(line("beacon"), 1),
            );
        }
    }
    let feedback_no = match feedback.no_link.as_deref() {
        None => None,
        Some("support") => {
            if ask.is_none() {
                diags.push(
                    Diagnostic::error(
                        shown,
                        "feedback.no_link: `support` needs a `support:` URL or a `forum:` source with a `url`",
                    )
                    .at(line("no_link"), 1),
                );
            }
            ask.clone()
        }
        Some(u) if is_http(u) => Some(u.to_string()),
        Some(u) => {
            diags.push(
                Diagnostic::error(
                    shown,
                    format!("feedback.no_link: `{u}` is neither `support` nor an http(s) URL"),
                )
                .at(line("no_link"), 1),
            );
            None
        }
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Support {
        ask,
        label: raw
            .label
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| "Ask the community".into()),
        feedback_beacon: feedback.beacon,
        feedback_no,
        analytics: analytics.filter(|a| !a.trim().is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forum(kind: ForumKind, url: Option<&str>) -> ForumSource {
        ForumSource {
            kind,
            name: "f".into(),
            path: "/x".into(),
            url: url.map(str::to_string),
            licence: None,
            min_score: 0,
            sections: Default::default(),
            default_section: "community".into(),
            progress: false,
        }
    }

    fn res(
        s: Option<RawSupport>,
        f: Option<RawFeedback>,
        forum: &[ForumSource],
    ) -> Result<Support, Vec<Diagnostic>> {
        resolve(
            s,
            f,
            None,
            forum,
            std::path::Path::new("lorebook.yaml"),
            &|_| 3,
        )
    }

    #[test]
    fn each_forum_kind_opens_its_new_question_form_with_the_title() {
        let cases = [
            (
                ForumKind::Discourse,
                Some("help"),
                "https://f.example/new-topic?title=Sync%20%26%20proxy&category=help",
            ),
            (
                ForumKind::Discourse,
                None,
                "https://f.example/new-topic?title=Sync%20%26%20proxy",
            ),
            (
                ForumKind::GithubDiscussions,
                None,
                "https://f.example/discussions/new?category=q-a&title=Sync%20%26%20proxy",
            ),
            (
                ForumKind::Stackexchange,
                Some("ignored"),
                "https://f.example/questions/ask?title=Sync%20%26%20proxy",
            ),
        ];
        for (kind, cat, want) in cases {
            let t = ask_template(kind, "https://f.example/", cat).unwrap();
            assert_eq!(fill(&t, "Sync & proxy"), want, "{kind:?}");
        }
        assert_eq!(
            ask_template(ForumKind::Lorebook, "https://f.example", None),
            None
        );
    }

    #[test]
    fn the_first_forum_with_a_form_is_the_default_and_support_overrides_it() {
        let sources = [
            forum(ForumKind::Lorebook, Some("https://l.example")),
            forum(ForumKind::Discourse, None),
            forum(ForumKind::Stackexchange, Some("https://se.example")),
        ];
        let s = res(None, None, &sources).unwrap();
        assert_eq!(
            s.ask.as_deref(),
            Some("https://se.example/questions/ask?title={title}")
        );
        assert_eq!(s.label, "Ask the community");
        let s = res(
            Some(RawSupport {
                url: Some("https://issues.example/new?t={title}".into()),
                kind: Some("url".into()),
                category: None,
                label: Some("Open a ticket".into()),
            }),
            None,
            &sources,
        )
        .unwrap();
        assert_eq!(
            s.ask.as_deref(),
            Some("https://issues.example/new?t={title}")
        );
        assert_eq!(s.label, "Open a ticket");
        // A URL of a configured forum takes that forum's kind.
        let s = res(
            Some(RawSupport {
                url: Some("https://se.example/".into()),
                ..Default::default()
            }),
            None,
            &sources,
        )
        .unwrap();
        assert_eq!(
            s.ask.as_deref(),
            Some("https://se.example/questions/ask?title={title}")
        );
        // Nothing configured: no link.
        assert_eq!(res(None, None, &[]).unwrap().ask, None);
    }

    #[test]
    fn bad_settings_are_reported_on_their_line() {
        let err = res(
            Some(RawSupport {
                url: Some("ftp://x".into()),
                kind: Some("jira".into()),
                ..Default::default()
            }),
            Some(RawFeedback {
                beacon: Some("/relative".into()),
                no_link: Some("support".into()),
            }),
            &[],
        )
        .unwrap_err();
        let text: Vec<String> = err.iter().map(|d| d.message.clone()).collect();
        assert_eq!(err.len(), 4, "{text:?}");
        assert!(text.iter().any(|m| m.contains("unknown kind `jira`")));
        assert!(text
            .iter()
            .any(|m| m.contains("`ftp://x` is not an http(s) URL")));
        assert!(text.iter().any(|m| m.contains("feedback.beacon")));
        assert!(text
            .iter()
            .any(|m| m.contains("feedback.no_link: `support` needs")));
        assert!(err.iter().all(|d| d.line == 3));
    }

    #[test]
    fn feedback_no_can_reuse_the_ask_link_or_name_its_own() {
        let sources = [forum(ForumKind::Discourse, Some("https://d.example"))];
        let s = res(
            None,
            Some(RawFeedback {
                beacon: Some("https://stats.example/fb".into()),
                no_link: Some("support".into()),
            }),
            &sources,
        )
        .unwrap();
        assert_eq!(s.feedback_no, s.ask);
        assert_eq!(
            s.feedback_beacon.as_deref(),
            Some("https://stats.example/fb")
        );
        let s = res(
            None,
            Some(RawFeedback {
                beacon: None,
                no_link: Some("https://gh.example/o/r/issues/new?title={title}".into()),
            }),
            &sources,
        )
        .unwrap();
        assert_eq!(
            s.feedback_no.as_deref(),
            Some("https://gh.example/o/r/issues/new?title={title}")
        );
    }
}
