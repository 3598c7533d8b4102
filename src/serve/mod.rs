//! `lorebook serve`: builds the site into memory, serves it over HTTP with
//! live reload, watches the inputs and rebuilds on change.
//!
//! The pieces: [`watch`] (changed paths -> [`ChangeSet`], debounced),
//! [`site_files`] (the immutable in-memory snapshot), [`resolve`] (URL ->
//! snapshot key, traversal-proof), [`server`] (tiny_http, bounded workers),
//! [`reload`] (injected script and server-sent events).
//!
//! This module does not know how to build a site: the caller passes a
//! [`Rebuild`] (a closure is one) that turns a [`ChangeSet`] into an
//! [`Update`] or the build's diagnostics, and may leave work for a
//! [`Rebuild::follow_up`] published after the reload (the search index of a
//! large site). A failed rebuild keeps the last good snapshot served and
//! shows the diagnostics in the terminal and in the browser.

pub mod rebuild;
pub mod reload;
pub mod resolve;
pub mod server;
pub mod site_files;
pub mod watch;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use rebuild::{Rebuild, RebuildResult, SiteRebuilder};
pub use server::{HttpOptions, ServeError, Server};
pub use site_files::{SiteFiles, Update};
pub use watch::{ChangeKind, ChangeSet, Debouncer, Layout, Watcher};

/// What `lorebook serve` takes from the command line.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub interface: String,
    pub port: u16,
    pub open: bool,
    /// Print only errors.
    pub quiet: bool,
    /// `--allow-host`: names accepted in the `Host` header besides IP
    /// addresses and `localhost`.
    pub allowed_hosts: Vec<String>,
}

/// `lorebook serve`: build `config`'s site into memory, serve it and rebuild
/// on every change until the process is stopped.
pub fn run(config: crate::config::Config, options: ServeOptions) -> Result<(), ServeError> {
    let interface: std::net::IpAddr = options
        .interface
        .parse()
        .map_err(|_| ServeError::Interface(options.interface.clone()))?;
    let mut settings = ServeSettings::new(Layout::from_config(&config));
    settings.http.interface = interface;
    settings.http.allowed_hosts = options.allowed_hosts.clone();
    if !interface.is_loopback() {
        eprintln!(
            "warning: listening on {interface}, which other machines can reach: anyone on the network can read the site, drafts included"
        );
        eprintln!(
            "  hint: only requests for IP addresses, localhost and names given with --allow-host are answered"
        );
    }
    if let Some(latest) = config
        .versions
        .iter()
        .find(|v| v.source == crate::versions::VersionSource::WorkingTree)
    {
        // One version is previewed: the one being edited.
        eprintln!(
            "note: previewing version `{}` (the working tree) only; `lorebook build` builds the others",
            crate::diagnostics::terminal_safe(&latest.name)
        );
    }
    settings.http.port = options.port;
    settings.http.allowed_roots = vec![
        config.root.clone(),
        config.content_dir.clone(),
        config.static_dir.clone(),
        config.themes_dir.clone(),
    ];
    settings.open = options.open;
    settings.verbose = !options.quiet;
    serve(settings, SiteRebuilder::new(config))
}

/// Everything `serve` needs besides the rebuild closure.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub http: HttpOptions,
    /// What to watch.
    pub layout: Layout,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Debounce quiet period and longest wait.
    pub quiet: Duration,
    pub max_wait: Duration,
    /// Print progress to stderr.
    pub verbose: bool,
}

impl ServeSettings {
    /// Defaults: 127.0.0.1:1111, 8 workers, 30 ms debounce; `Copy` sources
    /// must lie under the site root.
    pub fn new(layout: Layout) -> ServeSettings {
        let http = HttpOptions {
            allowed_roots: vec![layout.root.clone()],
            ..HttpOptions::default()
        };
        ServeSettings {
            http,
            layout,
            open: false,
            quiet: Debouncer::DEFAULT_QUIET,
            max_wait: Debouncer::DEFAULT_MAX_WAIT,
            verbose: true,
        }
    }
}

/// Serve until the process ends: first build, then rebuild on every change.
pub fn serve<F>(options: ServeSettings, rebuild: F) -> Result<(), ServeError>
where
    F: Rebuild,
{
    let never = AtomicBool::new(false);
    let (server, mut watcher, mut rebuild) = start(&options, rebuild)?;
    if options.open {
        open_browser(&server.url());
    }
    watch_loop(&server, &mut watcher, &mut rebuild, &never, options.verbose)
}

/// `serve` on a background thread, for tests and embedding.
pub struct Running {
    server: Arc<Server>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.addr()
    }

    /// Stop watching and serving; returns the watch loop's result.
    pub fn stop(mut self) -> Result<(), ServeError> {
        self.halt()
    }

    fn halt(&mut self) -> Result<(), ServeError> {
        self.stop.store(true, Ordering::SeqCst);
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ServeError::Watch("the watch thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.halt();
    }
}

/// Start serving (the first build runs before this returns) and watch on a
/// background thread.
pub fn spawn<F>(options: ServeSettings, rebuild: F) -> Result<Running, ServeError>
where
    F: Rebuild + Send + 'static,
{
    let (server, mut watcher, mut rebuild) = start(&options, rebuild)?;
    let server = Arc::new(server);
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let server = Arc::clone(&server);
        let stop = Arc::clone(&stop);
        let verbose = options.verbose;
        std::thread::Builder::new()
            .name("serve-watch".into())
            .spawn(move || watch_loop(&server, &mut watcher, &mut rebuild, &stop, verbose))
            .map_err(|e| ServeError::Watch(e.to_string()))?
    };
    Ok(Running {
        server,
        stop,
        thread: Some(thread),
    })
}

fn start<F>(options: &ServeSettings, mut rebuild: F) -> Result<(Server, Watcher, F), ServeError>
where
    F: Rebuild,
{
    // Watch before the first build so edits made during it are not lost.
    let watcher = Watcher::new(
        options.layout.clone(),
        Debouncer::new(options.quiet, options.max_wait),
    )
    .map_err(|e| ServeError::Watch(e.to_string()))?;
    let server = Server::start(&options.http)?;
    for note in server.notes() {
        eprintln!("{note}");
    }
    if run_build(&server, &mut rebuild, &ChangeSet::full(), options.verbose) {
        run_follow_up(&server, &mut rebuild, options.verbose, Instant::now());
    }
    eprintln!("Serving at {}", server.url());
    Ok((server, watcher, rebuild))
}

fn watch_loop<F>(
    server: &Server,
    watcher: &mut Watcher,
    rebuild: &mut F,
    stop: &AtomicBool,
    verbose: bool,
) -> Result<(), ServeError>
where
    F: Rebuild,
{
    // A follow-up waits for a short quiet spell, so a quick second save is
    // built first (the follow-up then covers both). One running in the
    // background is asked again every quiet 100 ms; a save meanwhile is
    // rebuilt at once.
    let mut follow_up_due = rebuild.follow_up_busy();
    let mut follow_up_since: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        let wait = if follow_up_due {
            Duration::from_millis(100)
        } else {
            Duration::from_millis(200)
        };
        match watcher.next_batch(wait) {
            Ok(None) if follow_up_due => {
                let since = *follow_up_since.get_or_insert_with(Instant::now);
                let done = run_follow_up(server, rebuild, verbose, since);
                follow_up_due = rebuild.follow_up_busy();
                if done || !follow_up_due {
                    follow_up_since = None;
                }
            }
            Ok(Some(batch)) => {
                follow_up_due |= run_build(server, rebuild, &batch, verbose);
                if let Err(e) = watcher.refresh() {
                    eprintln!(
                        "warning: cannot watch a new folder: {}",
                        crate::diagnostics::terminal_safe(&e.to_string())
                    );
                }
            }
            Ok(None) => {}
            Err(watch::WatchError::Notify(message)) => {
                eprintln!(
                    "warning: file watching: {}",
                    crate::diagnostics::terminal_safe(&message.to_string())
                );
            }
            Err(watch::WatchError::Stopped) => {
                return Err(ServeError::Watch("the file watcher stopped".into()))
            }
        }
    }
    Ok(())
}

/// Run one rebuild and publish its outcome; returns whether it succeeded.
fn run_build<F>(server: &Server, rebuild: &mut F, changes: &ChangeSet, verbose: bool) -> bool
where
    F: Rebuild,
{
    let started = Instant::now();
    match rebuild.rebuild(changes) {
        Ok(update) => {
            let files = update.len();
            server.publish(update);
            if verbose {
                eprintln!(
                    "Built in {} ms ({files} files{})",
                    started.elapsed().as_millis(),
                    describe(changes)
                );
            }
            true
        }
        Err(diagnostics) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            eprintln!("Build failed; still serving the last good build.");
            server.fail(&diagnostics);
            false
        }
    }
}

/// Publish what the last rebuild left to do, if it is ready (no reload);
/// whether anything was published or failed. `started` is when the
/// follow-up was first asked for (the time it took is printed from there).
fn run_follow_up<F: Rebuild>(
    server: &Server,
    rebuild: &mut F,
    verbose: bool,
    started: Instant,
) -> bool {
    match rebuild.follow_up() {
        None => false,
        Some(Ok(update)) => {
            let files = update.len();
            server.publish_quiet(update);
            if verbose {
                eprintln!(
                    "Updated the search index in {} ms ({files} files)",
                    started.elapsed().as_millis()
                );
            }
            true
        }
        Some(Err(diagnostics)) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            server.fail(&diagnostics);
            true
        }
    }
}

fn describe(changes: &ChangeSet) -> String {
    if changes.needs_full_rebuild() {
        return String::new();
    }
    let names: Vec<String> = changes
        .kinds
        .iter()
        .take(3)
        .map(|k| match k {
            ChangeKind::Page(p) | ChangeKind::Section(p) | ChangeKind::Static(p) => {
                crate::diagnostics::display_path(p)
            }
            other => format!("{other:?}").to_lowercase(),
        })
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; changed: {}", names.join(", "))
    }
}

/// Best effort: a missing opener is reported, not fatal.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Err(e) = command.spawn() {
        eprintln!("warning: cannot open a browser: {e}");
    }
}
