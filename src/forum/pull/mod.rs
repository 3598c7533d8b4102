//! `lorebook forum pull`: fetch each configured forum source over its public
//! API into a snapshot under the source's `path` (lorebook's own format, one
//! file per thread, see `snapshot`), so builds keep reading files only and
//! never touch the network.
//!
//! One module per API (`discourse`, `stackexchange`, `github`), each a
//! `Forum` that lists what changed since the snapshot's cursor and hands
//! every thread to a `Run` (both in `run`); `http` is the client they share
//! (timeouts, retries, pacing), `snapshot` the on-disk side (staging,
//! journal, atomic swap) and `error` the `PullError` all of them return.
//! This module picks the sources and runs each. A pull is a stage of its
//! own: the build never calls it.

pub(crate) mod discourse;
mod error;
pub(crate) mod github;
pub(crate) mod http;
mod run;
pub(crate) mod snapshot;
pub(crate) mod stackexchange;

pub use error::PullError;
pub use run::Env;
pub use snapshot::{is_snapshot, Summary};

#[cfg(test)]
#[path = "../../../tests/support/loopback.rs"]
pub(crate) mod loopback;

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::config::{Config, PullSettings};
use crate::forum::export::parse_date;
use crate::forum::source::{ForumKind, ForumSource};
use http::{Client, HttpSettings};
use run::{Ending, Forum, Run, Status};
use snapshot::{Header, Staging, State};

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// Only this source (by `name`).
    pub source: Option<String>,
    /// List everything again and remove what is gone upstream.
    pub full: bool,
    /// Fetch and report what would change; write nothing.
    pub dry_run: bool,
    /// Show a status line on stderr.
    pub progress: bool,
}

/// What a pull did for one source.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub source: String,
    pub full: bool,
    pub dry_run: bool,
    pub summary: Summary,
    /// HTTP requests sent (retries included).
    pub requests: u64,
    pub retried: u64,
    /// Threads found already fetched by an interrupted earlier run.
    pub resumed: usize,
    pub elapsed: Duration,
    /// Why the pull stopped before the end while keeping what it fetched
    /// (Stack Exchange's daily quota).
    pub stopped: Option<String>,
}

impl SourceReport {
    /// One line for people and for a pull request's description.
    pub fn line(&self) -> String {
        let s = &self.summary;
        let mode = match (self.dry_run, self.full) {
            (true, true) => " (full, dry run: nothing written)",
            (true, false) => " (dry run: nothing written)",
            (false, true) => " (full)",
            (false, false) => "",
        };
        let mut line = format!(
            "{}{mode}: {} new, {} updated, {} removed accepted answers; {} answered and {} unanswered questions in the snapshot ({} requests",
            self.source, s.added, s.updated, s.removed, s.answered, s.unanswered, self.requests
        );
        if self.retried > 0 {
            line.push_str(&format!(", {} retried", self.retried));
        }
        if self.resumed > 0 {
            line.push_str(&format!(
                ", {} threads kept from the interrupted pull",
                self.resumed
            ));
        }
        line.push_str(&format!(", {:.1} s)", self.elapsed.as_secs_f64()));
        if let Some(why) = &self.stopped {
            line.push_str(&format!("; stopped early: {why}"));
        }
        line
    }
}

/// Pull every source with `pull:` settings (or only `opts.source`). Sources
/// are pulled one after the other; one failing does not stop the others.
pub fn pull(
    config: &Config,
    opts: &PullOptions,
    env: Env<'_>,
) -> (Vec<SourceReport>, Vec<PullError>) {
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    let selected: Vec<&ForumSource> = match &opts.source {
        Some(name) => match config.forum.iter().find(|s| &s.name == name) {
            None => {
                let known: Vec<&str> = config.forum.iter().map(|s| s.name.as_str()).collect();
                errors.push(
                    PullError::new(name, "no forum source has this name in lorebook.yaml")
                        .with_hint(format!("configured sources: {}", known.join(", "))),
                );
                return (reports, errors);
            }
            Some(s) if !config.forum_pull.contains_key(&s.name) => {
                errors.push(
                    PullError::new(name, "this source has no `pull:` settings").with_hint(
                        "add `pull: {}` under the source in lorebook.yaml to pull it from its API",
                    ),
                );
                return (reports, errors);
            }
            Some(s) => vec![s],
        },
        None => config
            .forum
            .iter()
            .filter(|s| config.forum_pull.contains_key(&s.name))
            .collect(),
    };
    if selected.is_empty() {
        errors.push(
            PullError::new("*", "no forum source in lorebook.yaml has `pull:` settings")
                .with_hint("add `pull: {}` (and `url:`) to a discourse, stackexchange or github-discussions source"),
        );
    }
    for source in selected {
        let shared = config.forum.iter().find(|o| {
            o.name != source.name
                && o.path == source.path
                && config.forum_pull.contains_key(&o.name)
        });
        if let Some(other) = shared {
            errors.push(
                PullError::new(
                    &source.name,
                    format!("source `{}` pulls into the same folder", other.name),
                )
                .with_hint("give each pulled source a `path:` of its own"),
            );
            continue;
        }
        let settings = &config.forum_pull[&source.name];
        match pull_source(source, settings, opts, env) {
            Ok(r) => reports.push(r),
            Err(e) => errors.push(e),
        }
    }
    (reports, errors)
}

/// A source with `pull:` whose folder does not exist yet has never been
/// pulled: say so in the build's error about it.
pub fn hint_first_pull(config: &Config, diags: &mut [crate::diagnostics::Diagnostic]) {
    for source in config
        .forum
        .iter()
        .filter(|s| config.forum_pull.contains_key(&s.name))
    {
        if source.path.exists() {
            continue;
        }
        for d in diags.iter_mut().filter(|d| d.path == source.path) {
            d.hint = Some(format!(
                "run `lorebook forum pull --source {}` to fetch it from the forum's API",
                source.name
            ));
        }
    }
}

/// Defaults per API: (requests per second, requests in flight).
fn pace(kind: ForumKind) -> (f64, usize) {
    match kind {
        // Discourse's default limits are about 60 requests a minute for an
        // API key and 200 for an anonymous address.
        ForumKind::Discourse => (1.0, 2),
        // Stack Exchange throttles above 30 a second; requests are few.
        ForumKind::Stackexchange => (2.0, 1),
        // GitHub asks for no concurrent requests to its GraphQL API.
        _ => (1.0, 1),
    }
}

fn http_settings(kind: ForumKind, s: &PullSettings) -> HttpSettings {
    let (rate, concurrency) = pace(kind);
    let rate = s.requests_per_second.unwrap_or(rate);
    let mut settings = HttpSettings {
        interval: Duration::from_secs_f64(1.0 / rate),
        concurrency: s.concurrency.unwrap_or(concurrency),
        ..HttpSettings::default()
    };
    if let Some(t) = s.timeout_seconds {
        settings.timeout = Duration::from_secs_f64(t);
    }
    if let Some(r) = s.retries {
        settings.retries = r;
    }
    settings
}

fn forum_for(
    source: &ForumSource,
    settings: &PullSettings,
    env: Env<'_>,
) -> Result<Box<dyn Forum>, PullError> {
    Ok(match source.kind {
        ForumKind::Discourse => Box::new(discourse::Discourse::new(source, settings, env)?),
        ForumKind::Stackexchange => {
            Box::new(stackexchange::StackExchange::new(source, settings, env)?)
        }
        ForumKind::GithubDiscussions => Box::new(github::GitHub::new(source, settings, env)?),
        ForumKind::Lorebook => {
            return Err(PullError::new(
                &source.name,
                "a `type: lorebook` source has no API to pull from",
            ))
        }
    })
}

/// Pull one source with the client its settings describe.
fn pull_source(
    source: &ForumSource,
    settings: &PullSettings,
    opts: &PullOptions,
    env: Env<'_>,
) -> Result<SourceReport, PullError> {
    let client = Client::new(&source.name, http_settings(source.kind, settings));
    pull_with(source, settings, opts, env, &client)
}

pub(crate) fn pull_with(
    source: &ForumSource,
    settings: &PullSettings,
    opts: &PullOptions,
    env: Env<'_>,
    client: &Client,
) -> Result<SourceReport, PullError> {
    let started = Instant::now();
    let forum = forum_for(source, settings, env)?;
    let target = &source.path;
    check_target(target, &source.name)?;
    let current = snapshot::read_current(target, &source.name)?;
    let (api, scope) = (forum.api(), forum.scope());
    let kind = source.kind.as_str();
    let state = current.state.clone();
    let same_source = state
        .as_ref()
        .is_some_and(|s| s.kind == kind && s.api == api && s.scope == scope);
    let cursor = state
        .as_ref()
        .filter(|_| same_source)
        .and_then(|s| s.cursor.clone());
    let pending = same_source && state.as_ref().is_some_and(|s| s.full_pending);
    let full = opts.full || cursor.is_none() || pending;
    // A full pull lists everything, except one that goes on after a stop.
    let since = if full && !pending { None } else { cursor };
    let fingerprint = format!("{kind} {api} {scope}");
    let header = Header::new(fingerprint, full, since.clone());
    let staging = Staging::open(target, &header, &source.name, opts.dry_run)?;
    let status = Status::new(&source.name, opts.progress);
    let mut run = Run {
        client,
        full,
        since: since.as_deref().and_then(parse_date),
        known: current.ids(),
        seen: HashSet::new(),
        newest: None,
        resumed: staging.resumed,
        staging,
        status: &status,
        api: api.clone(),
        unanswered: settings.unanswered,
    };
    let ending = forum.pull(&mut run);
    status.clear();
    let ending = ending?;
    let (complete, stopped, cursor) = match ending {
        Ending::Complete => {
            let newest = run.newest_stamp();
            let cursor = match (newest, since.clone()) {
                (Some(n), Some(s)) => Some(if later(&n, &s) { n } else { s }),
                (n, s) => n.or(s),
            };
            (true, None, cursor)
        }
        Ending::Stopped { reason, cursor } => (false, Some(reason), cursor),
    };
    let removed: BTreeSet<String> = if full && complete {
        run.known
            .iter()
            .filter(|id| !run.seen.contains(*id))
            .cloned()
            .collect()
    } else {
        BTreeSet::new()
    };
    let summary = run.staging.summary(&current, &removed, target);
    let report = SourceReport {
        source: source.name.clone(),
        full,
        dry_run: opts.dry_run,
        summary,
        requests: client.requests(),
        retried: client.retried(),
        resumed: run.resumed,
        elapsed: started.elapsed(),
        stopped,
    };
    if !opts.dry_run {
        // A clean stop (quota) commits what is complete too: the cursor
        // says where the next pull goes on, and a full pull stays pending.
        let state = State {
            version: 1,
            kind: kind.to_string(),
            api,
            scope,
            cursor,
            full_pending: full && !complete,
        };
        run.staging.commit(target, &current, &removed, &state)?;
    }
    Ok(report)
}

/// The snapshot folder must be a snapshot, empty or absent: a pull never
/// replaces exports someone put there by hand.
fn check_target(target: &Path, source: &str) -> Result<(), PullError> {
    if target.is_file() {
        return Err(PullError::new(
            source,
            format!(
                "`path:` is a file (`{}`); a pull writes a folder",
                crate::diagnostics::display_path(target)
            ),
        )
        .with_hint("point `path:` at a folder for the pulled snapshot, e.g. forum/community"));
    }
    if target.is_dir() && !snapshot::is_snapshot(target) {
        let has_files = std::fs::read_dir(target)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if has_files {
            return Err(PullError::new(
                source,
                format!(
                    "`{}` holds files that `lorebook forum pull` did not write; a pull would replace them",
                    crate::diagnostics::display_path(target)
                ),
            )
            .with_hint("point `path:` at a new folder for the pulled snapshot, or move the exports out of this one"));
        }
    }
    Ok(())
}

/// Whether RFC 3339 time `a` is after `b`.
fn later(a: &str, b: &str) -> bool {
    match (parse_date(a), parse_date(b)) {
        (Some(x), Some(y)) => x > y,
        _ => a > b,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use std::collections::BTreeMap;

    /// A source pulling into `dir` from `api` (a loopback server).
    pub fn source(kind: ForumKind, dir: &Path, url: &str) -> ForumSource {
        ForumSource {
            kind,
            name: "src".into(),
            path: dir.join("forum"),
            url: Some(url.to_string()),
            licence: None,
            min_score: i64::MIN,
            sections: BTreeMap::new(),
            default_section: "community".into(),
            progress: false,
        }
    }

    pub fn settings(api: &str) -> PullSettings {
        PullSettings {
            api_url: Some(api.to_string()),
            unanswered: true,
            ..Default::default()
        }
    }

    /// A client fast enough for tests.
    pub fn client() -> Client {
        Client::new(
            "src",
            HttpSettings {
                timeout: Duration::from_millis(500),
                retries: 2,
                backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(40),
                max_wait: Duration::from_secs(5),
                interval: Duration::ZERO,
                concurrency: 4,
                max_body: 16 << 20,
            },
        )
    }

    pub fn no_env(_: &str) -> Option<String> {
        None
    }

    /// Pull once with `opts`.
    pub fn pull_once(
        source: &ForumSource,
        settings: &PullSettings,
        opts: &PullOptions,
        env: Env<'_>,
    ) -> Result<SourceReport, PullError> {
        pull_with(source, settings, opts, env, &client())
    }

    /// The file names in a folder, sorted.
    pub fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        n.sort();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_of_exports_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("1204.json"), "{}").unwrap();
        let err = check_target(dir.path(), "community").unwrap_err();
        assert!(err.message.contains("did not write"), "{err}");
        assert!(check_target(&dir.path().join("new"), "c").is_ok());
    }

    #[test]
    fn the_report_line_says_what_changed() {
        let r = SourceReport {
            source: "community".into(),
            full: false,
            dry_run: true,
            summary: Summary {
                added: 2,
                updated: 1,
                removed: 0,
                answered: 10,
                unanswered: 4,
            },
            requests: 5,
            retried: 1,
            resumed: 0,
            elapsed: Duration::from_millis(1500),
            stopped: None,
        };
        assert_eq!(
            r.line(),
            "community (dry run: nothing written): 2 new, 1 updated, 0 removed accepted answers; 10 answered and 4 unanswered questions in the snapshot (5 requests, 1 retried, 1.5 s)"
        );
    }

    #[test]
    fn two_sources_pulling_into_one_folder_are_refused() {
        let text = "title: A\nforum:\n  - {type: discourse, name: a, path: forum/x, url: 'http://127.0.0.1:9', pull: {}}\n  - {type: discourse, name: b, path: forum/x, url: 'http://127.0.0.1:9', pull: {}}\n";
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_str(text, dir.path(), &Default::default()).unwrap();
        let opts = PullOptions {
            source: Some("b".into()),
            ..Default::default()
        };
        let (reports, errors) = pull(&config, &opts, &test_support::no_env);
        assert!(reports.is_empty());
        assert_eq!(errors[0].message, "source `a` pulls into the same folder");
        assert!(!dir.path().join("forum").exists());
    }
}
