//! Times authorship extraction on a content directory (used by
//! `scripts/bench-contributors.sh`): `bench_contributors CONTENT_DIR [RUNS]`.
//! Prints the median of RUNS runs of each stage: the log read by one `git log`
//! process (for comparison), the log read in parallel slices as builds do,
//! the fold into per-file histories, merging into people, and the whole of
//! `read_history` + merging, which is what a build spends on authorship.
//! Beside each wall time: the CPU time of this process (parsing, folding) and
//! of its git children, which a busy machine changes much less than wall time.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lorebook::config::ContributorsSettings;
use lorebook::contributors::{self, git};

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
        totals.push(Cost {
            wall: t_read.wall + t_people.wall,
            own: t_read.own + t_people.own,
            git: t_read.git + t_people.git,
        });
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
    println!("{}", line("git log, one process + parse:", single));
    println!(
        "{}",
        line(&format!("git log, sliced over {cores} + parse:"), sliced)
    );
    println!("{}", line("fold into file histories:", folds));
    println!("{}", line("merge into people:", merges));
    let total = median(totals.iter().map(|c| c.wall).collect());
    println!("{}", line("read_history + merge:", totals));
    println!("authorship extraction total: {total:.3} s");
}
