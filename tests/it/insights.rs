//! Insights (issue 9): a fixture site scripted as a git repository with
//! dated commits and a forum export holding unanswered questions; the
//! /insights/ page, the "may be outdated" note, the answers feed and the
//! `lorebook insights` report.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{lorebook, read, tree};

const CONFIG: &str = "title: Insight Fixture
base_url: https://kb.example/
forum:
  - type: lorebook
    name: forum
    path: forum/questions.yaml
    url: https://forum.example
    licence: CC BY 4.0
    sections: { sync: guide }
";

/// Answered and unanswered questions. Scores and dates are chosen so every
/// ordering below is decided by one rule.
const FORUM: &str = r#"questions:
  - id: 1
    title: Sync never finishes
    tags: [sync]
    score: 3
    asked: 2026-04-01T10:00:00Z
    answers:
      - accepted: true
        score: 12
        date: 2026-04-02T10:00:00Z
        author: { username: ana, name: Ana Lima }
        body: Restart the agent.
  - id: 2
    title: How do I export my data?
    tags: [export]
    score: 1
    asked: 2026-03-01T10:00:00Z
    answers:
      - accepted: true
        score: 7
        date: 2026-05-10T09:30:00Z
        author: { username: bo, name: Bo Chen }
        body: Use the export button.
  - id: 3
    title: Low-score tip
    tags: [misc]
    score: 0
    asked: 2026-01-01T10:00:00Z
    answers:
      - accepted: true
        score: 2
        date: 2026-01-02T10:00:00Z
        author: { username: bo, name: Bo Chen }
        body: A tip.
  - id: 10
    title: Does sync work over a VPN?
    tags: [sync, network]
    score: 8
    asked: 2026-05-01T10:00:00Z
    answers:
      - accepted: false
        score: 1
        body: Maybe.
  - id: 11
    title: "<script>alert(1)</script> proxy settings"
    url: "javascript:alert(1)"
    tags: [network]
    score: 2
    asked: 2026-05-02T10:00:00Z
  - id: 12
    title: Selective sync for subfolders
    tags: [Sync]
    score: 5
    asked: 2026-05-03T10:00:00Z
  - id: 13
    title: Dark mode?
    score: 4
    asked: 2026-05-04T10:00:00Z
"#;

/// A site in a fresh git repository, with commits dated as given.
struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
}

impl Fixture {
    fn new(extra_config: &str) -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("site");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::create_dir_all(&home).expect("mkdir");
        let f = Fixture {
            _tmp: tmp,
            root,
            home,
        };
        f.write("lorebook.yaml", &format!("{CONFIG}{extra_config}"));
        f.write("forum/questions.yaml", FORUM);
        // Bo's git identity and forum account are one person.
        f.write(
            "contributors.yaml",
            "people:\n  - name: Bo Chen\n    git: [\"bo@private.example\"]\n    forum: { forum: bo }\n",
        );
        f.git(&["init", "-q", "-b", "main"], None);
        // Old pages, written in January 2025.
        f.write("content/guide/_index.md", "---\ntitle: Guide\n---\n");
        f.write("content/guide/old.md", "---\ntitle: Old page\n---\nText.\n");
        f.write(
            "content/guide/reviewed.md",
            "---\ntitle: Reviewed page\nreviewed: 2026-04-01\nanswers: [\"forum:2\"]\n---\nText.\n",
        );
        f.write("content/faq.md", "---\ntitle: FAQ\n---\nText.\n");
        f.commit(
            "Ana Lima",
            "ana@private.example",
            "2025-01-10",
            "first pages",
        );
        // A fresh page in May 2026: the newest commit, so the as-of date.
        f.write(
            "content/guide/fresh.md",
            "---\ntitle: Fresh page\n---\nNew.\n",
        );
        f.write("content/faq.md", "---\ntitle: FAQ\n---\nText.\n\nMore.\n");
        f.commit("Bo Chen", "bo@private.example", "2026-05-20", "fresh page");
        f
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn git(&self, args: &[&str], who: Option<(&str, &str, &str)>) {
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.root)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", &self.home);
        if let Some((name, email, day)) = who {
            let date = format!("{day}T12:00:00Z");
            cmd.env("GIT_AUTHOR_DATE", &date)
                .env("GIT_COMMITTER_DATE", &date)
                .args(["-c", &format!("user.name={name}")])
                .args(["-c", &format!("user.email={email}")]);
        }
        let out = cmd.args(args).output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn commit(&self, name: &str, email: &str, day: &str, message: &str) {
        self.git(&["add", "-A"], None);
        self.git(&["commit", "-q", "-m", message], Some((name, email, day)));
    }

    fn build(&self, out: &str) -> PathBuf {
        let dest = self.root.join(out);
        lorebook()
            .args(["build", "--root"])
            .arg(&self.root)
            .arg("--output")
            .arg(&dest)
            .assert()
            .success();
        dest
    }

    fn report(&self, format: &str, env: &[(&str, &str)]) -> String {
        let mut cmd = lorebook();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["insights", "--format", format, "--root"])
            .arg(&self.root)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }
}

/// Position of `needle` in `hay`, failing the test when absent.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("missing {needle:?} in\n{hay}"))
}

#[test]
fn insights_page_shows_counts_stale_pages_gaps_and_candidates_in_order() {
    let f = Fixture::new("");
    let out = f.build("public");
    let html = read(&out.join("insights/index.html"));
    let main = crate::common::main_of(&html);

    // As of the newest commit, never the wall clock.
    assert!(main.contains("as of <time datetime=\"2026-05-20\">"));
    assert!(main.contains("<strong>4</strong> wiki pages"));
    assert!(main.contains("<strong>3</strong> community answers"));
    assert!(main.contains("<strong>4</strong> unanswered questions"));

    // Sections: guide has 3 pages and the two answers tagged `sync`/`export`
    // that map to it or to the default section.
    assert!(
        main.contains("<th scope=\"row\"><a href=\"../guide/\">Guide</a></th><td>3</td><td>1</td>")
    );

    // Old page (January 2025) is stale; the reviewed and the fresh ones are not.
    let stale = &main[at(main, "id=\"stale\"")..at(main, "id=\"contributors\"")];
    assert!(stale.contains("Old page"));
    assert!(!stale.contains("FAQ"), "FAQ was edited in May 2026");
    assert!(!stale.contains("Reviewed page"));
    assert!(!stale.contains("Fresh page"));

    // Gaps: `network` and `sync` (`Sync` too: case-insensitive) have two
    // questions each and share their top one (the VPN question, in both), so
    // they sort by name; the untagged group (one question) comes last.
    // Highest score first in each.
    let gaps = &main[at(main, "id=\"gaps\"")..at(main, "id=\"candidates\"")];
    let sync = at(gaps, "<span class=\"tag\">sync</span>");
    let network = at(gaps, "<span class=\"tag\">network</span>");
    let untagged = at(gaps, "No tag");
    assert!(network < sync && sync < untagged, "{gaps}");
    let vpn = at(gaps, "Does sync work over a VPN?");
    let selective = at(gaps, "Selective sync for subfolders");
    assert!(vpn < selective);
    // Forum text is escaped; unsafe links are dropped.
    assert!(gaps.contains("&lt;script&gt;alert(1)&lt;/script&gt; proxy settings"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("javascript:"));

    // Candidates: forum:1 (score 12) only; forum:2 is promoted, forum:3 scores 2.
    let cands = &main[at(main, "id=\"candidates\"")..at(main, "id=\"trends\"")];
    assert!(cands.contains("Sync never finishes"));
    assert!(!cands.contains("How do I export my data?"));
    assert!(!cands.contains("Low-score tip"));

    // Charts: inline SVG, accessible, with a table fallback; no script.
    assert_eq!(main.matches("<svg class=\"chart\" role=\"img\"").count(), 3);
    assert!(main.contains("<title id=\"chart-answers-title\">"));
    assert!(main.contains("<summary>Show as a table</summary>"));

    // Every page links to the insights page; the feed is advertised.
    let page = read(&out.join("guide/old/index.html"));
    assert!(page.contains("<a href=\"../../insights/\">Insights</a>"));
    assert!(page.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Insight Fixture: community answers\" href=\"../../answers.xml\">"
    ));
    assert!(main.contains("href=\"../answers.xml\""));
    assert!(crate::common::broken_links(&out).is_empty());
}

#[test]
fn stale_pages_show_the_outdated_note_and_fresh_or_reviewed_ones_do_not() {
    let f = Fixture::new("");
    let out = f.build("public");
    let note = "This page may be outdated";
    let old = read(&out.join("guide/old/index.html"));
    assert!(old.contains(note));
    assert!(old.contains("last updated <time datetime=\"2025-01-10\">2025-01-10</time>"));
    for page in ["guide/reviewed", "guide/fresh", "faq"] {
        let html = read(&out.join(page).join("index.html"));
        assert!(!html.contains(note), "{page} is not stale");
    }
}

#[test]
fn the_outdated_note_can_be_turned_off() {
    let f = Fixture::new("insights: { show_outdated_note: false }\n");
    let out = f.build("public");
    assert!(!read(&out.join("guide/old/index.html")).contains("may be outdated"));
    // The insights page still lists the stale page.
    let html = read(&out.join("insights/index.html"));
    let stale = &html[at(&html, "id=\"stale\"")..at(&html, "id=\"contributors\"")];
    assert!(stale.contains("Old page"));
}

#[test]
fn a_longer_threshold_makes_old_pages_fresh() {
    let f = Fixture::new("insights: { stale_months: 24 }\n");
    let out = f.build("public");
    assert!(!read(&out.join("guide/old/index.html")).contains("may be outdated"));
}

#[test]
fn answers_feed_lists_dated_answers_newest_first() {
    let f = Fixture::new("");
    let out = f.build("public");
    let feed = read(&out.join("answers.xml"));
    let titles: Vec<&str> = feed
        .split("<entry>")
        .skip(1)
        .filter_map(|e| e.split("<title>").nth(1)?.split("</title>").next())
        .collect();
    assert_eq!(
        titles,
        [
            "How do I export my data?",
            "Sync never finishes",
            "Low-score tip"
        ]
    );
    assert!(feed.contains("<updated>2026-05-10T09:30:00Z</updated>"));
    assert!(feed.contains("<author><name>Bo Chen</name></author>"));
    assert!(feed.contains("<link rel=\"self\" href=\"https://kb.example/answers.xml\"/>"));
    assert!(feed
        .contains("<link href=\"https://kb.example/answers/forum/2-how-do-i-export-my-data/\"/>"));
    // Unanswered questions are not in the feed.
    assert!(!feed.contains("VPN"));
}

#[test]
fn insights_cli_prints_the_same_figures_as_text_and_json() {
    let f = Fixture::new("");
    let text = f.report("text", &[]);
    assert!(text.starts_with("Insights as of 2026-05-20\n"), "{text}");
    assert!(text.contains("4 pages, 3 community answers, 4 unanswered questions"));
    assert!(text.contains("content/guide/old.md  updated 2025-01-10, reviewed -"));
    assert!(at(&text, "  network (2)") < at(&text, "  sync (2)"));

    let json: serde_json::Value = serde_json::from_str(&f.report("json", &[])).expect("json");
    assert_eq!(json["as_of"], "2026-05-20");
    assert_eq!(json["stale_months"], 12);
    assert_eq!(json["totals"]["pages"], 4);
    assert_eq!(json["totals"]["unanswered"], 4);
    assert_eq!(json["totals"]["stale_pages"], 1);
    let stale: Vec<&str> = json["stale_pages"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|p| p["source"].as_str())
        .collect();
    assert_eq!(stale, ["guide/old.md"]);
    let gaps: Vec<(&str, u64)> = json["gaps"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|g| Some((g["tag"].as_str()?, g["count"].as_u64()?)))
        .collect();
    assert_eq!(gaps, [("network", 2), ("sync", 2), ("", 1)]);
    let sync_ids: Vec<&str> = json["gaps"][1]["questions"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|q| q["id"].as_str())
        .collect();
    assert_eq!(sync_ids, ["forum:10", "forum:12"]);
    let candidates: Vec<&str> = json["candidates"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(candidates, ["forum:1"]);
    // Bo committed on 2026-05-20 (fresh.md and faq.md) and answered on
    // 2026-05-10: 1 commit + 2 pages x 2 + 1 answer x 5 = 10 points. Ana's
    // commit is from 2025; her answer (2026-04-02) is 48 days old: 5 points.
    let recent: Vec<(&str, u64)> = json["top_recent"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?, p["points"].as_u64()?)))
        .collect();
    assert_eq!(recent, [("Bo Chen", 10), ("Ana Lima", 5)]);
    let may = json["trends"]
        .as_array()
        .expect("array")
        .iter()
        .find(|m| m["month"] == "2026-05")
        .expect("May");
    assert_eq!(may["answers"], 1);
    assert_eq!(may["pages_updated"], 2);
    assert_eq!(may["active_contributors"], 1);
    // Display names only: no email anywhere.
    assert!(!text.contains("private.example"));
    assert!(!json.to_string().contains('@'));
}

#[test]
fn source_date_epoch_sets_the_as_of_date() {
    let f = Fixture::new("");
    // 2027-06-01T00:00:00Z: the threshold moves to 2026-06-01, so every page
    // is stale, the reviewed one (2026-04-01) and the May 2026 ones too.
    let json: serde_json::Value =
        serde_json::from_str(&f.report("json", &[("SOURCE_DATE_EPOCH", "1811808000")]))
            .expect("json");
    assert_eq!(json["as_of"], "2027-06-01");
    let mut stale: Vec<&str> = json["stale_pages"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|p| p["source"].as_str())
        .collect();
    stale.sort_unstable();
    assert_eq!(
        stale,
        [
            "faq.md",
            "guide/fresh.md",
            "guide/old.md",
            "guide/reviewed.md"
        ]
    );
    assert!(json["top_recent"].as_array().expect("array").is_empty());
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let f = Fixture::new("");
    let a = tree(&f.build("out-a"));
    let b = tree(&f.build("out-b"));
    assert!(a.contains_key("insights/index.html") && a.contains_key("answers.xml"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b.get(path) == Some(bytes), "{path} differs between builds");
    }
}

/// The example site's own exports hold unanswered questions, and its
/// /insights/ page shows its figures (dated from the repository's history
/// when it is a git checkout, else from its content and forum dates).
#[test]
fn example_site_insights_show_its_pages_answers_and_unanswered_questions() {
    let root = crate::common::manifest_dir().join("example-site");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("public");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let html = read(&out.join("insights/index.html"));
    let pages = walk_pages(&root.join("content"));
    assert!(html.contains(&format!("<strong>{pages}</strong> wiki pages")));
    // Counted by hand in example-site/forum/: Stack Exchange 140 and 150,
    // GitHub 262, Discourse 1490, office hours oh-2026-03-2.
    assert!(
        html.contains("<strong>5</strong> unanswered questions"),
        "{html}"
    );
    for title in [
        "Webhooks for shared folder changes?",
        "Windows on ARM support",
        "Feature request: sync over LAN only",
    ] {
        assert!(html.contains(title), "{title}");
    }
    assert!(html.contains("as of <time datetime=\"20"));
    assert!(out.join("answers.xml").is_file());
}

/// Published pages of a content tree: Markdown files other than `_index.md`
/// that are not drafts.
fn walk_pages(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with(".md")
                && name != "_index.md"
                && !std::fs::read_to_string(e.path())
                    .unwrap_or_default()
                    .contains("\ndraft: true")
        })
        .count()
}
