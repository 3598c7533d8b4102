//! The rebuild step `lorebook serve` runs after each batch of changes: the
//! core pipeline (`build::load` + `render::render`) into memory, with the
//! config and theme kept between builds and reloaded only when a config,
//! template or theme change asks for it.
//!
//! Every content change currently re-runs load and render for the whole site:
//! the core exposes no per-page load or render step yet (see the serve
//! report). The served snapshot is still swapped whole, so requests never see
//! a half-built site.

use std::time::Instant;

use super::site_files::Update;
use super::watch::{ChangeKind, ChangeSet};
use crate::config::{Config, Overrides};
use crate::diagnostics::Diagnostic;
use crate::theme::Theme;

/// Keeps what survives between rebuilds.
pub struct SiteRebuilder {
    config: Config,
    theme: Option<Theme>,
    /// Warnings already printed, so each is shown once per change.
    last_warnings: Vec<Diagnostic>,
    /// How long the last rebuild took, in milliseconds.
    pub last_millis: u128,
}

impl SiteRebuilder {
    pub fn new(config: Config) -> SiteRebuilder {
        SiteRebuilder {
            config,
            theme: None,
            last_warnings: Vec::new(),
            last_millis: 0,
        }
    }

    /// Rebuild after `changes` (the first call gets [`ChangeSet::full`]).
    pub fn rebuild(&mut self, changes: &ChangeSet) -> Result<Update, Vec<Diagnostic>> {
        let started = Instant::now();
        if changes.kinds.contains(&ChangeKind::Config) {
            let overrides = Overrides {
                drafts: self.config.drafts,
                ..Overrides::default()
            };
            self.config = Config::load(&self.config.root, &overrides)?;
            self.theme = None;
        }
        if changes.kinds.contains(&ChangeKind::Template) {
            self.theme = None;
        }
        let theme = match self.theme.take() {
            Some(theme) => theme,
            None => Theme::load(&self.config)?,
        };
        let result = self.render(&theme);
        self.theme = Some(theme);
        self.last_millis = started.elapsed().as_millis();
        result
    }

    fn render(&mut self, theme: &Theme) -> Result<Update, Vec<Diagnostic>> {
        let (site, warnings) = crate::build::load(&self.config)?;
        let files = crate::render::render(&site, theme)?;
        if warnings != self.last_warnings {
            for w in &warnings {
                eprintln!("{w}");
            }
            self.last_warnings = warnings;
        }
        Ok(Update::Full(files))
    }
}
