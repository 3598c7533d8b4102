//! The opt-in external link check (`lorebook check --external`). Never part
//! of a build, so CI stays offline-safe by default. Checks each distinct
//! http(s) URL once, with a bounded number of worker threads, at most one
//! request at a time per host with a pause between requests to the same
//! host, a timeout per request, and a cache of good results so repeated runs
//! do not hammer the same sites.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::diagnostics::Diagnostic;
use crate::markdown::LinkTarget;
use crate::site::Site;

/// Settings for one run.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    pub workers: usize,
    pub timeout: Duration,
    /// Pause between two requests to the same host.
    pub per_host_interval: Duration,
    /// Cache file; None disables the cache.
    pub cache: Option<PathBuf>,
    /// How long a good result is trusted.
    pub cache_ttl: Duration,
}

impl ExternalOptions {
    pub fn for_site(root: &Path) -> ExternalOptions {
        ExternalOptions {
            workers: 8,
            timeout: Duration::from_secs(10),
            per_host_interval: Duration::from_millis(250),
            cache: Some(root.join(".lorebook-cache/external-links.json")),
            cache_ttl: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// Where a URL is used, for the diagnostics.
#[derive(Debug, Clone)]
struct Use {
    path: PathBuf,
    line: usize,
    col: usize,
}

/// Outcome of checking one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Broken(String),
}

/// Check every external link of the site.
pub fn check(site: &Site, opts: &ExternalOptions) -> Vec<Diagnostic> {
    let mut uses: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    let sources = site
        .pages
        .iter()
        .map(|p| (p.shown_path.clone(), &p.rendered))
        .chain(site.sections.values().filter_map(|s| {
            s.source
                .as_ref()
                .map(|src| (site.config.content_shown().join(src), &s.rendered))
        }));
    for (path, rendered) in sources {
        for link in &rendered.links {
            if let LinkTarget::External { url } = &link.target {
                let http = url.starts_with("http://") || url.starts_with("https://");
                // `links.skip_prefixes` (Zola's meaning): never fetched.
                if http && !site.config.links.skips(url, None) {
                    let key = url.split('#').next().unwrap_or(url).to_string();
                    uses.entry(key).or_default().push(Use {
                        path: path.clone(),
                        line: link.line,
                        col: link.col,
                    });
                }
            }
        }
    }
    let urls: Vec<String> = uses.keys().cloned().collect();
    let results = check_urls(&urls, opts);
    let mut diags = Vec::new();
    for (url, outcome) in results {
        if let Outcome::Broken(reason) = outcome {
            for u in uses.get(&url).into_iter().flatten() {
                diags.push(
                    Diagnostic::error(&u.path, format!("broken external link `{url}`: {reason}"))
                        .at(u.line, u.col),
                );
            }
        }
    }
    diags.sort();
    diags
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn load_cache(path: Option<&Path>, ttl: Duration) -> BTreeMap<String, u64> {
    let Some(path) = path else {
        return BTreeMap::new();
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let map: BTreeMap<String, u64> = serde_json::from_str(&text).unwrap_or_default();
    let now = now_secs();
    map.into_iter()
        .filter(|(_, t)| now.saturating_sub(*t) < ttl.as_secs())
        .collect()
}

fn save_cache(path: Option<&Path>, map: &BTreeMap<String, u64>) {
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(json) = serde_json::to_string_pretty(map) {
        let _ = std::fs::write(path, json);
    }
}

fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// Check a list of distinct URLs; results in URL order.
pub fn check_urls(urls: &[String], opts: &ExternalOptions) -> BTreeMap<String, Outcome> {
    let cache = load_cache(opts.cache.as_deref(), opts.cache_ttl);
    let mut results: BTreeMap<String, Outcome> = BTreeMap::new();
    // Group by host: one worker drains one host's queue at a time, so a host
    // never sees two requests at once and gets a pause between them.
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in urls {
        if cache.contains_key(url) {
            results.insert(url.clone(), Outcome::Ok);
        } else {
            by_host.entry(host_of(url)).or_default().push(url.clone());
        }
    }
    let queue: Arc<Mutex<Vec<Vec<String>>>> =
        Arc::new(Mutex::new(by_host.into_values().rev().collect()));
    let found: Arc<Mutex<BTreeMap<String, Outcome>>> = Arc::new(Mutex::new(BTreeMap::new()));
    let agent = ureq::AgentBuilder::new()
        .timeout(opts.timeout)
        .redirects(5)
        .user_agent(concat!("lorebook-link-check/", env!("CARGO_PKG_VERSION")))
        .build();
    let workers = opts.workers.max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let queue = Arc::clone(&queue);
            let found = Arc::clone(&found);
            let agent = agent.clone();
            let interval = opts.per_host_interval;
            scope.spawn(move || loop {
                let batch = match queue.lock() {
                    Ok(mut q) => q.pop(),
                    Err(_) => None,
                };
                let Some(batch) = batch else { break };
                let mut last: Option<Instant> = None;
                for url in batch {
                    if let Some(t) = last {
                        let since = t.elapsed();
                        if since < interval {
                            std::thread::sleep(interval - since);
                        }
                    }
                    let outcome = probe(&agent, &url);
                    last = Some(Instant::now());
                    if let Ok(mut f) = found.lock() {
                        f.insert(url, outcome);
                    }
                }
            });
        }
    });
    let found = Arc::try_unwrap(found)
        .map(|m| m.into_inner().unwrap_or_default())
        .unwrap_or_default();
    let mut cache = cache;
    let now = now_secs();
    for (url, outcome) in &found {
        if *outcome == Outcome::Ok {
            cache.insert(url.clone(), now);
        }
    }
    save_cache(opts.cache.as_deref(), &cache);
    results.extend(found);
    results
}

fn probe(agent: &ureq::Agent, url: &str) -> Outcome {
    match agent.head(url).call() {
        Ok(_) => Outcome::Ok,
        // Some servers refuse HEAD: ask again with GET before calling it broken.
        Err(ureq::Error::Status(405 | 403 | 501, _)) => match agent.get(url).call() {
            Ok(_) => Outcome::Ok,
            Err(ureq::Error::Status(code, _)) => Outcome::Broken(format!("HTTP {code}")),
            Err(e) => Outcome::Broken(transport_reason(&e)),
        },
        Err(ureq::Error::Status(code, _)) => Outcome::Broken(format!("HTTP {code}")),
        Err(e) => Outcome::Broken(transport_reason(&e)),
    }
}

fn transport_reason(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Status(code, _) => format!("HTTP {code}"),
        ureq::Error::Transport(t) => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_lowercased_without_path() {
        assert_eq!(host_of("https://Example.COM:8080/a?b"), "example.com:8080");
    }
}
