//! The `lorebook` binary: parse the command line, run it, exit with its code.

use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates many small
/// strings on every thread, and glibc's malloc bookkeeping grew with the
/// site (figures: docs/content/benchmarks.md, "Site builds").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = lorebook::cli::Cli::parse();
    std::process::exit(lorebook::cli::run(cli));
}
