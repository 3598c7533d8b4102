//! Times authorship extraction on a content directory (used by
//! `scripts/bench-contributors.sh`): `bench_contributors CONTENT_DIR [RUNS]`.
//! Prints the median of RUNS runs of each stage: the log read by one `git log`
//! process (for comparison), the log read in parallel slices as builds do,
//! the fold into per-file histories, merging into people, and the whole of
//! `read_history` + merging, which is what a build spends on authorship.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lorebook::config::ContributorsSettings;
use lorebook::contributors::{self, git};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: bench_contributors CONTENT_DIR [RUNS]");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let settings = ContributorsSettings {
        exclude: globset::GlobSet::empty(),
        exclude_patterns: Vec::new(),
        file: PathBuf::from("contributors.yaml"),
        gravatar: false,
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let skip = |id: &git::Identity| git::is_bot(id, &settings.exclude);
    let (mut single, mut sliced, mut folds, mut merges, mut totals) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut summary = String::new();
    for _ in 0..runs {
        let (one, t) = time(|| git::read_commits(&dir, 1, &[]));
        single.push(t);
        let (many, t) = time(|| git::read_commits(&dir, cores, &[]));
        sliced.push(t);
        if one != many {
            eprintln!("error: the sliced read differs from the single read");
            std::process::exit(1);
        }
        let commits = many.unwrap_or_default();
        let (_, t) = time(|| git::fold(&commits, &skip));
        folds.push(t);

        let ((history, diags), t_read) = time(|| {
            contributors::read_history(Path::new(&dir), Path::new("content"), &settings.exclude)
        });
        let (credit, t_people) = time(|| contributors::build(&history, &[], &[], &settings));
        merges.push(t_people);
        totals.push(t_read + t_people);
        for d in &diags {
            eprintln!("{d}");
        }
        summary = format!(
            "{} commits, {} files with history, {} identities, {} people",
            commits.len(),
            history.files.len(),
            history.identities.len(),
            credit.people.len()
        );
    }
    println!("{summary}");
    println!("median of {runs} runs, {cores} cores:");
    println!(
        "  git log, one process + parse:       {:.3} s",
        median(single)
    );
    println!(
        "  git log, sliced over {cores} + parse:     {:.3} s",
        median(sliced)
    );
    println!(
        "  fold into file histories:           {:.3} s",
        median(folds)
    );
    println!(
        "  merge into people:                  {:.3} s",
        median(merges)
    );
    println!("authorship extraction total: {:.3} s", median(totals));
}
