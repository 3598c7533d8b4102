//! One integration test binary, split by feature (as ripgrep does).

mod action;
mod build;
mod check;
mod cli;
mod common;
mod community;
mod credit_snapshot;
mod forum;
mod forum_pull;
mod hardening;
mod import;
mod insights;
mod links;
mod markdown;
mod package;
mod readers;
mod readers_browser;
mod search_browser;
mod security;
mod serve;
mod serve_browser;
mod serve_standalone;
mod serve_support;
mod trust;
mod xss_browser;
