//! Embeds the default theme (themes/default/**) and the `lorebook init`
//! starter (src/starter/**) into the binary, so `lorebook` works from any
//! directory without the source tree.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    embed("themes/default", "DEFAULT_THEME", "default_theme.rs");
    embed("src/starter", "STARTER", "starter.rs");
}

/// Write `$OUT_DIR/<dest>` defining `static <name>: &[(&str, &[u8])]` with
/// every file under `dir`, sorted by path.
fn embed(dir: &str, name: &str, dest: &str) {
    // Read when the script runs, not baked in when it was compiled: cargo
    // reuses a compiled build script for a checkout at another path sharing
    // the target directory, which then embedded the old path's files (or
    // none, once it was gone).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    assert!(
        !files.is_empty(),
        "nothing to embed under {}",
        root.display()
    );
    files.sort();
    let mut out = format!(
        "/// Files under `{dir}/`, relative to it.\npub static {name}: &[(&str, &[u8])] = &[\n"
    );
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={abs}");
        writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join(dest);
    std::fs::write(dest, out).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.push((rel, path.to_string_lossy().into_owned()));
        }
    }
}
