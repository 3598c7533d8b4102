//! The HTTP client of a pull: ureq with timeouts, gzip, a cap on response
//! size, a polite pace per host (a minimum interval between requests and a
//! bound on requests in flight), and retries with exponential backoff and
//! jitter on 429, 5xx and broken connections, honouring `Retry-After`.
//! Every error names the source and the URL (with credentials in the query
//! string masked).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::error::PullError;

/// How one source's requests are made.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Longest wait for a connection or for the next bytes of a response.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; it doubles on each retry, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Longest `Retry-After` (or rate-limit reset) the pull waits for;
    /// beyond it, the pull stops with an error saying when to try again.
    pub max_wait: Duration,
    /// Minimum interval between two requests to the host.
    pub interval: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Largest response body read.
    pub max_body: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: Duration::from_secs(30),
            retries: 4,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_wait: Duration::from_secs(3600),
            interval: Duration::from_millis(500),
            concurrency: 1,
            max_body: 64 << 20,
        }
    }
}

/// A response read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    headers: Vec<(String, String)>,
    /// The URL as shown in messages.
    pub shown_url: String,
}

impl Reply {
    /// A header's value (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The headers a pull looks at (others are not kept).
const KEPT_HEADERS: &[&str] = &[
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-used",
    "x-ratelimit-resource",
    "content-type",
];

/// One source's client: a ureq agent, the pacing gate and the counters.
pub struct Client {
    agent: ureq::Agent,
    pub settings: HttpSettings,
    source: String,
    gate: Gate,
    requests: AtomicU64,
    retried: AtomicU64,
}

impl Client {
    pub fn new(source: &str, settings: HttpSettings) -> Client {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(settings.timeout)
            .timeout_read(settings.timeout)
            .timeout_write(settings.timeout)
            .user_agent(concat!(
                "lorebook/",
                env!("CARGO_PKG_VERSION"),
                " (forum pull; +https://crates.io/crates/lorebook)"
            ))
            .build();
        Client {
            agent,
            gate: Gate::new(settings.interval, settings.concurrency),
            settings,
            source: source.to_string(),
            requests: AtomicU64::new(0),
            retried: AtomicU64::new(0),
        }
    }

    /// Requests sent so far (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Retries so far.
    pub fn retried(&self) -> u64 {
        self.retried.load(Ordering::Relaxed)
    }

    pub fn get(&self, url: &str, headers: &[(&str, String)]) -> Result<Reply, PullError> {
        self.send("GET", url, headers, None)
    }

    pub fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> Result<Reply, PullError> {
        self.send("POST", url, headers, Some(body))
    }

    /// Send a request, retrying what a retry can fix. Any status that is not
    /// retried is returned as a `Reply` for the caller to judge.
    fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Option<&str>,
    ) -> Result<Reply, PullError> {
        let shown = redact(url);
        let mut attempt = 0;
        loop {
            let outcome = {
                let _slot = self.gate.enter();
                self.requests.fetch_add(1, Ordering::Relaxed);
                self.once(method, url, headers, body, &shown)
            };
            let (problem, retry_after) = match outcome {
                Attempt::Done(reply) => return Ok(reply),
                Attempt::Retry {
                    problem,
                    retry_after,
                } => (problem, retry_after),
            };
            if attempt >= self.settings.retries {
                let tries = attempt + 1;
                return Err(PullError::new(
                    &self.source,
                    format!("{method} {shown}: {problem} (gave up after {tries} attempts)"),
                )
                .with_hint("the forum or the network is having trouble: run the pull again later; it goes on where it stopped"));
            }
            let wait = match retry_after {
                Some(wait) if wait > self.settings.max_wait => {
                    return Err(PullError::new(
                        &self.source,
                        format!(
                            "{method} {shown}: {problem}; the server asks to wait {} s",
                            wait.as_secs()
                        ),
                    )
                    .with_hint("run the pull again after that; it goes on where it stopped"));
                }
                Some(wait) => wait + jitter(Duration::from_millis(250)),
                None => backoff(&self.settings, attempt),
            };
            self.retried.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn once(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Option<&str>,
        shown: &str,
    ) -> Attempt {
        // Connection and each read have `timeout`; ureq's overall timeout
        // would replace them, so none is set.
        let mut request = self.agent.request(method, url);
        for (name, value) in headers {
            request = request.set(name, value);
        }
        let result = match body {
            Some(b) => request
                .set("Content-Type", "application/json")
                .send_string(b),
            None => request.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                return Attempt::Retry {
                    problem: transport_message(&t),
                    retry_after: None,
                };
            }
        };
        let status = response.status();
        let kept: Vec<(String, String)> = KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                response
                    .header(name)
                    .map(|v| (name.to_string(), v.to_string()))
            })
            .collect();
        let mut bytes = Vec::new();
        let read = response
            .into_reader()
            .take(self.settings.max_body + 1)
            .read_to_end(&mut bytes);
        if let Err(e) = read {
            return Attempt::Retry {
                problem: if e.kind() == std::io::ErrorKind::TimedOut
                    || e.kind() == std::io::ErrorKind::WouldBlock
                {
                    format!(
                        "no response within {} s",
                        self.settings.timeout.as_secs_f64()
                    )
                } else {
                    format!(
                        "the response was cut short after {} bytes ({e})",
                        bytes.len()
                    )
                },
                retry_after: None,
            };
        }
        if bytes.len() as u64 > self.settings.max_body {
            return Attempt::Done(Reply {
                status: 0,
                body: format!(
                    "the response is larger than {} MB",
                    self.settings.max_body >> 20
                ),
                headers: kept,
                shown_url: shown.to_string(),
            });
        }
        let reply = Reply {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            headers: kept,
            shown_url: shown.to_string(),
        };
        let retry_after = reply.header("retry-after").and_then(parse_retry_after);
        let retryable = status == 429 || status >= 500 || (status == 403 && retry_after.is_some());
        if retryable {
            return Attempt::Retry {
                problem: format!("HTTP {status}{}", status_text(status)),
                retry_after,
            };
        }
        Attempt::Done(reply)
    }

    /// A reply that must be 2xx JSON, parsed into `T`. 401, 403 and 404
    /// become errors that say what to check; malformed JSON an error with
    /// its line and column.
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        reply: &Reply,
        auth_hint: &str,
    ) -> Result<T, PullError> {
        if !reply.ok() {
            return Err(self.status_error(reply, auth_hint));
        }
        self.parse(reply)
    }

    /// Parse a reply's body whatever its status.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, reply: &Reply) -> Result<T, PullError> {
        serde_json::from_str(&reply.body).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            PullError::new(
                &self.source,
                format!(
                    "{}: malformed JSON at line {}, column {}: {message}",
                    reply.shown_url,
                    e.line(),
                    e.column()
                ),
            )
            .with_hint("the address may not be the forum's API (check `url:` and `pull.api_url:`), or the response was damaged; run the pull again")
        })
    }

    /// The error for a reply with a status the caller does not handle.
    pub fn status_error(&self, reply: &Reply, auth_hint: &str) -> PullError {
        let status = reply.status;
        let snippet: String = reply.body.chars().take(200).collect();
        let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        let what = if status == 0 {
            reply.body.clone()
        } else {
            format!("HTTP {status}{}", status_text(status))
        };
        let message = if snippet.is_empty() || status == 0 {
            format!("{}: {what}", reply.shown_url)
        } else {
            format!("{}: {what}: {snippet}", reply.shown_url)
        };
        let hint = match status {
            401 | 403 => auth_hint.to_string(),
            404 => "check the source's `url:` (or `pull.api_url:`) and the names in `pull:` (category, site, repository)".to_string(),
            _ => String::new(),
        };
        let e = PullError::new(&self.source, message);
        if hint.is_empty() {
            e
        } else {
            e.with_hint(hint)
        }
    }
}

enum Attempt {
    Done(Reply),
    Retry {
        problem: String,
        retry_after: Option<Duration>,
    },
}

fn transport_message(t: &ureq::Transport) -> String {
    let mut text = t.to_string();
    // ureq includes the URL, with any key in it: say it without.
    if let Some(url) = t.url() {
        text = text.replace(url.as_str(), &redact(url.as_str()));
    }
    if text.to_ascii_lowercase().contains("timed out") {
        format!("no response in time ({text})")
    } else {
        text
    }
}

fn status_text(status: u16) -> &'static str {
    match status {
        400 => " Bad Request",
        401 => " Unauthorized",
        403 => " Forbidden",
        404 => " Not Found",
        410 => " Gone",
        429 => " Too Many Requests",
        500 => " Internal Server Error",
        502 => " Bad Gateway",
        503 => " Service Unavailable",
        504 => " Gateway Timeout",
        _ => "",
    }
}

/// `Retry-After`: seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = chrono::Utc::now();
    let secs = (when.with_timezone(&chrono::Utc) - now)
        .num_seconds()
        .max(0);
    Some(Duration::from_secs(secs as u64))
}

/// Exponential backoff with jitter: between half and all of
/// `backoff * 2^attempt`, capped.
fn backoff(settings: &HttpSettings, attempt: u32) -> Duration {
    let full = settings
        .backoff
        .saturating_mul(1u32 << attempt.min(16))
        .min(settings.max_backoff);
    full / 2 + jitter(full / 2)
}

/// A random duration up to `max` (std's hasher keys are random per process).
fn jitter(max: Duration) -> Duration {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    let r = h.finish();
    let nanos = max.as_nanos() as u64;
    if nanos == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(r % nanos)
}

/// A URL fit for messages: query values that are credentials are masked.
pub fn redact(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            if matches!(name, "key" | "access_token" | "api_key" | "token") {
                format!("{name}=***")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// The pace of one host: at most `concurrency` requests in flight, and
/// request starts at least `interval` apart.
struct Gate {
    interval: Duration,
    next: Mutex<Instant>,
    limit: usize,
    busy: Mutex<usize>,
    freed: Condvar,
}

struct Slot<'a>(&'a Gate);

impl Gate {
    fn new(interval: Duration, concurrency: usize) -> Gate {
        Gate {
            interval,
            next: Mutex::new(Instant::now()),
            limit: concurrency.max(1),
            busy: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn enter(&self) -> Slot<'_> {
        {
            let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
            while *busy >= self.limit {
                busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
            }
            *busy += 1;
        }
        let wait = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let start = (*next).max(now);
            *next = start + self.interval;
            start - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut busy = self.0.busy.lock().unwrap_or_else(|e| e.into_inner());
        *busy -= 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::pull::loopback::{Reply as Canned, Server};

    fn quick() -> HttpSettings {
        HttpSettings {
            timeout: Duration::from_millis(400),
            retries: 2,
            backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(50),
            max_wait: Duration::from_secs(5),
            interval: Duration::ZERO,
            concurrency: 4,
            max_body: 1 << 20,
        }
    }

    #[test]
    fn a_429_with_retry_after_is_waited_for_then_retried() {
        let server = Server::scripted(vec![
            Canned::status(429).header("Retry-After", "1"),
            Canned::json(200, r#"{"ok": true}"#),
        ]);
        let client = Client::new("s", quick());
        let started = Instant::now();
        let reply = client.get(&server.url("/x"), &[]).unwrap();
        assert_eq!(reply.body, r#"{"ok": true}"#);
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "Retry-After honoured"
        );
        assert_eq!((client.requests(), client.retried()), (2, 1));
    }

    #[test]
    fn a_500_then_success_is_retried_with_backoff() {
        let server = Server::scripted(vec![
            Canned::status(500),
            Canned::status(503),
            Canned::json(200, "{}"),
        ]);
        let client = Client::new("s", quick());
        assert!(client.get(&server.url("/x"), &[]).unwrap().ok());
        assert_eq!(client.requests(), 3);
    }

    #[test]
    fn persistent_5xx_gives_up_naming_source_and_url() {
        let server = Server::scripted(vec![Canned::status(502); 3]);
        let client = Client::new("community", quick());
        let err = client
            .get(&server.url("/latest.json?page=2"), &[])
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("forum source `community`"), "{text}");
        assert!(text.contains("/latest.json?page=2"), "{text}");
        assert!(
            text.contains("HTTP 502") && text.contains("3 attempts"),
            "{text}"
        );
    }

    #[test]
    fn a_truncated_body_is_retried_then_reported() {
        let server = Server::scripted(vec![
            Canned::json(200, r#"{"items": [1, 2, 3]}"#).truncated(8),
            Canned::json(200, r#"{"items": [1, 2, 3]}"#).truncated(8),
            Canned::json(200, r#"{"items": [1, 2, 3]}"#).truncated(8),
        ]);
        let client = Client::new("s", quick());
        let err = client.get(&server.url("/q"), &[]).unwrap_err().to_string();
        assert!(err.contains("cut short"), "{err}");
        let server = Server::scripted(vec![
            Canned::json(200, r#"{"items": [1]}"#).truncated(5),
            Canned::json(200, r#"{"items": [1]}"#),
        ]);
        let reply = client.get(&server.url("/q"), &[]).unwrap();
        assert_eq!(reply.body, r#"{"items": [1]}"#);
    }

    #[test]
    fn a_slow_response_times_out() {
        let server = Server::scripted(vec![
            Canned::json(200, "{}").delayed(Duration::from_millis(1500)),
            Canned::json(200, "{}").delayed(Duration::from_millis(1500)),
            Canned::json(200, "{}").delayed(Duration::from_millis(1500)),
        ]);
        let client = Client::new("s", quick());
        let started = Instant::now();
        let err = client
            .get(&server.url("/slow"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("in time") || err.contains("within"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn gzip_bodies_are_decoded() {
        let server = Server::scripted(vec![Canned::json(200, r#"{"quota_remaining": 9}"#).gzip()]);
        let client = Client::new("s", quick());
        let reply = client.get(&server.url("/2.3/questions"), &[]).unwrap();
        assert_eq!(reply.body, r#"{"quota_remaining": 9}"#);
    }

    #[test]
    fn malformed_json_and_404_are_clear_errors() {
        let server = Server::scripted(vec![
            Canned::json(200, "{\n  \"topic_list\": {,\n}"),
            Canned::json(
                404,
                r#"{"errors": ["The requested URL or resource could not be found."]}"#,
            ),
        ]);
        let client = Client::new("community", quick());
        let reply = client.get(&server.url("/latest.json"), &[]).unwrap();
        let err = client
            .json::<serde_json::Value>(&reply, "")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/latest.json: malformed JSON at line 2"),
            "{err}"
        );
        let reply = client.get(&server.url("/t/9.json"), &[]).unwrap();
        let err = client.json::<serde_json::Value>(&reply, "").unwrap_err();
        assert!(
            err.to_string().contains("/t/9.json: HTTP 404 Not Found"),
            "{err}"
        );
        assert!(
            err.hint.as_deref().unwrap_or("").contains("url:"),
            "{err:?}"
        );
    }

    #[test]
    fn credentials_in_urls_are_masked() {
        assert_eq!(
            redact("https://api.stackexchange.com/2.3/questions?site=so&key=SECRET&page=2"),
            "https://api.stackexchange.com/2.3/questions?site=so&key=***&page=2"
        );
        assert_eq!(redact("https://x/y"), "https://x/y");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn requests_are_spaced_by_the_interval() {
        let server = Server::scripted(vec![Canned::json(200, "{}"); 3]);
        let mut settings = quick();
        settings.interval = Duration::from_millis(200);
        let client = Client::new("s", settings);
        let started = Instant::now();
        for _ in 0..3 {
            client.get(&server.url("/x"), &[]).unwrap();
        }
        assert!(started.elapsed() >= Duration::from_millis(400));
    }
}
