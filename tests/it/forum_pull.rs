//! `lorebook forum pull` end to end: the binary against one loopback server
//! playing Discourse, the Stack Exchange API and GitHub's GraphQL API with
//! the recorded response shapes in tests/fixtures/forum-api/, then a build
//! of the snapshot it wrote.

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::common::{lorebook, manifest_dir, read, tree};

#[path = "../support/loopback.rs"]
mod loopback;

use loopback::{Reply, Request, Server};

fn fixture(path: &str) -> Value {
    let text = read(&manifest_dir().join("tests/fixtures/forum-api").join(path));
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// What the three forums hold; tests edit it between pulls.
struct Forums {
    latest: Value,
    topic: Value,
    questions: Value,
    answers: Value,
    discussions: Value,
    discourse_broken: bool,
}

impl Forums {
    fn new() -> Forums {
        // Discourse: discourse_api's recorded topic list and topic, with
        // the solved plugin's fields added (the recordings predate it).
        let mut latest = fixture("discourse/latest.json");
        let topics = latest["topic_list"]["topics"].as_array_mut().unwrap();
        topics[0]["id"] = json!(57);
        topics[0]["pinned"] = json!(false);
        topics[0]["has_accepted_answer"] = json!(true);
        topics[0]["tags"] = json!(["sync"]);
        topics[1]["id"] = json!(58);
        topics[1]["has_accepted_answer"] = json!(false);
        topics.truncate(2);
        latest["topic_list"]
            .as_object_mut()
            .unwrap()
            .remove("more_topics_url");
        let mut topic = fixture("discourse/topic.json");
        topic["id"] = json!(57);
        topic["title"] = json!("This site is a sandbox, it is reset every day");
        topic["slug"] = json!("this-site-is-a-sandbox-it-is-reset-every-day");
        topic["accepted_answer"] = json!({"post_number": 14, "username": "splattne"});
        Forums {
            latest,
            topic,
            questions: fixture("stackexchange/questions-withbody.json"),
            answers: fixture("stackexchange/answers-withbody.json"),
            discussions: fixture("github/discussions-page.json"),
            discourse_broken: false,
        }
    }

    fn answer(&self, req: &Request) -> Reply {
        let path = req.path();
        match path {
            "/latest.json" if self.discourse_broken => Reply::json(
                404,
                r#"{"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}"#,
            ),
            "/latest.json" => Reply::json(200, &self.latest.to_string()),
            "/t/57.json" => Reply::json(200, &self.topic.to_string()),
            "/2.3/questions" => Reply::json(200, &self.questions.to_string()).gzip(),
            "/2.3/answers/7" => Reply::json(200, &self.answers.to_string()).gzip(),
            "/graphql" if req.header("Authorization") == Some("bearer gh-t0ken") => {
                Reply::json(200, &self.discussions.to_string())
                    .header("X-RateLimit-Remaining", "4990")
                    .header("X-RateLimit-Reset", "4102444800")
            }
            "/graphql" => Reply::json(401, r#"{"message": "Bad credentials"}"#),
            _ => Reply::json(404, "{}"),
        }
    }
}

fn site(server: &Server) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("content/_index.md"), "# Help\n").unwrap();
    let config = format!(
        r#"title: Pull test
base_url: https://help.example/
forum:
  - type: discourse
    name: community
    path: forum/community
    url: https://try.discourse.example
    licence: CC BY-NC-SA 3.0
    pull: {{api_url: "{d}", requests_per_second: 50, timeout_seconds: 5}}
  - type: stackexchange
    name: so
    path: forum/so
    url: https://stackoverflow.com
    pull: {{api_url: "{d}/2.3", tags: ["c#"], requests_per_second: 50}}
  - type: github-discussions
    name: github
    path: forum/github
    url: https://github.com/Codertocat/Hello-World
    licence: CC BY 4.0
    pull: {{api_url: "{d}/graphql", requests_per_second: 50}}
"#,
        d = server.url("")
    );
    std::fs::write(root.join("lorebook.yaml"), config).unwrap();
    (tmp, root)
}

fn serve(forums: &Arc<Mutex<Forums>>) -> Server {
    let forums = forums.clone();
    Server::new(move |req| forums.lock().unwrap().answer(req))
}

fn pull(root: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    lorebook()
        .arg("forum")
        .arg("pull")
        .arg("--root")
        .arg(root)
        .args(args)
        .env("GITHUB_TOKEN", "gh-t0ken")
        .assert()
}

fn snapshot(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(&root.join("forum"))
}

#[test]
fn forum_pull_fills_an_empty_forum_folder_from_all_three_apis_and_the_build_reads_it() {
    let forums = Arc::new(Mutex::new(Forums::new()));
    let server = serve(&forums);
    let (_tmp, root) = site(&server);
    let out = pull(&root, &[]).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for line in [
        "community (full): 1 new, 0 updated, 0 removed accepted answers; 1 answered and 1 unanswered",
        "so (full): 1 new, 0 updated, 0 removed accepted answers; 1 answered and 0 unanswered",
        "github (full): 1 new, 0 updated, 0 removed accepted answers; 1 answered and 0 unanswered",
    ] {
        assert!(stdout.contains(line), "{line}\n in {stdout}");
    }
    let files: Vec<String> = snapshot(&root).into_keys().collect();
    assert_eq!(
        files,
        [
            "community/.lorebook-pull.yaml",
            "community/57.yaml",
            "community/unanswered.yaml",
            "github/.lorebook-pull.yaml",
            "github/4.yaml",
            "github/unanswered.yaml",
            "so/.lorebook-pull.yaml",
            "so/4.yaml",
            "so/unanswered.yaml",
        ]
    );
    let topic = read(&root.join("forum/community/57.yaml"));
    assert!(
        topic.contains("title: This site is a sandbox, it is reset every day"),
        "{topic}"
    );
    assert!(topic.contains("url: https://try.discourse.example/t/this-site-is-a-sandbox-it-is-reset-every-day/57/14"), "{topic}");
    assert!(topic.contains("username: splattne"), "{topic}");
    let so = read(&root.join("forum/so/4.yaml"));
    assert!(
        so.contains("title: When setting a form's opacity should I use a decimal or double?"),
        "{so}"
    );
    assert!(so.contains("licence: CC BY-SA 2.5"), "{so}");

    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let public = root.join("public");
    for page in [
        "answers/community/57-this-site-is-a-sandbox-it-is-reset-every-day/index.html",
        "answers/so/4-when-setting-a-form-s-opacity-should-i-use-a-decimal-or-double/index.html",
        "answers/github/4-test-edit/index.html",
    ] {
        assert!(
            public.join(page).is_file(),
            "{page} in {:?}",
            tree(&public)
                .keys()
                .filter(|k| k.starts_with("answers"))
                .collect::<Vec<_>>()
        );
    }
    let so_page = read(&public.join(
        "answers/so/4-when-setting-a-form-s-opacity-should-i-use-a-decimal-or-double/index.html",
    ));
    assert!(
        so_page.contains("An explicit cast to double"),
        "the answer's body is on its page"
    );
}

#[test]
fn an_incremental_pull_changes_only_what_changed_upstream() {
    let forums = Arc::new(Mutex::new(Forums::new()));
    let server = serve(&forums);
    let (_tmp, root) = site(&server);
    pull(&root, &[]).success();
    let before = snapshot(&root);
    // Nothing changed: nothing is rewritten.
    pull(&root, &[]).success();
    assert_eq!(snapshot(&root), before);
    // The question on Stack Exchange is edited.
    {
        let mut f = forums.lock().unwrap();
        let q = &mut f.questions["items"][0];
        q["last_activity_date"] = json!(q["last_activity_date"].as_i64().unwrap() + 3600);
        q["body"] = json!(q["body"].as_str().unwrap().replace("track-bar", "trackbar"));
    }
    server.reset_count();
    let out = pull(&root, &[]).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("so: 0 new, 1 updated, 0 removed"),
        "{stdout}"
    );
    let after = snapshot(&root);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(changed, ["so/.lorebook-pull.yaml", "so/4.yaml"]);
    let listing = server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/2.3/questions")
        .unwrap();
    assert_eq!(
        listing.query("min").as_deref(),
        Some("1455164254"),
        "asks from the cursor"
    );
    assert_eq!(listing.query("sort").as_deref(), Some("activity"));
}

#[test]
fn a_failing_source_is_reported_with_its_url_and_leaves_its_snapshot_while_the_others_are_pulled() {
    let forums = Arc::new(Mutex::new(Forums::new()));
    let server = serve(&forums);
    let (_tmp, root) = site(&server);
    pull(&root, &["--source", "community"]).success();
    let before = read(&root.join("forum/community/57.yaml"));
    forums.lock().unwrap().discourse_broken = true;
    let out = pull(&root, &["--full"]).code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let url = server.url("/latest.json?page=0");
    assert!(
        stderr.contains(&format!(
            "error: forum source `community`: {url}: HTTP 404 Not Found"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: check the source's `url:`"),
        "{stderr}"
    );
    assert!(
        stdout.contains("so (full):") && stdout.contains("github (full):"),
        "{stdout}"
    );
    assert_eq!(read(&root.join("forum/community/57.yaml")), before);
}

#[test]
fn a_build_before_the_first_pull_says_to_pull() {
    let forums = Arc::new(Mutex::new(Forums::new()));
    let server = serve(&forums);
    let (_tmp, root) = site(&server);
    let out = lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("hint: run `lorebook forum pull --source community` to fetch it"),
        "{stderr}"
    );
    assert_eq!(server.count(), 0, "a build never touches the network");
}

#[test]
fn dry_run_and_source_selection() {
    let forums = Arc::new(Mutex::new(Forums::new()));
    let server = serve(&forums);
    let (_tmp, root) = site(&server);
    let out = pull(&root, &["--dry-run", "--source", "so"]).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.starts_with("so (full, dry run: nothing written): 1 new"),
        "{stdout}"
    );
    assert!(!root.join("forum").exists());
    let out = pull(&root, &["--source", "nope"]).code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("forum source `nope`: no forum source has this name"),
        "{stderr}"
    );
    assert!(
        stderr.contains("configured sources: community, so, github"),
        "{stderr}"
    );
}

#[test]
fn a_github_source_without_a_token_says_which_variable_to_set() {
    let forums = Arc::new(Mutex::new(Forums::new()));
    let server = serve(&forums);
    let (_tmp, root) = site(&server);
    let out = lorebook()
        .args(["forum", "pull", "--source", "github", "--root"])
        .arg(&root)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("`GITHUB_TOKEN` is not set"), "{stderr}");
    assert_eq!(server.count(), 0, "no request without a token");
}
