//! Where a build's time goes (`lorebook build --timings`, like cargo's).
//!
//! A build is a sequence of phases (theme, load, model, render, search,
//! write); inside some of them several activities run at once on rayon's
//! threads (reading, Markdown, highlighting, templates, file writes). A phase
//! has a wall time; an activity has a busy time, summed over the threads
//! that did it (on 2 threads a fully parallel activity shows about twice its
//! share of the phase's wall time). [`Timings`] collects both with atomics,
//! so any thread can add to it; it is created per build and carried
//! explicitly, never global.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One row of the timings table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Loading and compiling the theme's templates (phase).
    Theme,
    /// Walking and reading content, front matter, Markdown (phase).
    Load,
    /// Reading content files (activity in load).
    Read,
    /// Front matter and Markdown (activity in load). Recorded with the
    /// highlighting inside it; [`Timings::busy`] and the table leave it out.
    Markdown,
    /// Syntax highlighting of code blocks (activity in load).
    Highlight,
    /// Deflating each page's HTML while the model waits (activity in load).
    Pack,
    /// Reading the git history, beside the content (activity in load).
    Git,
    /// Static files, forum exports, contributors, the link check (phase).
    Model,
    /// Pages, sections, answers, tags and the other HTML (phase).
    Render,
    /// Templates filled in, pages unpacked (activity in render).
    Templates,
    /// Writing files into the staging directory (activity in render and write).
    Files,
    /// The search index and page (phase).
    Search,
    /// The remaining files (index shards, feeds, sitemaps, assets) and the
    /// swap of the output directory (phase).
    Write,
}

impl Stage {
    /// Every stage, in the order of the table.
    pub const ALL: [Stage; 13] = [
        Stage::Theme,
        Stage::Load,
        Stage::Read,
        Stage::Markdown,
        Stage::Highlight,
        Stage::Pack,
        Stage::Git,
        Stage::Model,
        Stage::Render,
        Stage::Templates,
        Stage::Files,
        Stage::Search,
        Stage::Write,
    ];

    /// The name printed in the table.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Theme => "theme",
            Stage::Load => "load",
            Stage::Read => "read",
            Stage::Markdown => "markdown",
            Stage::Highlight => "highlight",
            Stage::Pack => "pack",
            Stage::Git => "git history",
            Stage::Model => "model",
            Stage::Render => "render",
            Stage::Templates => "templates",
            Stage::Files => "write files",
            Stage::Search => "search",
            Stage::Write => "write",
        }
    }

    /// Phases have a wall time; the others are activities inside a phase
    /// with a busy time summed over threads.
    pub fn is_phase(self) -> bool {
        matches!(
            self,
            Stage::Theme
                | Stage::Load
                | Stage::Model
                | Stage::Render
                | Stage::Search
                | Stage::Write
        )
    }

    fn index(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// Time spent per stage; shared by reference between threads.
#[derive(Debug, Default)]
pub struct Timings {
    nanos: [AtomicU64; Stage::ALL.len()],
}

impl Timings {
    pub fn new() -> Timings {
        Timings::default()
    }

    /// Add `d` to `stage`.
    pub fn add(&self, stage: Stage, d: Duration) {
        let n = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.nanos[stage.index()].fetch_add(n, Ordering::Relaxed);
    }

    /// Run `f`, adding its duration to `stage`.
    pub fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(stage, start.elapsed());
        out
    }

    /// Time recorded for `stage`.
    pub fn get(&self, stage: Stage) -> Duration {
        Duration::from_nanos(self.nanos[stage.index()].load(Ordering::Relaxed))
    }

    /// Time of `stage` as the table shows it: Markdown without the
    /// highlighting done inside it.
    pub fn busy(&self, stage: Stage) -> Duration {
        match stage {
            Stage::Markdown => self
                .get(Stage::Markdown)
                .saturating_sub(self.get(Stage::Highlight)),
            _ => self.get(stage),
        }
    }

    /// The table `--timings` prints: one row per stage that took any time,
    /// phases with their wall time, activities indented with their busy time,
    /// then the total.
    pub fn table(&self, total: Duration, threads: usize) -> String {
        let mut out = format!(
            "timings: {:.2} s wall on {threads} thread(s); busy = time summed over threads\n",
            total.as_secs_f64()
        );
        out.push_str(&format!(
            "  {:<14} {:>8} {:>8}\n",
            "stage", "wall s", "busy s"
        ));
        for stage in Stage::ALL {
            let d = self.busy(stage).as_secs_f64();
            if stage.is_phase() {
                out.push_str(&format!("  {:<14} {:>8.3}\n", stage.name(), d));
            } else if d > 0.0 {
                out.push_str(&format!("    {:<12} {:>8} {:>8.3}\n", stage.name(), "", d));
            }
        }
        out.push_str(&format!("  {:<14} {:>8.3}\n", "total", total.as_secs_f64()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_add_up_per_stage_from_many_threads() {
        let t = Timings::new();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| t.add(Stage::Highlight, Duration::from_millis(5)));
            }
        });
        t.add(Stage::Load, Duration::from_millis(7));
        assert_eq!(t.get(Stage::Highlight), Duration::from_millis(20));
        assert_eq!(t.get(Stage::Load), Duration::from_millis(7));
        assert_eq!(t.get(Stage::Render), Duration::ZERO);
    }

    #[test]
    fn table_lists_every_phase_and_the_activities_that_ran() {
        let t = Timings::new();
        t.add(Stage::Load, Duration::from_millis(1500));
        t.add(Stage::Markdown, Duration::from_millis(1000));
        t.add(Stage::Highlight, Duration::from_millis(250));
        assert_eq!(t.busy(Stage::Markdown), Duration::from_millis(750));
        let table = t.table(Duration::from_secs(2), 2);
        let rows: Vec<&str> = table
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().next().unwrap_or(""))
            .collect();
        assert_eq!(
            rows,
            [
                "theme",
                "load",
                "markdown",
                "highlight",
                "model",
                "render",
                "search",
                "write",
                "total"
            ]
        );
        let row = |name: &str| {
            table
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>())
                .find(|w| w.first() == Some(&name))
                .map(|w| w[1..].join(" "))
        };
        assert_eq!(row("load").as_deref(), Some("1.500"), "{table}");
        assert_eq!(row("markdown").as_deref(), Some("0.750"), "{table}");
        assert_eq!(row("highlight").as_deref(), Some("0.250"), "{table}");
        assert_eq!(row("total").as_deref(), Some("2.000"), "{table}");
        assert!(
            table.starts_with("timings: 2.00 s wall on 2 thread(s)"),
            "{table}"
        );
    }
}
