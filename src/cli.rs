//! The command line: clap definitions, dispatch to the library, diagnostic
//! printing (human, GitHub Actions, JSON) and exit codes (0 ok, 1 content
//! errors, 2 usage or I/O errors). Data goes to stdout, messages to stderr.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Config, ConfigError, Overrides};
use crate::diagnostics::{terminal_safe, Diagnostic, Severity};

#[derive(Debug, Parser)]
#[command(
    name = "lorebook",
    version,
    about = "Build a searchable support wiki from Markdown, forum answers and git history"
)]
pub struct Cli {
    /// Say more about what is happening.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print no status lines, only errors and warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a working starter site into DIR (default: the current directory).
    Init {
        /// Where to create the site.
        dir: Option<PathBuf>,
    },
    /// Build the site into the output directory (public/ by default).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Write the site here instead of `<root>/public`.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Override base_url, e.g. for a preview deploy.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Print at most N problems of each kind (0: all); one missing
        /// target linked from many pages counts once.
        #[arg(long, value_name = "N", default_value_t = crate::report::DEFAULT_MAX_PER_KIND)]
        max_problems: usize,
        /// Print where the time went, per stage, after the build (stderr).
        #[arg(long)]
        timings: bool,
    },
    /// Build, serve on 127.0.0.1 and rebuild on changes.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        interface: String,
        /// Port to listen on (the next free one is taken if it is busy).
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Also answer requests for this host name (a LAN name or a proxy);
        /// IP addresses and localhost always work, other names get 403.
        /// Repeatable.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Validate the site without writing it; exit 1 on any error.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Also check http(s) links (network; results cached in .lorebook-cache/).
        #[arg(long)]
        external: bool,
        /// Print at most N problems of each kind in the human format (0:
        /// all); one missing target linked from many pages counts once.
        /// The github and json formats list every problem.
        #[arg(long, value_name = "N", default_value_t = crate::report::DEFAULT_MAX_PER_KIND)]
        max_problems: usize,
    },
    /// Make a lorebook site of another generator's docs (MkDocs, Docusaurus,
    /// Hugo, mdBook): front matter, index pages, nav order, links and
    /// admonitions mapped; what cannot be mapped is listed at file:line.
    Import {
        /// The generator the docs were written for.
        #[arg(value_enum)]
        format: crate::import::Format,
        /// The project to import (the folder holding mkdocs.yml,
        /// docusaurus.config.js, hugo.toml or book.toml).
        src: PathBuf,
        /// Where to write the new site (must not exist, or be empty).
        #[arg(short, long, value_name = "DIR", default_value = "lorebook-site")]
        output: PathBuf,
    },
    /// Print the site's insights: pages and answers per section, freshness,
    /// stale pages, top contributors, unanswered questions by tag, answers to
    /// fold into a page, and monthly trends (the figures of /insights/).
    ///
    /// Figures are computed as of the same date the build uses, never the
    /// wall clock: SOURCE_DATE_EPOCH when set, else the date of the newest
    /// commit that changed content/, else the newest date in the content and
    /// forum data. Set SOURCE_DATE_EPOCH (e.g. `$(date +%s)`) for "as of now".
    Insights {
        #[command(flatten)]
        site: SiteArgs,
        /// Plain text for people, JSON for tools.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Print the shell completion script for SHELL on stdout.
    ///
    /// bash: `lorebook completions bash > ~/.local/share/bash-completion/completions/lorebook`;
    /// zsh: `lorebook completions zsh > ~/.zfunc/_lorebook` (with `~/.zfunc` in `fpath`);
    /// fish: `lorebook completions fish > ~/.config/fish/completions/lorebook.fish`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout, or write one page per command into DIR.
    ///
    /// `lorebook man | man -l -` reads it; `lorebook man --dir man/` writes
    /// `lorebook.1` and `lorebook-<command>.1` for installing under `man1/`.
    Man {
        /// Write `lorebook.1` and a page per command into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Work with the forum sources (see `lorebook forum pull --help`).
    Forum {
        #[command(subcommand)]
        command: ForumCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ForumCommand {
    /// Fetch the forum sources that have `pull:` settings over their APIs
    /// into their `path` folders, as snapshots that builds read offline.
    ///
    /// The first pull lists everything; later pulls ask only for what
    /// changed since the last one. A pull writes into a staging folder and
    /// swaps the result in when it is done, so a failed or interrupted pull
    /// leaves the previous snapshot as it was, and the next run goes on
    /// where it stopped. Credentials come from the environment variables
    /// named in lorebook.yaml. Prints one line per source on stdout.
    Pull {
        /// The site's root folder (holding lorebook.yaml).
        #[arg(short, long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// Pull only this source (its `name` in lorebook.yaml).
        #[arg(long, value_name = "NAME")]
        source: Option<String>,
        /// List everything again and remove threads deleted or no longer
        /// accepted upstream.
        #[arg(long)]
        full: bool,
        /// Fetch and say what would change, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// The site's root folder (holding lorebook.yaml).
    #[arg(short, long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Skip forum export files that cannot be read, with a warning, instead of failing.
    #[arg(long)]
    pub keep_going: bool,
}

impl SiteArgs {
    /// The config overrides these flags ask for (`quiet`: the global
    /// `--quiet`, which turns progress lines off).
    pub fn overrides(&self, quiet: bool) -> Overrides {
        Overrides {
            drafts: self.drafts,
            keep_going: self.keep_going,
            progress: crate::progress::wanted(quiet),
            ..Overrides::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Github,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// Exit codes.
pub(crate) const OK: i32 = 0;
pub(crate) const CONTENT_ERRORS: i32 = 1;
pub(crate) const USAGE_OR_IO: i32 = 2;

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let mut printer = Printer::new(cli.quiet);
    match cli.command {
        Command::Init { dir } => run_init(&printer, dir.unwrap_or_else(|| PathBuf::from("."))),
        Command::Build {
            site,
            output,
            base_url,
            max_problems,
            timings,
        } => {
            printer.max_problems = max_problems;
            let ov = Overrides {
                output: output.map(|o| absolute(&o)),
                base_url,
                ..site.overrides(cli.quiet)
            };
            run_build(&printer, &site.root, &ov, timings)
        }
        Command::Serve {
            site,
            interface,
            port,
            open,
            allow_host,
        } => {
            let ov = site.overrides(cli.quiet);
            let config = match load_config(&printer, &site.root, &ov, Format::Human) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let opts = crate::serve::ServeOptions {
                interface,
                port,
                open,
                quiet: cli.quiet,
                allowed_hosts: allow_host,
            };
            match crate::serve::run(config, opts) {
                Ok(()) => OK,
                Err(e) => {
                    printer.error(&format!("{e}"));
                    USAGE_OR_IO
                }
            }
        }
        Command::Check {
            site,
            format,
            deny_warnings,
            external,
            max_problems,
        } => {
            printer.max_problems = max_problems;
            let ov = site.overrides(cli.quiet);
            let config = match load_config(&printer, &site.root, &ov, format) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let mut diags = crate::build::check(&config);
            if external && !crate::diagnostics::has_errors(&diags) {
                let opts = crate::external::ExternalOptions::for_site(&config.root);
                diags.extend(crate::build::check_external(&config, &opts));
            }
            printer.diagnostics(&for_format(&diags, &config.root, format), format);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if format == Format::Human {
                printer.status(&format!(
                    "checked `{}`: {errors} error(s), {warnings} warning(s)",
                    config.root.display()
                ));
            }
            if errors > 0 || (deny_warnings && warnings > 0) {
                CONTENT_ERRORS
            } else {
                OK
            }
        }
        Command::Import {
            format,
            src,
            output,
        } => run_import(&printer, format, &src, &output),
        Command::Insights { site, format } => {
            run_insights(&printer, &site.root, &site.overrides(cli.quiet), format)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "lorebook", &mut out);
            write_stdout(&printer, &out)
        }
        Command::Man { dir } => run_man(&printer, dir),
        Command::Forum {
            command:
                ForumCommand::Pull {
                    root,
                    source,
                    full,
                    dry_run,
                },
        } => {
            let opts = crate::forum::pull::PullOptions {
                source,
                full,
                dry_run,
                progress: crate::progress::wanted(cli.quiet),
            };
            run_forum_pull(&printer, &root, &opts)
        }
    }
}

fn run_man(printer: &Printer, dir: Option<PathBuf>) -> i32 {
    let cmd = <Cli as clap::CommandFactory>::command();
    match dir {
        None => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut out) {
                Ok(()) => write_stdout(printer, &out),
                Err(e) => {
                    printer.error(&format!("cannot render the man page: {e}"));
                    USAGE_OR_IO
                }
            }
        }
        Some(dir) => {
            let written =
                std::fs::create_dir_all(&dir).and_then(|()| clap_mangen::generate_to(cmd, &dir));
            match written {
                Ok(()) => {
                    printer.status(&format!("wrote the man pages into `{}`", dir.display()));
                    OK
                }
                Err(e) => {
                    printer.error(&format!(
                        "cannot write man pages into `{}`: {e}",
                        dir.display()
                    ));
                    USAGE_OR_IO
                }
            }
        }
    }
}

/// Data on stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(printer: &Printer, bytes: &[u8]) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            printer.error(&format!("cannot write to stdout: {e}"));
            USAGE_OR_IO
        }
    }
}

fn run_forum_pull(printer: &Printer, root: &Path, opts: &crate::forum::pull::PullOptions) -> i32 {
    let config = match load_config(printer, root, &Overrides::default(), Format::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let env = |name: &str| std::env::var(name).ok();
    let (reports, errors) = crate::forum::pull::pull(&config, opts, &env);
    let mut out = std::io::stdout().lock();
    for r in &reports {
        let _ = writeln!(out, "{}", r.line());
    }
    let _ = out.flush();
    for e in &errors {
        printer.error(&e.to_string());
        if let Some(h) = &e.hint {
            eprintln!("  {}: {}", printer.paint("1;36", "hint"), terminal_safe(h));
        }
    }
    if errors.is_empty() {
        OK
    } else {
        USAGE_OR_IO
    }
}

fn run_import(printer: &Printer, format: crate::import::Format, src: &Path, out: &Path) -> i32 {
    let imported = match crate::import::import(format, src) {
        Ok(i) => i,
        Err(diags) => {
            printer.diagnostics(&diags, Format::Human);
            return USAGE_OR_IO;
        }
    };
    printer.diagnostics(&imported.notes, Format::Human);
    match crate::import::write(&imported, out) {
        Ok(files) => {
            printer.status(&format!(
                "imported {} pages from {} into `{}` ({files} files); {} thing(s) could not be mapped (listed above)",
                imported.pages,
                format.name(),
                out.display(),
                imported.notes.len(),
            ));
            printer.status(&format!("next: lorebook check --root {}", out.display()));
            OK
        }
        Err(d) => {
            printer.diagnostics(&[d], Format::Human);
            USAGE_OR_IO
        }
    }
}

fn run_insights(printer: &Printer, root: &Path, ov: &Overrides, format: ReportFormat) -> i32 {
    let config = match load_config(printer, root, ov, Format::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match crate::build::load(&config) {
        Ok((site, warnings)) => {
            printer.diagnostics(&warnings, Format::Human);
            let insights = crate::insights::Insights::compute(&site, site.as_of);
            let text = match format {
                // Names and titles come from git and forums.
                ReportFormat::Text => terminal_safe(&insights.to_text()).into_owned(),
                ReportFormat::Json => insights.to_json() + "\n",
            };
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => OK,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
                Err(e) => {
                    printer.error(&format!("cannot write the report: {e}"));
                    USAGE_OR_IO
                }
            }
        }
        Err(diags) => {
            printer.diagnostics(&diags, Format::Human);
            CONTENT_ERRORS
        }
    }
}

/// `p` from the working directory, without `.` components and with `..`
/// folded where that names the same place (so messages show `/work/site`,
/// not `/work/site/.` or `/work/site/content/..`). A `..` after a symbolic
/// link is kept: only the file system knows what it means there.
fn absolute(p: &Path) -> PathBuf {
    let Ok(abs) = std::path::absolute(p) else {
        return p.to_path_buf();
    };
    let mut folded = PathBuf::new();
    for part in abs.components() {
        match part {
            std::path::Component::ParentDir if folded.parent().is_some() => {
                folded.pop();
            }
            other => folded.push(other),
        }
    }
    if folded == abs || same_place(&folded, &abs) {
        folded
    } else {
        abs
    }
}

/// Both paths resolve to the same file, or (not created yet) to the same
/// name in the same folder.
fn same_place(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        (Err(_), Err(_)) => match (a.parent(), b.parent(), a.file_name()) {
            (Some(pa), Some(pb), Some(name)) => b.file_name() == Some(name) && same_place(pa, pb),
            _ => false,
        },
        _ => false,
    }
}

/// Diagnostics as `format` prints them. GitHub attaches an annotation only
/// to a path from the repository's root, so for `github` the paths (relative
/// to the site root) are made relative to git's top level, else to the
/// working directory, when the site is inside it.
fn for_format(diags: &[Diagnostic], root: &Path, format: Format) -> Vec<Diagnostic> {
    let mut diags = diags.to_vec();
    if format != Format::Github {
        return diags;
    }
    let Some(prefix) = site_in_repository(root) else {
        return diags;
    };
    for d in &mut diags {
        if let Some((rev, inner)) = d.in_revision() {
            // A file of a git ref: `v1:docs/content/a.md`, as `git show` takes it.
            let inner = crate::diagnostics::display_path(&prefix.join(inner));
            d.path = PathBuf::from(format!("{rev}:{inner}"));
        } else if d.path.is_relative() && !d.path.as_os_str().is_empty() {
            d.path = prefix.join(&d.path);
        }
    }
    diags
}

/// The site root relative to the repository root (git's top level, else
/// the working directory); `None` when the site is outside it.
fn site_in_repository(root: &Path) -> Option<PathBuf> {
    let top = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-toplevel"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| PathBuf::from(s.trim_end_matches(['\n', '\r'])))
        .filter(|p| !p.as_os_str().is_empty());
    let base = top.or_else(|| std::env::current_dir().ok())?;
    // Both resolved, since git prints its top level with links resolved.
    let root = std::fs::canonicalize(root).ok()?;
    let base = std::fs::canonicalize(base).ok()?;
    root.strip_prefix(&base).ok().map(Path::to_path_buf)
}

/// The site's config; when it cannot be loaded, its diagnostics are
/// printed in `format` and the exit code is returned.
fn load_config(
    printer: &Printer,
    root: &Path,
    ov: &Overrides,
    format: Format,
) -> Result<Config, i32> {
    let root = absolute(root);
    Config::load(&root, ov).map_err(|e| {
        printer.diagnostics(&for_format(e.diagnostics(), &root, format), format);
        config_exit_code(&e)
    })
}

/// A missing or unreadable `lorebook.yaml` is a usage or I/O error; a file
/// with problems is an error in the site.
fn config_exit_code(e: &ConfigError) -> i32 {
    match e {
        ConfigError::Missing(_) | ConfigError::Unreadable(_) => USAGE_OR_IO,
        ConfigError::Invalid(_) => CONTENT_ERRORS,
    }
}

fn run_init(printer: &Printer, dir: PathBuf) -> i32 {
    match crate::init::init(&dir) {
        Ok(files) => {
            printer.status(&format!(
                "created a lorebook site in `{}` ({} files)",
                dir.display(),
                files.len()
            ));
            printer.status(&format!("next: lorebook serve --root {}", dir.display()));
            OK
        }
        Err(e) => {
            printer.error(&e.to_string());
            USAGE_OR_IO
        }
    }
}

fn run_build(printer: &Printer, root: &Path, ov: &Overrides, timings: bool) -> i32 {
    let config = match load_config(printer, root, ov, Format::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match crate::build::build(&config) {
        Ok(report) => {
            printer.diagnostics(&report.warnings, Format::Human);
            printer.status(&format!(
                "built {}, {}, {}, {} into `{}` ({} files, {:.1} MB) in {:.2?}",
                crate::report::counted(report.pages, "page", "pages"),
                crate::report::counted(report.sections, "section", "sections"),
                crate::report::counted(report.answers, "answer", "answers"),
                crate::report::counted(report.contributors, "contributor", "contributors"),
                config.output_dir.display(),
                report.files,
                report.bytes as f64 / 1e6,
                report.elapsed
            ));
            if timings {
                // Asked for explicitly: printed even with --quiet.
                eprint!(
                    "{}",
                    report
                        .timings
                        .table(report.elapsed, rayon::current_num_threads())
                );
            }
            OK
        }
        Err(crate::build::BuildError::Content(diags)) => {
            printer.diagnostics(&diags, Format::Human);
            let n = diags.iter().filter(|d| d.is_error()).count();
            printer.error(&format!(
                "build failed with {n} error(s); the previous output was left as it was"
            ));
            CONTENT_ERRORS
        }
        Err(crate::build::BuildError::Output(e)) => {
            printer.error(&e.to_string());
            USAGE_OR_IO
        }
    }
}

/// Prints to stderr, in colour when it is a terminal and NO_COLOR is unset.
pub(crate) struct Printer {
    quiet: bool,
    color: bool,
    /// Entries printed per kind of problem in the human format (0: all).
    pub(crate) max_problems: usize,
}

impl Printer {
    pub(crate) fn new(quiet: bool) -> Printer {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Printer {
            quiet,
            color,
            max_problems: crate::report::DEFAULT_MAX_PER_KIND,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn status(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{}", terminal_safe(msg));
        }
    }

    pub(crate) fn error(&self, msg: &str) {
        eprintln!("{}: {}", self.paint("1;31", "error"), terminal_safe(msg));
    }

    pub(crate) fn diagnostics(&self, diags: &[Diagnostic], format: Format) {
        match format {
            Format::Human => {
                let mut err = std::io::stderr().lock();
                let report = crate::report::human(diags, self.max_problems);
                for line in &report.lines {
                    let (label, code) = match line.severity {
                        Severity::Error => ("error", "1;31"),
                        Severity::Warning => ("warning", "1;33"),
                    };
                    let label = self.paint(code, label);
                    let _ = writeln!(
                        err,
                        "{}: {label}: {}",
                        terminal_safe(&line.location),
                        terminal_safe(&line.message)
                    );
                    if let Some(h) = &line.hint {
                        let _ = writeln!(
                            err,
                            "  {}: {}",
                            self.paint("1;36", "hint"),
                            terminal_safe(h)
                        );
                    }
                    if let Some(n) = &line.note {
                        let _ = writeln!(
                            err,
                            "  {}: {}",
                            self.paint("1;36", "note"),
                            terminal_safe(n)
                        );
                    }
                }
                for line in &report.summary {
                    let _ = writeln!(err, "{}", terminal_safe(line));
                }
            }
            Format::Github => {
                let mut out = std::io::stdout().lock();
                for d in diags {
                    let _ = writeln!(out, "{}", github_annotation(d));
                }
            }
            Format::Json => {
                let json = serde_json::to_string_pretty(&diags).unwrap_or_else(|_| "[]".into());
                println!("{json}");
            }
        }
    }
}

/// A GitHub Actions workflow command for one diagnostic.
pub(crate) fn github_annotation(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let esc_prop = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    };
    let esc_msg = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut msg = terminal_safe(&d.message).into_owned();
    if let Some(h) = &d.hint {
        msg.push_str(&format!("\nhint: {}", terminal_safe(h)));
    }
    if let Some((rev, _)) = d.in_revision() {
        // The file is in a git ref's tree, not in the checkout: GitHub
        // would attach a `file=` annotation to nothing. The location goes
        // in the title, the annotation to the run.
        msg.push_str(&format!(
            "\nnote: in the version built from the git ref `{}`, not in the checked-out files",
            terminal_safe(rev)
        ));
        let title = esc_prop(&terminal_safe(&d.location()));
        return format!("::{level} title={title}::{}", esc_msg(&msg));
    }
    let mut props = format!(
        "file={}",
        esc_prop(&terminal_safe(&crate::diagnostics::display_path(&d.path)))
    );
    if d.line > 0 {
        props.push_str(&format!(",line={}", d.line));
    }
    if d.col > 0 {
        props.push_str(&format!(",col={}", d.col));
    }
    format!("::{level} {props}::{}", esc_msg(&msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_annotation_escapes() {
        let d = Diagnostic::error("content/a,b.md", "50% bad\nreally")
            .at(3, 4)
            .with_hint("x");
        assert_eq!(
            github_annotation(&d),
            "::error file=content/a%2Cb.md,line=3,col=4::50%25 bad%0Areally%0Ahint: x"
        );
    }

    #[test]
    fn a_file_of_a_git_ref_is_annotated_without_file() {
        let mut d = Diagnostic::error("v1.0:docs/content/a.md", "broken").at(3, 1);
        d.revision = Some("v1.0".into());
        assert_eq!(
            github_annotation(&d),
            "::error title=v1.0%3Adocs/content/a.md%3A3%3A1::broken%0Anote: in the version built from the git ref `v1.0`, not in the checked-out files"
        );
        assert_eq!(
            d.in_revision(),
            Some(("v1.0", "docs/content/a.md".to_string()))
        );
    }

    #[test]
    fn cli_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
