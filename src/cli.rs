//! The command line: clap definitions, dispatch to the library, diagnostic
//! printing (human, GitHub Actions, JSON) and exit codes (0 ok, 1 content
//! errors, 2 usage or I/O errors). Data goes to stdout, messages to stderr.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Severity};

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
    /// Print errors only.
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
        /// Write the site here instead of <root>/public.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Override base_url, e.g. for a preview deploy.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
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
pub const OK: i32 = 0;
pub const CONTENT_ERRORS: i32 = 1;
pub const USAGE_OR_IO: i32 = 2;

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let printer = Printer::new(cli.quiet, cli.verbose);
    match cli.command {
        Command::Init { dir } => run_init(&printer, dir.unwrap_or_else(|| PathBuf::from("."))),
        Command::Build {
            site,
            output,
            base_url,
            timings,
        } => {
            let ov = Overrides {
                output,
                base_url,
                drafts: site.drafts,
                keep_going: site.keep_going,
                progress: crate::progress::wanted(cli.quiet),
            };
            run_build(&printer, &site.root, &ov, timings)
        }
        Command::Serve {
            site,
            interface,
            port,
            open,
        } => {
            let ov = Overrides {
                drafts: site.drafts,
                keep_going: site.keep_going,
                progress: crate::progress::wanted(cli.quiet),
                ..Default::default()
            };
            let config = match load_config(&printer, &site.root, &ov) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let opts = crate::serve::ServeOptions {
                interface,
                port,
                open,
                quiet: cli.quiet,
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
        } => {
            let ov = Overrides {
                drafts: site.drafts,
                keep_going: site.keep_going,
                progress: crate::progress::wanted(cli.quiet),
                ..Default::default()
            };
            let config = match Config::load(&absolute(&site.root), &ov) {
                Ok(c) => c,
                Err(diags) => {
                    printer.diagnostics(&diags, format);
                    return if diags
                        .iter()
                        .any(|d| d.line == 0 && d.message.contains("no `lorebook.yaml`"))
                    {
                        USAGE_OR_IO
                    } else {
                        CONTENT_ERRORS
                    };
                }
            };
            let mut diags = crate::build::check(&config);
            if external && !crate::diagnostics::has_errors(&diags) {
                let opts = crate::external::ExternalOptions::for_site(&config.root);
                diags.extend(crate::build::check_external(&config, &opts));
            }
            printer.diagnostics(&diags, format);
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
        Command::Insights { site, format } => {
            let ov = Overrides {
                drafts: site.drafts,
                keep_going: site.keep_going,
                progress: crate::progress::wanted(cli.quiet),
                ..Default::default()
            };
            run_insights(&printer, &site.root, &ov, format)
        }
    }
}

fn run_insights(printer: &Printer, root: &Path, ov: &Overrides, format: ReportFormat) -> i32 {
    let config = match load_config(printer, root, ov) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match crate::build::load(&config) {
        Ok((site, warnings)) => {
            printer.diagnostics(&warnings, Format::Human);
            let insights = crate::insights::Insights::compute(&site, site.as_of);
            let text = match format {
                ReportFormat::Text => insights.to_text(),
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

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn load_config(printer: &Printer, root: &Path, ov: &Overrides) -> Result<Config, i32> {
    let root = absolute(root);
    Config::load(&root, ov).map_err(|diags| {
        printer.diagnostics(&diags, Format::Human);
        if diags
            .iter()
            .any(|d| d.message.contains("no `lorebook.yaml`"))
        {
            USAGE_OR_IO
        } else {
            CONTENT_ERRORS
        }
    })
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
    let config = match load_config(printer, root, ov) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match crate::build::build(&config) {
        Ok(report) => {
            printer.diagnostics(&report.warnings, Format::Human);
            printer.status(&format!(
                "built {} pages, {} sections, {} answers, {} contributors into `{}` ({} files, {:.1} MB) in {:.2?}",
                report.pages,
                report.sections,
                report.answers,
                report.contributors,
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
pub struct Printer {
    quiet: bool,
    pub verbose: bool,
    color: bool,
}

impl Printer {
    pub fn new(quiet: bool, verbose: bool) -> Printer {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Printer {
            quiet,
            verbose,
            color,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn status(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    pub fn error(&self, msg: &str) {
        eprintln!("{}: {msg}", self.paint("1;31", "error"));
    }

    pub fn diagnostics(&self, diags: &[Diagnostic], format: Format) {
        match format {
            Format::Human => {
                let mut err = std::io::stderr().lock();
                for d in diags {
                    if self.quiet && d.severity == Severity::Warning {
                        continue;
                    }
                    let (label, code) = match d.severity {
                        Severity::Error => ("error", "1;31"),
                        Severity::Warning => ("warning", "1;33"),
                    };
                    let _ = writeln!(
                        err,
                        "{}: {}: {}",
                        d.location(),
                        self.paint(code, label),
                        d.message
                    );
                    if let Some(h) = &d.hint {
                        let _ = writeln!(err, "  {}: {h}", self.paint("1;36", "hint"));
                    }
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
pub fn github_annotation(d: &Diagnostic) -> String {
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
    let mut props = format!(
        "file={}",
        esc_prop(&crate::diagnostics::display_path(&d.path))
    );
    if d.line > 0 {
        props.push_str(&format!(",line={}", d.line));
    }
    if d.col > 0 {
        props.push_str(&format!(",col={}", d.col));
    }
    let mut msg = d.message.clone();
    if let Some(h) = &d.hint {
        msg.push_str(&format!("\nhint: {h}"));
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
    fn cli_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
