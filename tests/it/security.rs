//! Security round two (issue 25): what reaches the terminal.

use std::path::Path;

use crate::common::{lorebook, site};

/// Issue 25 item 6: text from files (here a front matter key) that holds
/// terminal escape sequences is printed escaped, never raw.
#[test]
fn escape_sequences_in_diagnostics_reach_the_terminal_escaped() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/esc.md"),
        "---\ntitle: T\n\"\\e[2J\\e]0;pwned\\a\": 1\n---\nBody.\n",
    )
    .unwrap();
    let err = build_fails(&root);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("\\x1b[2J"), "{err}");
}

/// `lorebook build` fails with exit 1; its stderr.
fn build_fails(root: &Path) -> String {
    let out = lorebook()
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    String::from_utf8_lossy(&out).into_owned()
}
