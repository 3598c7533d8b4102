//! `lorebook serve` (first version): builds the site in memory and serves it
//! on 127.0.0.1 with tiny_http. Watching and live reload replace this.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::output::Contents;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub interface: String,
    pub port: u16,
    pub open: bool,
    pub quiet: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the site has errors:\n{0}")]
    Build(String),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, String),
}

pub fn run(config: Config, opts: ServeOptions) -> Result<(), ServeError> {
    let (_, files, _) = crate::build::render_all(&config).map_err(|d| {
        ServeError::Build(
            d.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let map: BTreeMap<String, Contents> = files
        .into_iter()
        .map(|f| (f.path.to_string_lossy().replace('\\', "/"), f.contents))
        .collect();
    let addr = format!("{}:{}", opts.interface, opts.port);
    let server = tiny_http::Server::http(&addr)
        .map_err(|e| ServeError::Bind(addr.clone(), e.to_string()))?;
    eprintln!("serving at http://{addr}/");
    for req in server.incoming_requests() {
        let path = req
            .url()
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .trim_start_matches('/')
            .to_string();
        let key = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        };
        let body = match map.get(&key) {
            Some(Contents::Bytes(b)) => Some(b.clone()),
            Some(Contents::Copy(p)) => std::fs::read(p).ok(),
            None => None,
        };
        let _ = match body {
            Some(b) => req.respond(tiny_http::Response::from_data(b)),
            None => req.respond(tiny_http::Response::empty(404)),
        };
    }
    Ok(())
}
