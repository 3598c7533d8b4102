//! What `cargo install` and `cargo publish` get: the package holds every
//! file build.rs embeds, and the declared minimum Rust version is honest.

use std::process::Command;

use crate::common::manifest_dir;

fn cargo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .current_dir(manifest_dir())
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Files under `dir` (relative to the crate root), `/`-separated.
fn files_under(dir: &str) -> Vec<String> {
    let root = manifest_dir();
    walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn the_package_holds_the_theme_the_starter_and_everything_build_rs_embeds() {
    // --allow-dirty: the list is the same; a clean clone does not need it.
    let listed = cargo(&["package", "--list", "--allow-dirty", "--quiet"]);
    let listed: std::collections::BTreeSet<&str> = listed.lines().collect();
    let mut wanted = files_under("themes/default");
    let starter = files_under("src/starter");
    assert!(
        wanted.len() > 5 && starter.len() > 3,
        "{wanted:?} {starter:?}"
    );
    wanted.extend(starter);
    wanted.extend(["build.rs", "Cargo.lock", "README.md", "src/main.rs"].map(String::from));
    let missing: Vec<_> = wanted
        .iter()
        .filter(|f| !listed.contains(f.as_str()))
        .collect();
    assert!(missing.is_empty(), "not in the package: {missing:?}");
    // Test data and development scripts stay out of what users download.
    for f in &listed {
        assert!(
            !f.starts_with("tests/") && !f.starts_with("example-site/") && !f.starts_with("docs/"),
            "{f} should not be packaged"
        );
    }
}

/// Only one toolchain is installed where the suite runs, so the minimum
/// version is checked against what it depends on: Cargo.toml's
/// `rust-version` is at least every locked dependency's `rust-version`
/// (clippy's `incompatible_msrv` lint, on under `-D warnings`, checks our own
/// code against it).
#[test]
fn declared_rust_version_is_at_least_every_dependencys() {
    let meta = cargo(&["metadata", "--format-version", "1", "--locked"]);
    let meta: serde_json::Value = serde_json::from_str(&meta).expect("metadata JSON");
    let parse = |v: &str| -> Vec<u64> {
        let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().expect("number")).collect();
        parts.resize(3, 0);
        parts
    };
    let packages = meta["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "lorebook")
        .expect("lorebook itself");
    let declared = ours["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version");
    let too_new: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let theirs = p["rust_version"].as_str()?;
            (parse(theirs) > parse(declared)).then(|| {
                let (name, version) = (p["name"].as_str(), p["version"].as_str());
                format!(
                    "{} {} needs {theirs}",
                    name.unwrap_or("?"),
                    version.unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "Cargo.toml says rust-version {declared}, but: {too_new:?}"
    );
}
