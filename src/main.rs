//! The `lorebook` binary: parse the command line, run it, exit with its code.

use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates many small
/// strings on every thread, and glibc's malloc bookkeeping grew to 42% of the
/// CPU of a 100,000-page build (against 24% at 10,000 pages).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = lorebook::cli::Cli::parse();
    std::process::exit(lorebook::cli::run(cli));
}
