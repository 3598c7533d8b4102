//! Times authorship extraction on a content directory (used by
//! `scripts/bench-contributors.sh`): `bench_contributors CONTENT_DIR [RUNS]`.
//! Prints the median of RUNS runs of what a build spends on authorship
//! (`read_history` + merging into people) in three states of the history
//! cache: cold (cache file deleted first: the in-process reader, and for
//! comparison `git log` with the same record format, read as consecutive
//! slices of the walk by one process per core and folded the same way, which
//! must give the same history), warm at HEAD, and warm after one new commit (made in CONTENT_DIR's
//! repository and removed again with `git reset --hard HEAD~1`, so run it on
//! a throwaway clone); then the fold and the merge alone. Checks that the
//! cached history equals the cold one and that the one-commit read diffed
//! exactly one commit. Then the stages of a warm read alone: parsing the
//! cached log, `.mailmap`, the fold, the merge into people.
//! Beside each wall time: the CPU time of this process (parsing, folding) and
//! of its git children, which a busy machine changes much less than wall time.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lorebook::config::ContributorsSettings;
use lorebook::contributors::{self, history, identity, read, record};

/// The allocator the `lorebook` binary uses (see `src/main.rs`), so the
/// figures are what a build spends.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

/// Seconds of CPU (user + system) used by this process and by its waited-for
/// children so far.
#[cfg(unix)]
fn cpu() -> (f64, f64) {
    fn secs(who: libc::c_int) -> f64 {
        // SAFETY: getrusage only writes into the zeroed struct we pass.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut u) } != 0 {
            return 0.0;
        }
        let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        tv(u.ru_utime) + tv(u.ru_stime)
    }
    (secs(libc::RUSAGE_SELF), secs(libc::RUSAGE_CHILDREN))
}

#[cfg(not(unix))]
fn cpu() -> (f64, f64) {
    (0.0, 0.0)
}

/// Wall, own CPU and children's CPU seconds of one stage.
#[derive(Clone, Copy)]
struct Cost {
    wall: f64,
    own: f64,
    git: f64,
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let (own, git) = cpu();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed().as_secs_f64();
    let (own2, git2) = cpu();
    let cost = Cost {
        wall,
        own: own2 - own,
        git: git2 - git,
    };
    (out, cost)
}

fn line(label: &str, costs: Vec<Cost>) -> String {
    let pick = |f: fn(&Cost) -> f64| median(costs.iter().map(f).collect());
    format!(
        "  {label:<36} {:.3} s wall  (cpu: {:.3} s lorebook, {:.3} s git)",
        pick(|c| c.wall),
        pick(|c| c.own),
        pick(|c| c.git)
    )
}

/// Run git in `dir`, quietly; exit on failure (the benchmark cannot go on).
fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("error: git {args:?} failed in {}", dir.display());
        std::process::exit(1);
    }
}

/// `git log` with the record format's arguments over HEAD, cut into `jobs`
/// consecutive slices of the walk (`--skip`, `--max-count`) read by one
/// process each at once: the slices concatenate to the single log. Exits on
/// failure.
fn git_log_sliced(dir: &Path, jobs: usize) -> Vec<record::RawCommit> {
    let run = |args: &[String]| -> Vec<u8> {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .stderr(std::process::Stdio::null())
            .output();
        match out {
            Ok(out) if out.status.success() => out.stdout,
            _ => {
                eprintln!("error: git {args:?} failed in {}", dir.display());
                std::process::exit(1);
            }
        }
    };
    let count = |s: &[u8]| {
        String::from_utf8_lossy(s)
            .trim()
            .parse::<usize>()
            .unwrap_or(0)
    };
    let total = count(&run(&[
        "rev-list".into(),
        "--count".into(),
        "--no-merges".into(),
        "HEAD".into(),
    ]));
    let jobs = jobs.clamp(1, 4);
    let per = total.div_ceil(jobs).max(1);
    let logs: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|i| {
                let run = &run;
                scope.spawn(move || {
                    let mut args: Vec<String> =
                        record::LOG_ARGS.iter().map(|a| a.to_string()).collect();
                    args.push(format!("--skip={}", i * per));
                    if i + 1 < jobs {
                        args.push(format!("--max-count={per}"));
                    }
                    args.push("HEAD".into());
                    run(&args)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    logs.iter().flat_map(|log| record::parse_log(log)).collect()
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
    let Some(cache_file) = read::history_cache_file(&dir, &[]) else {
        eprintln!(
            "error: {} is not in a full (non-shallow) git clone",
            dir.display()
        );
        std::process::exit(1);
    };
    let skip = |id: &record::Identity| identity::is_bot(id, &settings.exclude);
    // What a build spends on authorship: read_history (reader or cache,
    // mailmap, fold) + merging into people.
    let authorship = |expect_from_git: Option<usize>| {
        let ((history, diags, stats), t_read) =
            time(|| read::read_history_stats(&dir, Path::new("content"), &settings.exclude, &[]));
        let (credit, t_people) = time(|| contributors::build(&history, &[], &[], &settings));
        for d in &diags {
            eprintln!("{d}");
        }
        if let Some(n) = expect_from_git {
            if stats.from_git != n {
                eprintln!("error: expected {n} commits diffed by git, got {stats:?}");
                std::process::exit(1);
            }
        }
        let cost = Cost {
            wall: t_read.wall + t_people.wall,
            own: t_read.own + t_people.own,
            git: t_read.git + t_people.git,
        };
        (history, credit, stats, t_people, cost)
    };
    // The same with `git log` doing the reading (sliced over the cores).
    let authorship_git = || {
        let (history, t_read) = time(|| {
            let mut commits = git_log_sliced(&dir, cores);
            identity::map_identities(&[], &dir, &mut commits);
            let mut history = history::fold(&commits, &skip);
            history.in_git = true;
            history
        });
        let (_, t_people) = time(|| contributors::build(&history, &[], &[], &settings));
        let cost = Cost {
            wall: t_read.wall + t_people.wall,
            own: t_read.own + t_people.own,
            git: t_read.git + t_people.git,
        };
        (history, cost)
    };
    let (mut cold, mut cold_git, mut warm, mut one_new, mut folds, mut merges) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let mut summary = String::new();
    let mut reference = None;
    for _ in 0..runs {
        // Cold: no cache (the read writes it).
        let _ = std::fs::remove_file(&cache_file);
        let (history, credit, stats, t_people, cost) = authorship(None);
        cold.push(cost);
        merges.push(t_people);
        summary = format!(
            "{} commits, {} files with history, {} identities, {} people",
            stats.from_git,
            history.files.len(),
            history.identities.len(),
            credit.people.len()
        );
        // Cold with `git log` reading: the same history, for comparison.
        let (git_history, cost) = authorship_git();
        cold_git.push(cost);
        if git_history != history {
            eprintln!("error: the git command line's history differs from the in-process read");
            std::process::exit(1);
        }
        // Warm: the cache is at HEAD; the history must be the cold one.
        let (warm_history, _, _, _, cost) = authorship(Some(0));
        warm.push(cost);
        if warm_history != history {
            eprintln!("error: the cached read differs from the cold read");
            std::process::exit(1);
        }
        reference.get_or_insert(history);

        // One new commit on top of the cached HEAD, then dropped again.
        let page = dir.join("bench-new-commit.md");
        if std::fs::write(&page, "# One more page\n").is_err() {
            eprintln!("error: cannot write {}", page.display());
            std::process::exit(1);
        }
        git(&dir, &["add", "bench-new-commit.md"]);
        git(
            &dir,
            &[
                "-c",
                "user.name=Bench",
                "-c",
                "user.email=bench@example.com",
                "commit",
                "-q",
                "-m",
                "bench: one new commit",
            ],
        );
        let (_, _, _, _, cost) = authorship(Some(1));
        one_new.push(cost);
        git(&dir, &["reset", "-q", "--hard", "HEAD~1"]);
    }
    let (mut parses, mut mailmaps) = (Vec::new(), Vec::new());
    if let Some(history) = &reference {
        // The cache holds the walk of the commit made and dropped above:
        // read once at HEAD, so it holds HEAD's walk again.
        let _ = read::read_history_stats(&dir, Path::new("content"), &settings.exclude, &[]);
        // The parse of the cached log alone (the cache file is a header line,
        // then the records in `git log`'s format), then the mailmap.
        let body = std::fs::read(&cache_file).unwrap_or_default();
        let body = body
            .iter()
            .position(|&b| b == b'\n')
            .and_then(|nl| body.get(nl + 1..))
            .unwrap_or_default();
        for _ in 0..runs {
            let (mut commits, t) = time(|| record::parse_log(body));
            parses.push(t);
            let ((), t) = time(|| identity::map_identities(&[], &dir, &mut commits));
            mailmaps.push(t);
        }
        // The fold alone, over the cached log's commits (HEAD's walk).
        let commits = record::parse_log(body);
        for _ in 0..runs {
            let (folded, t) = time(|| history::fold(&commits, &skip));
            folds.push(t);
            if folded.files.len() != history.files.len() {
                eprintln!("error: fold disagrees with read_history");
                std::process::exit(1);
            }
        }
    }
    println!("{summary}");
    println!("median of {runs} runs, {cores} cores (authorship = read_history + merge):");
    let cold_total = median(cold.iter().map(|c| c.wall).collect());
    let cold_git_total = median(cold_git.iter().map(|c| c.wall).collect());
    println!("{}", line("cold, no cache (in process):", cold));
    println!("{}", line("cold, no cache (git log, sliced):", cold_git));
    println!(
        "  in process / git log, wall: {:.2}",
        cold_total / cold_git_total.max(f64::EPSILON)
    );
    println!("{}", line("warm, cache at HEAD:", warm.clone()));
    println!("{}", line("warm, one new commit:", one_new));
    println!("{}", line("  of which parse the cached log:", parses));
    println!("{}", line("  of which .mailmap (check-mailmap):", mailmaps));
    println!("{}", line("  of which fold into file histories:", folds));
    println!("{}", line("  of which merge into people:", merges));
    println!("cold authorship total: {cold_total:.3} s");
    let total = median(warm.iter().map(|c| c.wall).collect());
    println!("authorship extraction total: {total:.3} s");
}
