//! One source's pull as an API module sees it: the [`Forum`] trait each
//! module implements, the [`Run`] it hands every thread to (with the status
//! line it draws), and the environment its credentials come from.

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};

use super::error::PullError;
use super::http::Client;
use super::snapshot::{Outcome, Staging};
use crate::forum::export::parse_date;

/// Where environment variables come from (the process, or a test's map).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// One API's side of a pull.
pub(crate) trait Forum {
    /// The API address recorded in the state file.
    fn api(&self) -> String;
    /// The filters, recorded in the state file: a pull with other filters
    /// starts over with a full pull.
    fn scope(&self) -> String;
    /// List what changed since `run.since` (everything on a full pull) and
    /// hand every thread to `run`.
    fn pull(&self, run: &mut Run<'_>) -> Result<Ending, PullError>;
}

/// How a forum's pull ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ending {
    Complete,
    /// Stopped early but cleanly (quota): what was fetched up to `cursor`
    /// is complete and is committed; the next pull goes on from there.
    Stopped {
        reason: String,
        cursor: Option<String>,
    },
}

/// One source's pull in progress: what the forum module reports to.
pub(crate) struct Run<'a> {
    pub client: &'a Client,
    /// Listing everything (and removing what is not seen).
    pub full: bool,
    /// Only what changed after this (None: everything).
    pub since: Option<DateTime<Utc>>,
    /// Ids in the current snapshot.
    pub known: BTreeSet<String>,
    /// Also keep questions without an accepted answer.
    pub unanswered: bool,
    pub(super) seen: HashSet<String>,
    pub(super) newest: Option<(DateTime<Utc>, String)>,
    pub(super) resumed: usize,
    pub(super) staging: Staging,
    pub(super) status: &'a Status,
    pub(super) api: String,
}

impl Run<'_> {
    /// Whether a thread last active at `stamp` changed since the cursor.
    pub fn changed(&self, stamp: &str) -> bool {
        match (self.since, parse_date(stamp)) {
            (Some(since), Some(t)) => t > since,
            _ => true,
        }
    }

    /// The listing found this thread (in scope), last active at `stamp`.
    pub fn see(&mut self, id: &str, stamp: &str) {
        self.seen.insert(id.to_string());
        if let Some(t) = parse_date(stamp) {
            if self.newest.as_ref().is_none_or(|(n, _)| *n < t) {
                self.newest = Some((t, stamp.to_string()));
            }
        }
    }

    /// The latest activity the listing found so far.
    pub fn newest_stamp(&self) -> Option<String> {
        self.newest.as_ref().map(|(_, s)| s.clone())
    }

    /// Whether this version of the thread was already fetched by an
    /// interrupted earlier run.
    pub fn staged(&self, id: &str, stamp: &str) -> bool {
        self.staging.has(id, stamp)
    }

    /// Record what a thread is now.
    pub fn put(&mut self, id: &str, stamp: &str, outcome: Outcome) -> Result<(), PullError> {
        let outcome = match outcome {
            Outcome::Unanswered(_) if !self.unanswered => Outcome::Dropped,
            o => o,
        };
        self.staging.put(id, stamp, &outcome, &self.api)
    }

    /// Ids of the snapshot the listing did not find (yet).
    pub fn unseen_known(&self) -> Vec<String> {
        self.known
            .iter()
            .filter(|id| !self.seen.contains(*id))
            .cloned()
            .collect()
    }

    /// Redraw the status line (on a terminal).
    pub fn progress(&self, what: &str) {
        self.status.show(|| {
            format!(
                "{what}, {} threads, {} requests",
                self.staging.staged_count(),
                self.client.requests()
            )
        });
    }
}

/// The status line of a pull on a terminal.
pub(crate) struct Status {
    label: String,
    enabled: bool,
    last: Mutex<Option<Instant>>,
}

impl Status {
    pub(super) fn new(source: &str, enabled: bool) -> Status {
        Status {
            label: format!("pulling `{source}`"),
            enabled,
            last: Mutex::new(None),
        }
    }

    pub(super) fn show(&self, text: impl FnOnce() -> String) {
        if !self.enabled {
            return;
        }
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        let now = Instant::now();
        if last.is_some_and(|t| now.duration_since(t) < crate::progress::INTERVAL) {
            return;
        }
        *last = Some(now);
        eprint!(
            "\r\x1b[K{}: {}",
            crate::diagnostics::terminal_safe(&self.label),
            crate::diagnostics::terminal_safe(&text())
        );
    }

    pub(super) fn clear(&self) {
        let shown = self.last.lock().map(|l| l.is_some()).unwrap_or(false);
        if self.enabled && shown {
            eprint!("\r\x1b[K");
        }
    }
}

/// A credential from the environment variable named in the config.
pub(crate) fn credential(env: Env<'_>, var: Option<&str>) -> Option<String> {
    var.and_then(env).filter(|v| !v.trim().is_empty())
}
