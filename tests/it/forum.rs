//! Forum import end to end through `lorebook::forum::load`: the example
//! site's exports in all four formats, and what must hold across sources.

use std::collections::BTreeMap;
use std::path::Path;

use lorebook::config::{ForumKind, ForumSource};
use lorebook::forum::{load, Answer};

fn source(kind: ForumKind, name: &str, path: &str, url: &str) -> ForumSource {
    ForumSource {
        kind,
        name: name.to_string(),
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
        url: Some(url.to_string()),
        licence: Some("CC BY-SA 4.0".to_string()),
        min_score: 0,
        sections: BTreeMap::from([
            ("sync".to_string(), "sync".to_string()),
            ("api".to_string(), "api".to_string()),
            ("account".to_string(), "account".to_string()),
        ]),
        default_section: "troubleshooting".to_string(),
        progress: false,
    }
}

fn example_sources() -> Vec<ForumSource> {
    vec![
        source(
            ForumKind::Discourse,
            "community",
            "example-site/forum/discourse",
            "https://community.acmerelay.example",
        ),
        source(
            ForumKind::Stackexchange,
            "stackexchange",
            "example-site/forum/stackexchange",
            "https://acmerelay.stackexchange.example",
        ),
        source(
            ForumKind::GithubDiscussions,
            "github",
            "example-site/forum/github-discussions",
            "https://github.com/acme-relay/relay-cli",
        ),
        source(
            ForumKind::Lorebook,
            "office-hours",
            "example-site/forum/lorebook",
            "https://acmerelay.example",
        ),
    ]
}

fn ids(answers: &[Answer]) -> Vec<&str> {
    answers.iter().map(|a| a.id.as_str()).collect()
}

#[test]
fn example_site_exports_load_in_all_four_formats() {
    let (data, diags) = load(&example_sources());
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(
        ids(&data.answers),
        [
            "community:1204",
            "community:1311",
            "community:1350",
            "community:1402",
            "community:1458",
            "stackexchange:101",
            "stackexchange:111",
            "stackexchange:120",
            "stackexchange:130",
            "github:214",
            "github:230",
            "github:241",
            "github:255",
            "office-hours:oh-2026-01-1",
            "office-hours:oh-2026-02-1",
            "office-hours:oh-2026-02-2",
            "office-hours:oh-2026-03-1",
        ]
    );
    let unanswered: Vec<_> = data.unanswered.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        unanswered,
        [
            "community:1490",
            "stackexchange:140",
            "stackexchange:150",
            "github:262",
            "office-hours:oh-2026-03-2"
        ]
    );
}

#[test]
fn multi_solution_topic_keeps_both_answers() {
    let (data, _) = load(&example_sources());
    let topic = data
        .answers
        .iter()
        .find(|a| a.id == "community:1311")
        .unwrap();
    let authors: Vec<_> = topic
        .accepted
        .iter()
        .map(|r| r.author.display_name.as_str())
        .collect();
    assert_eq!(authors, ["Tomás Rivera", "Inês Duarte"]);
    assert_eq!(topic.author.display_name, "Tomás Rivera");
    assert_eq!(topic.section, "sync");
    assert_eq!(
        topic.thread_url.as_deref(),
        Some("https://community.acmerelay.example/t/selective-sync-exclude-node-modules-everywhere/1311")
    );
}

#[test]
fn unmapped_tags_land_in_default_section() {
    let (data, _) = load(&example_sources());
    let cli = data
        .answers
        .iter()
        .find(|a| a.id == "community:1402")
        .unwrap();
    assert_eq!(cli.tags, ["cli", "api-keys"]);
    assert_eq!(cli.section, "troubleshooting");
}

#[test]
fn no_script_or_handler_survives_in_any_imported_html() {
    let (data, _) = load(&example_sources());
    for a in &data.answers {
        for html in std::iter::once(&a.question_html).chain(a.accepted.iter().map(|r| &r.html)) {
            let lower = html.to_ascii_lowercase();
            for bad in ["<script", "onerror", "onclick", "javascript:", "style="] {
                assert!(!lower.contains(bad), "{} contains {bad}: {html}", a.id);
            }
        }
    }
    // The example export really does carry a script, so the check is live.
    let raw = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site/forum/discourse/1350.json"),
    )
    .unwrap();
    assert!(raw.contains("<script>"));
}

#[test]
fn same_question_id_in_two_sources_gives_two_answers() {
    let fixture = "tests/fixtures/forum/stackexchange/codesearch-ai_Posts.xml";
    let mut a = source(
        ForumKind::Stackexchange,
        "so",
        fixture,
        "https://stackoverflow.com",
    );
    a.licence = None;
    let mut b = a.clone();
    b.name = "so-mirror".into();
    b.url = Some("https://mirror.example".into());
    let (data, _) = load(&[a, b]);
    assert_eq!(ids(&data.answers), ["so:4", "so-mirror:4"]);
    assert_eq!(
        data.answers[1].thread_url.as_deref(),
        Some("https://mirror.example/questions/4")
    );
    assert_eq!(data.answers[0].licence.as_deref(), Some("CC BY-SA 4.0"));
}

#[test]
fn one_broken_source_does_not_hide_the_others() {
    let mut sources = example_sources();
    sources.insert(
        0,
        source(
            ForumKind::Discourse,
            "missing",
            "example-site/forum/nowhere",
            "https://x.example",
        ),
    );
    let (data, diags) = load(&sources);
    assert_eq!(data.answers.len(), 17);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].is_error());
    assert!(diags[0].path.ends_with("nowhere"));
}

#[test]
fn source_without_licence_warns() {
    let mut s = example_sources().remove(0);
    s.licence = None;
    let (_, diags) = load(&[s]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(!diags[0].is_error());
    assert!(diags[0].message.contains("licence"));
}

#[test]
fn stack_exchange_attribution_data_is_present() {
    let (data, _) = load(&example_sources());
    let q = data
        .answers
        .iter()
        .find(|a| a.id == "stackexchange:120")
        .unwrap();
    assert_eq!(
        q.thread_url.as_deref(),
        Some("https://acmerelay.stackexchange.example/questions/120")
    );
    let asker = q.question_author.as_ref().unwrap();
    assert_eq!(asker.display_name, "old_account_42");
    assert_eq!(asker.profile_url, None);
    assert_eq!(q.author.display_name, "Sofia Lindqvist");
    assert_eq!(
        q.author.profile_url.as_deref(),
        Some("https://acmerelay.stackexchange.example/users/11")
    );
    let community = data
        .answers
        .iter()
        .find(|a| a.id == "stackexchange:130")
        .unwrap();
    assert_eq!(community.author.display_name, "Community");
}
