//! A forum's addresses: a path joined to the forum's base URL, a URL's
//! origin, and whether a link is on the forum's own host.

/// True when `url` is an http(s) URL on the same scheme, host and port as
/// `base` (the forum's configured URL).
pub fn same_host(url: &str, base: &str) -> bool {
    match (
        ammonia::Url::parse(url.trim()),
        ammonia::Url::parse(base.trim()),
    ) {
        (Ok(u), Ok(b)) => {
            matches!(u.scheme(), "http" | "https")
                && u.scheme() == b.scheme()
                && u.host_str().is_some()
                && u.host_str() == b.host_str()
                && u.port_or_known_default() == b.port_or_known_default()
                && u.username().is_empty()
        }
        _ => false,
    }
}

/// Join a forum's base URL and a path (`/u/ana`), with exactly one slash.
pub(crate) fn join_url(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_string();
    }
    if let Some(rest) = path.strip_prefix("//") {
        return format!("https://{rest}");
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// `scheme://host` of a URL.
pub(crate) fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}
