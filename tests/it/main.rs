//! One integration test binary, split by feature (as ripgrep does).

mod build;
mod check;
mod cli;
mod common;
mod community;
mod credit_snapshot;
mod forum_pull;
mod hardening;
mod insights;
mod search_browser;
mod xss_browser;
