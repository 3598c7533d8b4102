//! The `lorebook` binary: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() {
    let cli = lorebook::cli::Cli::parse();
    std::process::exit(lorebook::cli::run(cli));
}
