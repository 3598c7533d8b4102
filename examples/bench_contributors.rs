//! Times authorship extraction on a content directory (used by
//! `scripts/bench-contributors.sh`): `bench_contributors CONTENT_DIR [RUNS]`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lorebook::config::ContributorsSettings;
use lorebook::contributors;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: bench_contributors CONTENT_DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let settings = ContributorsSettings {
        exclude: globset::GlobSet::empty(),
        exclude_patterns: Vec::new(),
        file: PathBuf::from("contributors.yaml"),
        gravatar: false,
    };
    let mut best_git = f64::MAX;
    let mut best_total = f64::MAX;
    let mut summary = String::new();
    for _ in 0..runs {
        let start = Instant::now();
        let (history, diags) =
            contributors::read_history(Path::new(&dir), Path::new("content"), &settings.exclude);
        let git = start.elapsed().as_secs_f64();
        let credit = contributors::build(&history, &[], &[], &settings);
        let total = start.elapsed().as_secs_f64();
        best_git = best_git.min(git);
        best_total = best_total.min(total);
        for d in &diags {
            eprintln!("{d}");
        }
        summary = format!(
            "{} files with history, {} identities, {} people",
            history.files.len(),
            history.identities.len(),
            credit.people.len()
        );
    }
    println!("{summary}");
    println!("git log + parse + fold: {best_git:.3} s (best of {runs})");
    println!("authorship extraction total (with merging into people): {best_total:.3} s");
}
