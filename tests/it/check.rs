//! `lorebook check`: internal links and anchors, and the opt-in external check.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use predicates::prelude::*;

use crate::common::{lorebook, site};

#[test]
fn link_to_an_existing_anchor_in_another_page_passes() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/links.md"),
        "# Links\n\nSee [details](b-second.md#details).\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success();
}

#[test]
fn link_to_a_missing_anchor_fails_with_position_and_hint() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/links.md"),
        "# Links\n\nIntro.\nSee [details](b-second.md#detials).\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/guide/links.md:4:5: error: `guide/b-second.md` has no heading with id `#detials`"))
        .stderr(predicate::str::contains("hint: did you mean `#details`?"));
}

#[test]
fn link_to_a_missing_page_fails_with_closest_page() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/links.md"),
        "# Links\n\n[second](b-secnd.md)\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/guide/links.md:3:1: error: link to a page that does not exist: `b-secnd.md`",
        ))
        .stderr(predicate::str::contains("did you mean `b-second.md`?"));
}

#[test]
fn missing_image_and_same_page_anchor_fail() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/links.md"),
        "# Links\n\n![shot](shot.png) and [top](#nowhere)\n\n## Here\n",
    )
    .unwrap();
    let out = lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("content/guide/links.md:3:1: error: image not found: `shot.png`"),
        "{err}"
    );
    assert!(
        err.contains("no heading with id `#nowhere` on this page"),
        "{err}"
    );
}

#[test]
fn http_links_are_warnings_that_fail_only_with_deny_warnings() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/links.md"),
        "# Links\n\n[old](http://example.com/)\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: insecure link `http://example.com/`",
        ));
    lorebook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(&root)
        .assert()
        .code(1);
}

/// A loopback server: `/ok` answers 200, anything else 404. Counts requests.
fn serve(count: Arc<AtomicUsize>) -> (String, std::thread::JoinHandle<()>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", server.server_addr().to_ip().unwrap());
    let handle = std::thread::spawn(move || {
        // Bounded: stop after a quiet period.
        while let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(5)) {
            count.fetch_add(1, Ordering::SeqCst);
            let code = if req.url() == "/ok" { 200 } else { 404 };
            let _ = req.respond(tiny_http::Response::empty(code));
        }
    });
    (addr, handle)
}

#[test]
fn external_check_reports_broken_links_and_caches_good_ones() {
    let count = Arc::new(AtomicUsize::new(0));
    let (addr, handle) = serve(Arc::clone(&count));
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/ext.md"),
        format!("# External\n\n[fine]({addr}/ok)\n\n[gone]({addr}/gone)\n"),
    )
    .unwrap();
    // Without --external nothing is fetched.
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success();
    assert_eq!(count.load(Ordering::SeqCst), 0);

    lorebook()
        .args(["check", "--external", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "content/guide/ext.md:5:1: error: broken external link `{addr}/gone`: HTTP 404"
        )))
        .stderr(predicate::str::contains("/ok`").not());
    let first = count.load(Ordering::SeqCst);
    assert_eq!(first, 2, "one request per URL");
    // The good URL is cached: only the broken one is asked again.
    lorebook()
        .args(["check", "--external", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    assert_eq!(count.load(Ordering::SeqCst), first + 1);
    // `links.skip_prefixes` are never fetched (Zola's meaning).
    let config = std::fs::read_to_string(root.join("lorebook.yaml")).unwrap();
    std::fs::write(
        root.join("lorebook.yaml"),
        format!("{config}links:\n  skip_prefixes: ['{addr}/gone']\n"),
    )
    .unwrap();
    lorebook()
        .args(["check", "--external", "--root"])
        .arg(&root)
        .assert()
        .success();
    assert_eq!(count.load(Ordering::SeqCst), first + 1);
    drop(handle);
}

#[test]
fn alias_that_collides_with_a_page_is_an_error_on_its_line() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/c-unweighted.md"),
        "---\ntitle: Aardvark\naliases: [guide/b-second/]\n---\nx\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/guide/c-unweighted.md:3:1: error: alias `guide/b-second/` is the URL of an existing page",
        ));
}

/// Run git in `dir` with a fixed identity and no user or system config.
fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

fn stdout_of(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

fn stderr_of(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Issue 17: GitHub attaches annotations only to paths from the repository
/// root, so a site in a subfolder prints `docs/content/...`, from wherever
/// check runs inside the repository.
#[test]
fn github_annotations_name_paths_from_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    crate::common::copy_dir(
        &crate::common::manifest_dir().join("tests/fixtures/basic"),
        &repo.join("docs"),
    );
    std::fs::write(
        repo.join("docs/content/bad.md"),
        "---\ntitle: Bad\nwieght: 2\n---\n",
    )
    .unwrap();
    std::fs::create_dir_all(repo.join("tools")).unwrap();
    git(&repo, &["init", "-q"]);
    let want = "::error file=docs/content/bad.md,line=3,col=1::unknown key `wieght`";
    for (cwd, root) in [(repo.clone(), "docs"), (repo.join("tools"), "../docs")] {
        let out = stdout_of(
            lorebook()
                .current_dir(&cwd)
                .args(["check", "--format", "github", "--root", root])
                .assert()
                .code(1),
        );
        assert!(out.contains(want), "from {}: {out}", cwd.display());
    }
}

/// Outside git, paths are from the working directory.
#[test]
fn github_annotations_outside_git_name_paths_from_the_working_directory() {
    let (tmp, root) = site("basic");
    std::fs::write(root.join("content/bad.md"), "---\nwieght: 2\n---\n").unwrap();
    let out = stdout_of(
        lorebook()
            .current_dir(tmp.path())
            .args(["check", "--format", "github", "--root", "site"])
            .assert()
            .code(1),
    );
    assert!(
        out.contains("::error file=site/content/bad.md,line=2,col=1::unknown key `wieght`"),
        "{out}"
    );
}

/// Issue 17: a front matter typo used to drop the page, so every link to it
/// was "a page that does not exist" and the page's own problems went
/// unreported until the typo was fixed (and then the next typo appeared).
#[test]
fn a_page_with_front_matter_typos_still_loads_and_all_its_problems_are_reported() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/b-second.md"),
        "---\ntitle: Second\nweight: 2\ntag: extra\nwieght: 3\n---\n\n## Details\n\n\
         See [gone](gone.md), [first](a-first.md#nowhere) and ![shot](shot.png).\n",
    )
    .unwrap();
    let err = stderr_of(
        lorebook()
            .args(["check", "--root"])
            .arg(&root)
            .assert()
            .code(1),
    );
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            "content/guide/b-second.md:4:1: error: unknown key `tag`",
            "content/guide/b-second.md:5:1: error: unknown key `wieght`",
            "content/guide/b-second.md:10:5: error: link to a page that does not exist: `gone.md`",
            "content/guide/b-second.md:10:22: error: `guide/a-first.md` has no heading with id `#nowhere`",
            "content/guide/b-second.md:10:54: error: image not found: `shot.png`",
        ],
        "{err}"
    );
    assert!(err.contains("hint: did you mean `tags`?"), "{err}");
    assert!(err.contains("hint: did you mean `weight`?"), "{err}");
}

/// Issue 17: libyaml notices an unclosed `[` only lines later (here at 6:7).
#[test]
fn an_unclosed_bracket_is_reported_on_its_own_line_with_a_hint() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/guide/c-unweighted.md"),
        "---\ntitle: Third\ndescription: The third page\ntags: [sync, performance\n\nweight: 3\n---\nText.\n",
    )
    .unwrap();
    let err = stderr_of(
        lorebook()
            .args(["check", "--root"])
            .arg(&root)
            .assert()
            .code(1),
    );
    assert!(
        err.contains("content/guide/c-unweighted.md:4:7: error: unclosed `[`"),
        "{err}"
    );
    assert!(err.contains("hint: close it with `]`"), "{err}");
    assert!(!err.contains(":6:"), "{err}");
}
