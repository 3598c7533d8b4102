//! The HTTP side of `lorebook serve`, on tiny_http: binds (127.0.0.1 by
//! default, trying the next ports when one is taken), answers from the current
//! in-memory snapshot with a bounded pool of worker threads, injects the
//! live-reload script into HTML, and runs the bounded set of event streams.
//!
//! Requests are answered from memory and never block on a build: a rebuild
//! swaps in a new snapshot when it is complete, and a request keeps the one it
//! started with.

use std::fs::File;
use std::io::{Cursor, Read};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload::{self, Hub};
use super::resolve::{self, Resolved, MAX_URL_BYTES};
use super::site_files::{Body, Entry, SiteFiles, Update};
use crate::diagnostics::Diagnostic;

/// How the HTTP server is set up.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub interface: IpAddr,
    /// First port to try; 0 asks the system for a free one.
    pub port: u16,
    /// How many ports after `port` to try when it is taken.
    pub port_tries: u16,
    /// Worker threads answering requests.
    pub workers: usize,
    /// Open live-reload streams at most (each holds a thread).
    pub max_event_clients: usize,
    /// Socket read/write timeout: a client that sends nothing (or stops
    /// reading) for this long is dropped.
    pub io_timeout: Duration,
    /// Folders that `Contents::Copy` sources must lie in (symlinks resolved).
    pub allowed_roots: Vec<PathBuf>,
    /// Host names accepted in the `Host` header besides IP addresses and
    /// `localhost` (`--allow-host`); others get 403 (DNS rebinding).
    pub allowed_hosts: Vec<String>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            interface: IpAddr::from([127, 0, 0, 1]),
            port: 1111,
            port_tries: 10,
            workers: 8,
            max_event_clients: 64,
            io_timeout: Duration::from_secs(10),
            allowed_roots: Vec::new(),
            allowed_hosts: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("ports {first} to {last} are all taken")]
    PortsTaken { first: u16, last: u16 },
    #[error("cannot start the HTTP server: {0}")]
    Http(String),
    #[error("`{0}` is not an IP address to listen on")]
    Interface(String),
    #[error("cannot watch files: {0}")]
    Watch(String),
}

/// A snapshot and the token browsers know it by.
#[derive(Debug)]
struct Snapshot {
    files: SiteFiles,
    token: String,
    /// True until the first good build is published.
    placeholder: bool,
}

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    hub: Hub,
    roots: Vec<PathBuf>,
    event_clients: AtomicUsize,
    max_event_clients: usize,
    stop: AtomicBool,
    instance: String,
    generation: AtomicU64,
    allowed_hosts: Vec<String>,
    /// The tiny_http server answering now; replaced when its accept thread
    /// dies (see [`supervise`]).
    http: RwLock<Arc<tiny_http::Server>>,
    /// A second handle on the listening socket, so the socket outlives a
    /// tiny_http server whose accept thread died and a new one can take it.
    listener: TcpListener,
    /// Set by a worker that received tiny_http's accept error.
    accept_failed: AtomicBool,
    /// The accept failure was reported (once per server).
    reported: AtomicBool,
}

impl Shared {
    fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn http(&self) -> Arc<tiny_http::Server> {
        Arc::clone(&self.http.read().unwrap_or_else(|e| e.into_inner()))
    }
}

/// A running HTTP server. Dropping it stops the workers.
pub struct Server {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    addr: SocketAddr,
    notes: Vec<String>,
}

impl Server {
    /// Bind and start answering (a placeholder page until the first
    /// [`Server::publish`]).
    pub fn start(options: &HttpOptions) -> Result<Server, ServeError> {
        let (listener, notes) = bind(options)?;
        set_socket_timeouts(&listener, options.io_timeout);
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::Http(e.to_string()))?;
        let kept = listener
            .try_clone()
            .map_err(|e| ServeError::Http(e.to_string()))?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| ServeError::Http(e.to_string()))?;
        let http = Arc::new(http);
        install_panic_hook();
        let instance = format!(
            "{:x}",
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_micros())
                & 0xffff_ffff_ffff
        );
        let token = format!("{instance}-0");
        let roots = options
            .allowed_roots
            .iter()
            .filter_map(|r| r.canonicalize().ok())
            .collect();
        let shared = Arc::new(Shared {
            snapshot: RwLock::new(Arc::new(Snapshot {
                files: SiteFiles::default(),
                token: token.clone(),
                placeholder: true,
            })),
            hub: Hub::new(token),
            roots,
            event_clients: AtomicUsize::new(0),
            max_event_clients: options.max_event_clients,
            stop: AtomicBool::new(false),
            instance,
            generation: AtomicU64::new(0),
            allowed_hosts: options.allowed_hosts.clone(),
            http: RwLock::new(http),
            listener: kept,
            accept_failed: AtomicBool::new(false),
            reported: AtomicBool::new(false),
        });
        let workers = (0..options.workers.max(1))
            .map(|i| {
                let shared = Arc::clone(&shared);
                std::thread::Builder::new()
                    .name(format!("serve-worker-{i}"))
                    .spawn(move || worker(&shared))
                    .map_err(|e| ServeError::Http(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("serve-accept-watch".into())
                .spawn(move || supervise(&shared))
                .map_err(|e| ServeError::Http(e.to_string()))?;
        }
        if cfg!(unix) {
            let shared = Arc::clone(&shared);
            let every = (options.io_timeout / 4).max(Duration::from_millis(50));
            std::thread::Builder::new()
                .name("serve-keepalive".into())
                .spawn(move || keep_accepting(addr, every, shared))
                .map_err(|e| ServeError::Http(e.to_string()))?;
        }
        Ok(Server {
            shared,
            workers,
            addr,
            notes,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:1111/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Messages about ports that were taken while binding.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Swap in the site after a good build and tell browsers to reload.
    /// Returns the new token.
    pub fn publish(&self, update: Update) -> String {
        let current = self.shared.current();
        let files = if current.placeholder {
            SiteFiles::default().apply(update)
        } else {
            current.files.apply(update)
        };
        let generation = self.shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("{}-{generation}", self.shared.instance);
        let next = Arc::new(Snapshot {
            files,
            token: token.clone(),
            placeholder: false,
        });
        *self
            .shared
            .snapshot
            .write()
            .unwrap_or_else(|e| e.into_inner()) = next;
        self.shared.hub.publish_ok(token.clone());
        token
    }

    /// Apply `update` to the served site without a reload: pages keep their
    /// token (for files no page embeds, such as the search index).
    pub fn publish_quiet(&self, update: Update) {
        let current = self.shared.current();
        if current.placeholder {
            return;
        }
        let next = Arc::new(Snapshot {
            files: current.files.apply(update),
            token: current.token.clone(),
            placeholder: false,
        });
        *self
            .shared
            .snapshot
            .write()
            .unwrap_or_else(|e| e.into_inner()) = next;
    }

    /// Report a failed build; the last good snapshot keeps being served.
    pub fn fail(&self, diagnostics: &[Diagnostic]) {
        self.shared.hub.publish_errors(diagnostics);
    }

    /// Files of the snapshot being served, in order.
    pub fn served_keys(&self) -> Vec<String> {
        self.shared
            .current()
            .files
            .keys()
            .map(String::from)
            .collect()
    }

    /// Stop the workers and the event streams.
    pub fn shutdown(mut self) {
        self.stop_all();
    }

    fn stop_all(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.hub.close();
        self.shared.http().unblock();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_all();
    }
}

fn bind(options: &HttpOptions) -> Result<(TcpListener, Vec<String>), ServeError> {
    let mut notes = Vec::new();
    let first = options.port;
    let tries = if first == 0 {
        1
    } else {
        options.port_tries.max(1)
    };
    let mut port = first;
    for _ in 0..tries {
        let addr = SocketAddr::new(options.interface, port);
        match TcpListener::bind(addr) {
            Ok(listener) => return Ok((listener, notes)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                notes.push(format!(
                    "port {port} is taken, trying {}",
                    port.saturating_add(1)
                ));
            }
            Err(source) => {
                return Err(ServeError::Bind {
                    addr: addr.to_string(),
                    source,
                })
            }
        }
        port = match port.checked_add(1) {
            Some(p) => p,
            None => break,
        };
    }
    Err(ServeError::PortsTaken {
        first,
        last: port.saturating_sub(1).max(first),
    })
}

/// tiny_http sets no socket timeouts, and its connection pool can starve: a
/// few idle or half-sent connections hold its threads while the connection
/// carrying a real request waits in its queue. Accepted sockets inherit the
/// listening socket's timeouts on Linux and the BSDs, so both are set here;
/// tiny_http then answers a stalled client with 408 and closes it, and a
/// write to a client that stopped reading fails instead of blocking a worker.
/// The receive timeout also bounds `accept()`, which would end tiny_http's
/// accept loop after a quiet spell; [`keep_accepting`] prevents that.
#[cfg(unix)]
fn set_socket_timeouts(listener: &TcpListener, timeout: Duration) {
    use std::os::unix::io::AsRawFd;
    let tv = libc::timeval {
        tv_sec: timeout.as_secs().try_into().unwrap_or(libc::time_t::MAX),
        // Below one million, so it fits every platform's `suseconds_t`.
        tv_usec: timeout.subsec_micros() as libc::suseconds_t,
    };
    for option in [libc::SO_RCVTIMEO, libc::SO_SNDTIMEO] {
        // SAFETY: the fd is a valid open socket owned by `listener` for the
        // duration of the call, and `tv` is a properly sized `timeval` that
        // outlives it.
        unsafe {
            libc::setsockopt(
                listener.as_raw_fd(),
                libc::SOL_SOCKET,
                option,
                (&tv as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
        }
    }
}

/// Connect to our own listener well within the accept timeout so tiny_http's
/// `accept()` never times out (the connection closes at once; tiny_http
/// reads end-of-file and drops it).
fn keep_accepting(addr: SocketAddr, every: Duration, stop: Arc<Shared>) {
    let target = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], addr.port())),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::from(std::net::Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    };
    while !stop.stop.load(Ordering::SeqCst) {
        std::thread::sleep(every);
        let _ = std::net::TcpStream::connect_timeout(&target, every);
    }
}

#[cfg(not(unix))]
fn set_socket_timeouts(_listener: &TcpListener, _timeout: Duration) {}

fn worker(shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        let http = shared.http();
        match http.recv_timeout(Duration::from_millis(250)) {
            Ok(Some(request)) => handle(request, shared),
            Ok(None) => {}
            Err(e) => {
                // tiny_http's accept loop ended (EMFILE, a timeout): the
                // supervisor starts a new one on the same socket.
                if !shared.stop.load(Ordering::SeqCst) {
                    report_accept_failure(shared, &e.to_string());
                    shared.accept_failed.store(true, Ordering::SeqCst);
                }
            }
        }
    }
}

/// Panics in tiny_http's threads, counted by the hook that
/// [`install_panic_hook`] installs. Its accept thread unwraps a `dup()` of
/// each accepted socket, which fails when file descriptors run out
/// (EMFILE): the thread then dies without telling anyone. Process-wide
/// because panic hooks are.
static HTTP_PANICS: AtomicU64 = AtomicU64::new(0);

/// Count panics raised inside tiny_http (and keep their backtrace off the
/// terminal: the server reports and recovers from them); any other panic
/// goes to the previous hook as before.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .location()
                .is_some_and(|l| l.file().contains("tiny_http"))
            {
                HTTP_PANICS.fetch_add(1, Ordering::SeqCst);
            } else {
                previous(info);
            }
        }));
    });
}

fn report_accept_failure(shared: &Shared, what: &str) {
    if !shared.reported.swap(true, Ordering::SeqCst) {
        eprintln!("warning: the server cannot accept connections: {what}; it keeps retrying");
        eprintln!("  hint: too many open connections or files? raise the limit with `ulimit -n`");
    }
}

/// Watch tiny_http's accept thread and, when it has died (an accept error
/// such as EMFILE ends its loop; a failed `dup()` panics it), start a new
/// tiny_http server on the same listening socket, backing off from 50 ms
/// to 2 s while the failures go on. Requests already queued are answered by
/// workers that still hold the old server.
fn supervise(shared: &Arc<Shared>) {
    const TICK: Duration = Duration::from_millis(50);
    const MAX_BACKOFF: Duration = Duration::from_secs(2);
    let mut panics = HTTP_PANICS.load(Ordering::SeqCst);
    let mut backoff = TICK;
    let mut last_failure: Option<std::time::Instant> = None;
    while !shared.stop.load(Ordering::SeqCst) {
        std::thread::sleep(TICK);
        let now_panics = HTTP_PANICS.load(Ordering::SeqCst);
        let panicked = now_panics != panics;
        panics = now_panics;
        let failed = shared.accept_failed.swap(false, Ordering::SeqCst) || panicked;
        if !failed {
            if last_failure.is_some_and(|t| t.elapsed() > Duration::from_secs(5)) {
                backoff = TICK;
                last_failure = None;
            }
            continue;
        }
        if panicked {
            report_accept_failure(
                shared,
                "its accept thread failed (out of file descriptors?)",
            );
        }
        last_failure = Some(std::time::Instant::now());
        while !shared.stop.load(Ordering::SeqCst) {
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(MAX_BACKOFF);
            if restart_http(shared).is_ok() {
                break;
            }
        }
    }
}

/// Put a new tiny_http server on the kept listening socket in place of the
/// current one.
fn restart_http(shared: &Shared) -> Result<(), String> {
    let listener = shared.listener.try_clone().map_err(|e| e.to_string())?;
    let next = tiny_http::Server::from_listener(listener, None).map_err(|e| e.to_string())?;
    let old = std::mem::replace(
        &mut *shared.http.write().unwrap_or_else(|e| e.into_inner()),
        Arc::new(next),
    );
    old.unblock();
    Ok(())
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond<R: Read>(
    request: Request,
    status: u16,
    headers: &[(&str, &str)],
    body: R,
    len: Option<usize>,
) {
    let headers = headers
        .iter()
        .filter_map(|(n, v)| header(n, v))
        .collect::<Vec<_>>();
    let response = Response::new(StatusCode(status), headers, body, len, None);
    // The client may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

fn respond_text(request: Request, status: u16, text: &str) {
    let bytes = text.as_bytes().to_vec();
    let len = bytes.len();
    respond(
        request,
        status,
        &[("Content-Type", "text/plain; charset=utf-8")],
        Cursor::new(bytes),
        Some(len),
    );
}

fn handle(request: Request, shared: &Arc<Shared>) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !resolve::host_allowed(host.as_deref(), &shared.allowed_hosts) {
        return respond_text(
            request,
            403,
            "This preview answers only to localhost, IP addresses and the names given with --allow-host.\n",
        );
    }
    let url = request.url().to_string();
    if url.len() > MAX_URL_BYTES {
        return respond_text(request, 414, "URI too long\n");
    }
    let method = request.method().clone();
    if let Some(rest) = url.strip_prefix("/__lorebook/") {
        return internal(request, rest, shared);
    }
    if method != Method::Get && method != Method::Head {
        return respond(
            request,
            405,
            &[("Allow", "GET, HEAD"), ("Content-Length", "0")],
            std::io::empty(),
            Some(0),
        );
    }
    let snapshot = shared.current();
    if snapshot.placeholder {
        return respond_html(request, 503, PLACEHOLDER.as_bytes(), &snapshot.token, None);
    }
    match resolve::resolve(&url, |key| snapshot.files.contains(key)) {
        Resolved::File(key) => match snapshot.files.get(&key) {
            Some(entry) => serve_entry(request, shared, &snapshot, &key, entry, 200),
            None => not_found(request, shared, &snapshot),
        },
        Resolved::Redirect(location) => {
            let location =
                percent_encoding::utf8_percent_encode(&location, percent_encoding::CONTROLS)
                    .to_string();
            respond(
                request,
                301,
                &[("Location", &location), ("Content-Length", "0")],
                std::io::empty(),
                Some(0),
            )
        }
        Resolved::NotFound => not_found(request, shared, &snapshot),
        Resolved::Rejected => respond_text(request, 400, "bad request path\n"),
        Resolved::TooLong => respond_text(request, 414, "URI too long\n"),
    }
}

fn not_found(request: Request, shared: &Arc<Shared>, snapshot: &Snapshot) {
    match snapshot.files.get("404.html") {
        Some(entry) => serve_entry(request, shared, snapshot, "404.html", entry, 404),
        None => respond_text(request, 404, "404 not found\n"),
    }
}

fn serve_entry(
    request: Request,
    shared: &Arc<Shared>,
    snapshot: &Snapshot,
    key: &str,
    entry: &Entry,
    status: u16,
) {
    let content_type = content_type(key);
    match &entry.body {
        Body::Bytes(bytes) => {
            if content_type.starts_with("text/html") {
                // The page carries the token, so its ETag does too.
                let etag = entry
                    .content_hash()
                    .map(|h| format!("\"{h}-{}\"", snapshot.token));
                respond_html(request, status, bytes, &snapshot.token, etag)
            } else {
                let etag = entry.content_hash().map(|h| format!("\"{h}\""));
                if status == 200 && etag_matches(&request, etag.as_deref()) {
                    return not_modified(request, etag.as_deref());
                }
                let mut headers = vec![
                    ("Content-Type", content_type),
                    ("Cache-Control", "no-cache"),
                ];
                if let Some(etag) = etag.as_deref() {
                    headers.push(("ETag", etag));
                }
                let len = bytes.len();
                respond(
                    request,
                    status,
                    &headers,
                    Cursor::new(Arc::clone(bytes)),
                    Some(len),
                )
            }
        }
        Body::Copy(source) => {
            let Some(real) = resolve::inside_roots(source, &shared.roots) else {
                return respond_text(request, 404, "404 not found\n");
            };
            let file = match File::open(&real) {
                Ok(f) => f,
                Err(_) => return respond_text(request, 404, "404 not found\n"),
            };
            let meta = file.metadata().ok();
            let len = meta.as_ref().map(|m| m.len() as usize);
            let mtime = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let etag = format!("W/\"{:x}-{mtime:x}\"", len.unwrap_or(0));
            if status == 200 && etag_matches(&request, Some(&etag)) {
                return not_modified(request, Some(&etag));
            }
            respond(
                request,
                status,
                &[
                    ("Content-Type", content_type),
                    ("Cache-Control", "no-cache"),
                    ("ETag", &etag),
                ],
                file,
                len,
            )
        }
    }
}

fn respond_html(request: Request, status: u16, html: &[u8], token: &str, etag: Option<String>) {
    if status == 200 && etag_matches(&request, etag.as_deref()) {
        return not_modified(request, etag.as_deref());
    }
    let body = reload::inject(html, token);
    let len = body.len();
    let mut headers = vec![
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-cache"),
    ];
    if let Some(etag) = etag.as_deref() {
        headers.push(("ETag", etag));
    }
    respond(request, status, &headers, Cursor::new(body), Some(len))
}

fn etag_matches(request: &Request, etag: Option<&str>) -> bool {
    let Some(etag) = etag else { return false };
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .flat_map(|h| h.value.as_str().split(','))
        .any(|candidate| candidate.trim() == "*" || strip(candidate) == strip(etag))
}

fn not_modified(request: Request, etag: Option<&str>) {
    let mut headers = vec![("Cache-Control", "no-cache")];
    if let Some(etag) = etag {
        headers.push(("ETag", etag));
    }
    respond(request, 304, &headers, std::io::empty(), None)
}

fn internal(request: Request, rest: &str, shared: &Arc<Shared>) {
    let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
    match name {
        "events" => events(request, query, shared),
        "status" => {
            let state = shared.hub.current();
            let body = serde_json::json!({
                "token": state.token,
                "ok": state.errors.is_none(),
                "messages": state.errors.as_deref().cloned().unwrap_or_default(),
            })
            .to_string();
            let len = body.len();
            respond(
                request,
                200,
                &[
                    ("Content-Type", "application/json"),
                    ("Cache-Control", "no-store"),
                ],
                Cursor::new(body.into_bytes()),
                Some(len),
            )
        }
        _ => respond_text(request, 404, "404 not found\n"),
    }
}

/// Decrements the stream count when a stream thread ends, however it ends.
struct StreamSlot(Arc<Shared>);

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.event_clients.fetch_sub(1, Ordering::SeqCst);
    }
}

fn events(request: Request, query: &str, shared: &Arc<Shared>) {
    let open = shared.event_clients.fetch_add(1, Ordering::SeqCst);
    let slot = StreamSlot(Arc::clone(shared));
    if open >= shared.max_event_clients {
        drop(slot);
        return respond_text(request, 503, "too many live-reload connections\n");
    }
    let since = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("since="))
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    let spawned = std::thread::Builder::new()
        .name("serve-events".into())
        .spawn(move || {
            let slot = slot;
            let out = request.into_writer();
            // Ends when the browser goes away (write fails) or on shutdown.
            let _ = reload::stream_events(out, &slot.0.hub, &since);
        });
    // If no thread could be made, the request and its slot were dropped with
    // the closure: the connection closes and the browser retries.
    let _ = spawned;
}

/// Content type by file extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "gz" => "application/gzip",
        "map" => "application/json",
        _ => "application/octet-stream",
    }
}

/// Served until the first good build: the live-reload script shows the
/// build's errors and reloads once a build succeeds.
const PLACEHOLDER: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>lorebook serve</title></head><body><p>No successful build yet; \
this page reloads by itself once the site builds.</p></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_cover_the_site_assets() {
        for (key, ty) in [
            ("a/index.html", "text/html; charset=utf-8"),
            ("assets/site.css", "text/css; charset=utf-8"),
            ("assets/search.js", "text/javascript; charset=utf-8"),
            ("search/meta.json", "application/json"),
            ("sitemap.xml", "application/xml"),
            ("logo.SVG", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpeg", "image/jpeg"),
            ("a.gif", "image/gif"),
            ("a.webp", "image/webp"),
            ("favicon.ico", "image/x-icon"),
            ("f.woff2", "font/woff2"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("x.wasm", "application/wasm"),
            ("doc.pdf", "application/pdf"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(key), ty, "{key}");
        }
    }
}
