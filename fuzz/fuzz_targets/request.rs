//! The dev server's request handling on arbitrary bytes sent over a real
//! connection to a running `serve::Server` (tiny_http's parser, the Host
//! check, the path resolver, the handlers): never panics (a panic in a
//! worker aborts through libFuzzer's hook), answers with an HTTP status
//! line (`HTTP/x.y`) or closes, never answers 200 for a Host that is not local, and
//! keeps answering a normal request afterwards.
#![no_main]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use lorebook::output::OutputFile;
use lorebook::serve::resolve::{host_allowed, host_name};
use lorebook::serve::{HttpOptions, Server, Update};

fn server() -> SocketAddr {
    static SERVER: OnceLock<(Server, SocketAddr)> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let options = HttpOptions {
                port: 0,
                workers: 2,
                io_timeout: Duration::from_millis(300),
                ..HttpOptions::default()
            };
            let server = Server::start(&options).expect("server starts");
            server.publish(Update::Full(vec![
                OutputFile::bytes("index.html", "<!doctype html><p>home</p>"),
                OutputFile::bytes("404.html", "<!doctype html><p>lost</p>"),
                OutputFile::bytes("a/index.html", "<!doctype html><p>a</p>"),
                OutputFile::bytes("assets/site.css", "p{}"),
            ]));
            let addr = server.addr();
            (server, addr)
        })
        .1
}

fn exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        panic!("the server stopped accepting");
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let addr = server();
    // Pure checks on every header-looking line.
    for line in data.split(|&b| b == b'\n') {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("host") && host_allowed(Some(value), &[]) {
                let h = host_name(value).expect("an allowed host has a name");
                assert!(
                    h == "localhost" || h.parse::<std::net::IpAddr>().is_ok(),
                    "{value:?} passed as {h:?}"
                );
            }
        }
    }
    let reply = exchange(addr, data);
    if !reply.is_empty() {
        // tiny_http echoes the request's version (`HTTP/3.0 400`).
        assert!(
            reply.starts_with(b"HTTP/"),
            "{:?}",
            String::from_utf8_lossy(&reply)
        );
    }
    // A page on another site must not read anything through a foreign Host.
    let foreign = data.windows(5).any(|w| w.eq_ignore_ascii_case(b"host:"));
    if reply.starts_with(b"HTTP/1.1 200") && foreign {
        // Only the first request's header block decides the first reply.
        let text = String::from_utf8_lossy(data);
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        // Header lines end in CRLF only, as tiny_http reads them: a bare LF
        // stays inside the line (and so inside another header's value).
        let hosts: Vec<&str> = head
            .split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case("host"))
            .map(|(_, v)| v)
            .collect();
        if let Some(first) = hosts.first() {
            assert!(host_allowed(Some(first), &[]), "200 for Host {first:?}");
        }
    }
    let ok = exchange(
        addr,
        b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(
        ok.starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&ok)
    );
});
