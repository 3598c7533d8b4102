//! Live reload: the script injected into served HTML (never into `public/`),
//! the [`Hub`] that tells waiting browsers about finished builds, and the
//! server-sent-events stream each browser tab keeps open.
//!
//! Protocol (`GET /__lorebook/events?since=TOKEN`): the injected script knows
//! the build token of the page it came with; on connect the server sends
//! `reload` at once if the site changed since then (so a build that finished
//! between page load and connect is not missed), or `error` if the last build
//! failed. Later builds send `reload` or `error`; a comment line is sent every
//! [`HEARTBEAT`] so dead connections are noticed.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::diagnostics::Diagnostic;

/// How often an idle event stream sends a keep-alive comment.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// The state browsers are told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildState {
    /// Identifies the snapshot being served; changes on every good build.
    pub token: String,
    /// Messages of the last build if it failed (`file:line:col: error: ...`).
    pub errors: Option<Arc<Vec<String>>>,
    /// Bumped on every change of `token` or `errors`.
    pub seq: u64,
    /// The server is shutting down.
    pub closed: bool,
}

/// Shared by the build loop (which publishes) and the event streams (which
/// wait).
#[derive(Debug)]
pub struct Hub {
    state: Mutex<BuildState>,
    changed: Condvar,
}

impl Hub {
    pub fn new(token: String) -> Hub {
        Hub {
            state: Mutex::new(BuildState {
                token,
                errors: None,
                seq: 0,
                closed: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BuildState> {
        // A panicking holder cannot leave BuildState half-updated in a way
        // that matters: every field is replaced whole.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn current(&self) -> BuildState {
        self.lock().clone()
    }

    /// A good build is being served under `token`; clears any error.
    pub fn publish_ok(&self, token: String) {
        let mut s = self.lock();
        s.token = token;
        s.errors = None;
        s.seq += 1;
        self.changed.notify_all();
    }

    /// The last build failed; the previous snapshot stays.
    pub fn publish_errors(&self, diagnostics: &[Diagnostic]) {
        let mut s = self.lock();
        s.errors = Some(Arc::new(
            diagnostics.iter().map(|d| d.to_string()).collect(),
        ));
        s.seq += 1;
        self.changed.notify_all();
    }

    pub fn close(&self) {
        let mut s = self.lock();
        s.closed = true;
        s.seq += 1;
        self.changed.notify_all();
    }

    /// Wait until `seq` moves past `seen` or `timeout` passes; returns the
    /// state either way.
    pub fn wait(&self, seen: u64, timeout: Duration) -> BuildState {
        let guard = self.lock();
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.seq == seen && !s.closed)
            .unwrap_or_else(|e| e.into_inner());
        guard.clone()
    }
}

/// One server-sent event.
pub fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    if data.is_empty() {
        out.push_str("data: \n");
    }
    out.push('\n');
    out
}

/// JSON carried by `error` events and `/__lorebook/status`.
pub fn errors_json(messages: &[String]) -> String {
    serde_json::json!({ "messages": messages }).to_string()
}

/// The events a stream owes a browser that has seen `sent` and now learns
/// `state`. Returns the events and the new "seen" state.
pub fn events_for(sent: &Sent, state: &BuildState) -> (Vec<String>, Sent) {
    let mut out = Vec::new();
    if state.token != sent.token {
        out.push(event("reload", &state.token));
    } else if state.errors != sent.errors {
        match &state.errors {
            Some(messages) => out.push(event("error", &errors_json(messages))),
            None => out.push(event("ok", "")),
        }
    }
    (
        out,
        Sent {
            token: state.token.clone(),
            errors: state.errors.clone(),
        },
    )
}

/// What a stream has told its browser so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub token: String,
    pub errors: Option<Arc<Vec<String>>>,
}

/// Run one event stream until the browser goes away or the hub closes.
/// `since` is the token of the page the browser shows.
pub fn stream_events(mut out: impl Write, hub: &Hub, since: &str) -> std::io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
          Cache-Control: no-cache\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n\
          retry: 1000\n\n",
    )?;
    let state = hub.current();
    let closed = state.closed;
    let mut sent = Sent {
        token: since.to_string(),
        errors: None,
    };
    let mut seq = state.seq;
    let (events, next) = events_for(&sent, &state);
    sent = next;
    for e in events {
        out.write_all(e.as_bytes())?;
    }
    out.flush()?;
    if closed {
        return Ok(());
    }
    loop {
        let state = hub.wait(seq, HEARTBEAT);
        if state.closed {
            return Ok(());
        }
        if state.seq == seq {
            out.write_all(b": ping\n\n")?;
        } else {
            seq = state.seq;
            let (events, next) = events_for(&sent, &state);
            sent = next;
            for e in events {
                out.write_all(e.as_bytes())?;
            }
        }
        out.flush()?;
    }
}

/// Insert the live-reload script before the last `</body>` (or at the end).
pub fn inject(html: &[u8], token: &str) -> Vec<u8> {
    let script = script_tag(token);
    let at = rfind_ascii_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(html.get(..at).unwrap_or(html));
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(html.get(at..).unwrap_or(&[]));
    out
}

fn rfind_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The `<script>` element served pages carry.
pub fn script_tag(token: &str) -> String {
    // The token is `[0-9a-f-]` only; escape anyway so it can never end the
    // attribute.
    format!(
        "<script data-lorebook-token=\"{}\">{}</script>",
        crate::urls::escape_html(token),
        LIVE_RELOAD_JS
    )
}

/// Connects to `/__lorebook/events`, reloads on `reload` (keeping the scroll
/// position when the same page comes back) and shows build errors as an
/// overlay built with DOM APIs and `textContent` (never HTML).
pub const LIVE_RELOAD_JS: &str = r#"
(function () {
  var me = document.currentScript;
  var token = me ? me.getAttribute("data-lorebook-token") || "" : "";
  var KEY = "lorebook-serve-scroll";
  try {
    var saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
    if (saved && saved.path === location.pathname + location.search) {
      var restore = function () { window.scrollTo(saved.x, saved.y); };
      if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
    }
  } catch (e) {}
  function reload() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({
        path: location.pathname + location.search, x: window.scrollX, y: window.scrollY
      }));
    } catch (e) {}
    location.reload();
  }
  var overlay = null;
  function hideErrors() {
    if (overlay && overlay.parentNode) { overlay.parentNode.removeChild(overlay); }
    overlay = null;
  }
  function showErrors(messages) {
    hideErrors();
    overlay = document.createElement("div");
    overlay.id = "lorebook-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(24,4,4,.94);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
    var title = document.createElement("p");
    title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ff8080";
    title.textContent = "The last build failed. This page shows the last good build.";
    overlay.appendChild(title);
    for (var i = 0; i < messages.length; i++) {
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0 0 1rem;white-space:pre-wrap";
      pre.textContent = String(messages[i]);
      overlay.appendChild(pre);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.addEventListener("click", hideErrors);
    overlay.appendChild(close);
    (document.body || document.documentElement).appendChild(overlay);
  }
  if (!window.EventSource) { return; }
  var source = new EventSource("/__lorebook/events?since=" + encodeURIComponent(token));
  source.addEventListener("reload", function () { source.close(); reload(); });
  source.addEventListener("ok", hideErrors);
  source.addEventListener("error", function (e) {
    // Connection errors carry no data; EventSource reconnects by itself.
    if (!e.data) { return; }
    try { showErrors(JSON.parse(e.data).messages || []); } catch (err) {}
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_closing_body() {
        let html = b"<html><body><p>x</p><!-- </body> --></BODY></html>";
        let out = String::from_utf8(inject(html, "t1")).expect("utf-8");
        let script_at = out
            .find("<script data-lorebook-token=\"t1\">")
            .expect("injected");
        assert!(script_at > out.find("<!-- </body> -->").expect("comment kept"));
        assert!(out.ends_with("</script></BODY></html>"));
    }

    #[test]
    fn script_is_appended_when_there_is_no_body_tag() {
        let out = String::from_utf8(inject(b"<p>bare</p>", "t")).expect("utf-8");
        assert!(out.starts_with("<p>bare</p><script"));
        assert!(out.ends_with("</script>"));
    }

    #[test]
    fn events_carry_multiline_data_line_by_line() {
        assert_eq!(event("reload", "a-1"), "event: reload\ndata: a-1\n\n");
        assert_eq!(event("error", "x\ny"), "event: error\ndata: x\ndata: y\n\n");
        assert_eq!(event("ok", ""), "event: ok\ndata: \n\n");
    }

    fn state(token: &str, errors: Option<Vec<&str>>) -> BuildState {
        BuildState {
            token: token.into(),
            errors: errors.map(|e| Arc::new(e.into_iter().map(String::from).collect())),
            seq: 0,
            closed: false,
        }
    }

    #[test]
    fn a_browser_behind_the_current_build_reloads_on_connect() {
        let sent = Sent {
            token: "old".into(),
            errors: None,
        };
        let (events, _) = events_for(&sent, &state("new", None));
        assert_eq!(events, vec![event("reload", "new")]);
    }

    #[test]
    fn a_failed_build_sends_its_messages_then_a_good_one_reloads() {
        let sent = Sent {
            token: "t1".into(),
            errors: None,
        };
        let failed = state("t1", Some(vec!["content/a.md:2:1: error: bad"]));
        let (events, sent) = events_for(&sent, &failed);
        assert_eq!(events.len(), 1);
        assert!(events[0].starts_with("event: error\n"));
        assert!(events[0].contains("content/a.md:2:1: error: bad"));
        let (again, sent) = events_for(&sent, &failed);
        assert!(again.is_empty(), "same error is not sent twice");
        let (fixed, _) = events_for(&sent, &state("t2", None));
        assert_eq!(fixed, vec![event("reload", "t2")]);
    }

    #[test]
    fn waiting_returns_when_a_build_is_published() {
        let hub = Arc::new(Hub::new("t0".into()));
        let seen = hub.current().seq;
        let publisher = {
            let hub = Arc::clone(&hub);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                hub.publish_ok("t1".into());
            })
        };
        let state = hub.wait(seen, Duration::from_secs(10));
        assert_eq!(state.token, "t1");
        assert!(publisher.join().is_ok());
        let idle = hub.wait(state.seq, Duration::from_millis(10));
        assert_eq!(idle.seq, state.seq, "times out without change");
    }

    #[test]
    fn stream_reports_errors_pending_at_connect_and_stops_on_close() {
        let hub = Hub::new("t1".into());
        hub.publish_errors(&[Diagnostic::error("content/a.md", "broken").at(3, 1)]);
        hub.close();
        let mut out = Vec::new();
        stream_events(&mut out, &hub, "t1").expect("stream");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("Content-Type: text/event-stream"));
        assert!(text.contains(
            "event: error\ndata: {\"messages\":[\"content/a.md:3:1: error: broken\"]}\n\n"
        ));
        assert!(!text.contains("event: reload"));
    }
}
