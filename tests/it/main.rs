//! One integration test binary, split by feature (as ripgrep does).

mod build;
mod check;
mod cli;
mod common;
mod community;
mod credit_snapshot;
mod hardening;
mod import;
mod insights;
mod links;
mod search_browser;
mod xss_browser;
