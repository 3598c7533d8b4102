//! Progress of long reads (a multi-GB Stack Exchange dump) on a terminal.
//!
//! [`ProgressReader`] wraps a buffered reader and, when enabled, redraws one
//! status line on stderr at most every [`INTERVAL`] with the share of the file
//! read so far. Whether it is enabled is decided once by the command line
//! ([`wanted`]: stderr is a terminal, not `--quiet`, not CI) and carried in
//! the resolved config, so the library holds no global state and tests,
//! pipes and CI logs stay quiet.

use std::io::{BufRead, Read, Write};
use std::time::{Duration, Instant};

/// Shortest time between two redraws.
pub const INTERVAL: Duration = Duration::from_millis(250);

/// Whether a command run by a person should show progress: stderr is a
/// terminal, `--quiet` is off and the `CI` variable is unset or empty.
pub fn wanted(quiet: bool) -> bool {
    use std::io::IsTerminal;
    let in_ci = matches!(std::env::var_os("CI"), Some(v) if !v.is_empty());
    !quiet && !in_ci && std::io::stderr().is_terminal()
}

/// The status line for `read` of `total` bytes (`total` 0: size unknown).
pub fn line(label: &str, read: u64, total: u64) -> String {
    const MB: f64 = 1_000_000.0;
    if total == 0 {
        return format!("{label}: {:.0} MB", read as f64 / MB);
    }
    let pct = (read.min(total) as f64 * 100.0 / total as f64).floor();
    format!(
        "{label}: {pct:.0}% ({:.0} of {:.0} MB)",
        read as f64 / MB,
        total as f64 / MB
    )
}

/// A buffered reader that reports how far it got.
pub struct ProgressReader<R> {
    inner: R,
    label: String,
    total: u64,
    read: u64,
    enabled: bool,
    last: Option<Instant>,
    out: Box<dyn Write>,
}

impl<R: BufRead> ProgressReader<R> {
    /// Reports on stderr when `enabled`.
    pub fn new(inner: R, label: impl Into<String>, total: u64, enabled: bool) -> Self {
        Self::with_output(inner, label, total, enabled, Box::new(std::io::stderr()))
    }

    /// Reports into `out` (tests).
    pub fn with_output(
        inner: R,
        label: impl Into<String>,
        total: u64,
        enabled: bool,
        out: Box<dyn Write>,
    ) -> Self {
        ProgressReader {
            inner,
            label: label.into(),
            total,
            read: 0,
            enabled,
            last: None,
            out,
        }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.read
    }

    fn advance(&mut self, n: usize) {
        self.read += n as u64;
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if self.last.is_some_and(|t| now.duration_since(t) < INTERVAL) {
            return;
        }
        self.last = Some(now);
        // `\r` + erase line: the status redraws in place.
        let _ = write!(
            self.out,
            "\r\x1b[K{}",
            line(&self.label, self.read, self.total)
        );
        let _ = self.out.flush();
    }
}

impl<R> Drop for ProgressReader<R> {
    fn drop(&mut self) {
        // Leave the terminal clean for the build's own output.
        if self.enabled && self.last.is_some() {
            let _ = write!(self.out, "\r\x1b[K");
            let _ = self.out.flush();
        }
    }
}

impl<R: BufRead> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.advance(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for ProgressReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.advance(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer the test can read back after the reader is dropped.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut v) = self.0.lock() {
                v.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().map(|v| v.clone()).unwrap_or_default())
                .into_owned()
        }
    }

    fn read_all(enabled: bool, data: &[u8], total: u64) -> (Vec<u8>, u64, String) {
        let out = Shared::default();
        let mut r = ProgressReader::with_output(
            std::io::BufReader::with_capacity(7, data),
            "Posts.xml",
            total,
            enabled,
            Box::new(out.clone()),
        );
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap();
        let pos = r.position();
        drop(r);
        (got, pos, out.text())
    }

    #[test]
    fn passes_bytes_through_and_counts_them() {
        let data: Vec<u8> = (0..100u8).collect();
        let (got, pos, _) = read_all(true, &data, 100);
        assert_eq!(got, data);
        assert_eq!(pos, 100);
    }

    #[test]
    fn disabled_reader_writes_nothing() {
        let (_, _, text) = read_all(false, b"<posts><row Id=\"1\"/></posts>", 28);
        assert_eq!(text, "");
    }

    #[test]
    fn enabled_reader_draws_in_place_and_clears_the_line_at_the_end() {
        let (_, _, text) = read_all(true, b"0123456789", 10);
        assert!(text.starts_with("\r\x1b[KPosts.xml: "), "{text:?}");
        assert!(text.ends_with("\r\x1b[K"), "{text:?}");
        assert!(!text.contains('\n'), "{text:?}");
    }

    #[test]
    fn consume_counts_like_read() {
        let data = b"abcdefghij";
        let mut r = ProgressReader::new(&data[..], "x", 10, false);
        let n = r.fill_buf().unwrap().len();
        r.consume(n.min(4));
        assert_eq!(r.position(), 4);
    }

    #[test]
    fn line_shows_share_and_sizes() {
        assert_eq!(
            line("Posts.xml (pass 1 of 2)", 628_000_000, 1_256_000_000),
            "Posts.xml (pass 1 of 2): 50% (628 of 1256 MB)"
        );
        assert_eq!(line("x", 5, 0), "x: 0 MB");
        // Never over 100% when the file grew while being read.
        assert!(line("x", 20, 10).starts_with("x: 100%"));
    }
}
