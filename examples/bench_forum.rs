//! Benchmark helper for the Stack Exchange importer (used by
//! `scripts/bench-forum.sh`):
//!
//! - `bench_forum gen DIR POSTS` writes a synthetic dump (`DIR/Posts.xml`,
//!   `DIR/Users.xml`) of POSTS rows, streaming, deterministic.
//! - `bench_forum import DIR [MIN_SCORE]` imports it through
//!   `lorebook::forum::load` and prints counts, time and throughput.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use lorebook::config::{ForumKind, ForumSource};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") if args.len() == 3 => match args[2].parse() {
            Ok(n) => generate(Path::new(&args[1]), n),
            Err(e) => Err(format!("POSTS must be a number: {e}")),
        },
        Some("import") if args.len() >= 2 => {
            let min_score = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(i64::MIN);
            import(Path::new(&args[1]), min_score)
        }
        _ => Err("usage: bench_forum gen DIR POSTS | bench_forum import DIR [MIN_SCORE]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "relay",
    "sync",
    "folder",
    "upload",
    "token",
    "device",
    "conflict",
    "version",
    "backup",
    "restore",
    "bandwidth",
    "desktop",
    "linux",
    "windows",
    "macos",
    "network",
    "proxy",
    "certificate",
    "quota",
    "account",
    "shared",
    "link",
    "permission",
    "client",
    "server",
    "error",
    "timeout",
    "retry",
    "cache",
    "index",
    "watcher",
    "inotify",
    "file",
    "path",
    "the",
    "a",
    "is",
    "when",
    "after",
    "with",
    "from",
    "does",
    "not",
    "and",
    "to",
    "of",
];
const TAGS: &[&str] = &[
    "sync",
    "api",
    "cli",
    "account",
    "desktop",
    "linux",
    "windows",
    "macos",
    "backup",
    "sharing",
    "security",
    "performance",
    "network",
    "uploads",
    "versions",
];

fn sentence(rng: &mut Rng, words: usize, out: &mut String) {
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    out.push('.');
}

/// An HTML body of about `target` bytes, already escaped for an XML attribute.
fn body(rng: &mut Rng, target: usize) -> String {
    let mut html = String::with_capacity(target + 200);
    while html.len() < target {
        match rng.below(5) {
            0 => {
                html.push_str("&lt;pre&gt;&lt;code&gt;relay sync --watch ~/data &amp;amp;&amp;amp; relay status&#xA;&lt;/code&gt;&lt;/pre&gt;&#xA;");
            }
            1 => {
                html.push_str("&lt;ul&gt;&lt;li&gt;");
                sentence(rng, 6, &mut html);
                html.push_str("&lt;/li&gt;&lt;li&gt;");
                sentence(rng, 5, &mut html);
                html.push_str("&lt;/li&gt;&lt;/ul&gt;&#xA;");
            }
            _ => {
                html.push_str("&lt;p&gt;");
                sentence(rng, 12, &mut html);
                html.push_str(" &lt;a href=&quot;/questions/12&quot;&gt;see&lt;/a&gt; ");
                sentence(rng, 10, &mut html);
                html.push_str("&lt;/p&gt;&#xA;");
            }
        }
    }
    html
}

/// Heavy-tailed scores: most posts score a little, a few a lot.
fn score(rng: &mut Rng) -> i64 {
    let r = rng.below(1000) as i64;
    match r {
        0..=99 => -(r % 4),
        100..=699 => r % 5,
        700..=949 => 5 + r % 10,
        _ => 15 + r % 300,
    }
}

fn generate(dir: &Path, posts: u64) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let file = File::create(dir.join("Posts.xml")).map_err(|e| e.to_string())?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let io = |e: std::io::Error| e.to_string();
    writeln!(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>").map_err(io)?;
    let mut id = 1u64;
    let mut written = 0u64;
    while written < posts {
        // One question, two answers; about half the questions accepted one;
        // every 7th thread lists its accepted answer before the question.
        let q = id;
        let (a1, a2) = (id + 1, id + 2);
        id += 3;
        let accepted = rng.below(2) == 0;
        let early = accepted && q.is_multiple_of(7);
        let tag_a = TAGS[rng.below(TAGS.len() as u64) as usize];
        let tag_b = TAGS[rng.below(TAGS.len() as u64) as usize];
        let tags = if q.is_multiple_of(2) {
            format!("|{tag_a}|{tag_b}|")
        } else {
            format!("&lt;{tag_a}&gt;&lt;{tag_b}&gt;")
        };
        let date = format!(
            "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
            9 + rng.below(17),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.below(24),
            rng.below(60),
            rng.below(60),
            rng.below(1000)
        );
        let answer_row = |w: &mut BufWriter<File>, rng: &mut Rng, a: u64| -> std::io::Result<()> {
            let b = body(rng, 900);
            writeln!(
                w,
                "  <row Id=\"{a}\" PostTypeId=\"2\" ParentId=\"{q}\" CreationDate=\"{date}\" Score=\"{}\" Body=\"{b}\" OwnerUserId=\"{}\" LastActivityDate=\"{date}\" CommentCount=\"0\" ContentLicense=\"CC BY-SA 4.0\" />",
                score(rng),
                1 + rng.below(5000)
            )
        };
        if early {
            answer_row(&mut w, &mut rng, a1).map_err(io)?;
        }
        let mut title = String::new();
        sentence(&mut rng, 8, &mut title);
        let b = body(&mut rng, 900);
        let acc = if accepted {
            format!(" AcceptedAnswerId=\"{a1}\"")
        } else {
            String::new()
        };
        writeln!(
            w,
            "  <row Id=\"{q}\" PostTypeId=\"1\"{acc} CreationDate=\"{date}\" Score=\"{}\" ViewCount=\"{}\" Body=\"{b}\" OwnerUserId=\"{}\" LastActivityDate=\"{date}\" Title=\"{title}\" Tags=\"{tags}\" AnswerCount=\"2\" CommentCount=\"1\" ContentLicense=\"CC BY-SA 4.0\" />",
            score(&mut rng),
            rng.below(100_000),
            1 + rng.below(5000)
        )
        .map_err(io)?;
        if !early {
            answer_row(&mut w, &mut rng, a1).map_err(io)?;
        }
        answer_row(&mut w, &mut rng, a2).map_err(io)?;
        written += 3;
    }
    writeln!(w, "</posts>").map_err(io)?;
    w.flush().map_err(io)?;

    let file = File::create(dir.join("Users.xml")).map_err(|e| e.to_string())?;
    let mut w = BufWriter::new(file);
    writeln!(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<users>").map_err(io)?;
    for u in 1..=5000 {
        writeln!(
            w,
            "  <row Id=\"{u}\" Reputation=\"{}\" DisplayName=\"user {u}\" AccountId=\"{u}\" />",
            u * 3
        )
        .map_err(io)?;
    }
    writeln!(w, "</users>").map_err(io)?;
    w.flush().map_err(io)?;
    Ok(())
}

fn import(dir: &Path, min_score: i64) -> Result<(), String> {
    let bytes = std::fs::metadata(dir.join("Posts.xml"))
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .len();
    let source = ForumSource {
        kind: ForumKind::Stackexchange,
        name: "bench".into(),
        path: PathBuf::from(dir),
        url: Some("https://relay.stackexchange.example".into()),
        licence: None,
        min_score,
        sections: BTreeMap::new(),
        default_section: "community".into(),
        progress: lorebook::progress::wanted(false),
    };
    let start = Instant::now();
    let (data, diags) = lorebook::forum::load(std::slice::from_ref(&source));
    let secs = start.elapsed().as_secs_f64();
    for d in &diags {
        eprintln!("{d}");
    }
    let mb = bytes as f64 / 1_000_000.0;
    println!("posts_xml_bytes {bytes}");
    println!("answers {}", data.answers.len());
    println!("unanswered {}", data.unanswered.len());
    println!("seconds {secs:.2}");
    println!("throughput_mb_s {:.1}", mb / secs);
    Ok(())
}
