//! Loopback forum for `scripts/bench-forum.sh pull`: serves N generated
//! threads as Discourse (`/d/...`), the Stack Exchange API (`/se/2.3/...`,
//! gzipped) and GitHub's GraphQL API (`/gh/graphql`), in the shapes the
//! pull reads, until killed.
//!
//! - `bench_forum_pull serve N PORTFILE` starts it and writes its port.
//! - `POST /_bench/touch?n=10` changes n threads in each forum: each gets a
//!   later activity time and, when solved, an edited accepted answer; every
//!   other unsolved one becomes solved.
//! - `GET /_bench/requests` prints requests per forum since the last call.
//!
//! Content is deterministic: the same N gives the same forum.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

#[path = "../tests/support/loopback.rs"]
mod loopback;

use loopback::{Reply, Request, Server};

/// 2026-01-01T00:00:00Z.
const BASE: i64 = 1_767_225_600;

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
];

struct Forum {
    n: u64,
    /// Per thread: (version, activity time, solved).
    threads: Vec<(u32, i64, bool)>,
    /// Thread ids by activity, oldest first.
    order: Vec<u64>,
    touched: u64,
    requests: BTreeMap<&'static str, u64>,
}

impl Forum {
    fn new(n: u64) -> Forum {
        let threads = (1..=n)
            .map(|i| (0, BASE + i as i64 * 60, i % 5 < 2))
            .collect();
        Forum {
            n,
            threads,
            order: (1..=n).collect(),
            touched: 0,
            requests: BTreeMap::new(),
        }
    }

    fn thread(&self, id: u64) -> Option<(u32, i64, bool)> {
        (1..=self.n)
            .contains(&id)
            .then(|| self.threads[id as usize - 1])
    }

    fn touch(&mut self, count: u64) {
        for k in 0..count {
            // Spread over the forum: old threads too.
            let id = 1 + (k * 997 + self.touched * 31) % self.n;
            self.touched += 1;
            let t = &mut self.threads[id as usize - 1];
            t.0 += 1;
            t.1 = BASE + (self.n + self.touched) as i64 * 60;
            if !t.2 && k % 2 == 0 {
                t.2 = true;
            }
            self.order.retain(|x| *x != id);
            self.order.push(id);
        }
    }
}

fn text(seed: u64, words: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(words);
    for _ in 0..words {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push(WORDS[(x % WORDS.len() as u64) as usize]);
    }
    out.join(" ")
}

fn body(seed: u64, version: u32) -> String {
    format!(
        "<p>{}.</p>\n<pre><code>relay sync --retry {version}\n</code></pre>\n<p>{}.</p>",
        text(seed, 60),
        text(seed + 1, 50)
    )
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

// --- Discourse -------------------------------------------------------------

const PER_PAGE: usize = 30;

fn posts_count(id: u64) -> u64 {
    if id.is_multiple_of(50) {
        30
    } else {
        5
    }
}

fn accepted_number(id: u64) -> u64 {
    if id.is_multiple_of(50) {
        25
    } else {
        2
    }
}

fn discourse_post(id: u64, n: u64, version: u32, solved: bool) -> String {
    let accepted = solved && n == accepted_number(id);
    let cooked = body(id * 100 + n, if accepted { version } else { 0 });
    format!(
        r#"{{"id": {pid}, "name": "User {u}", "username": "user{u}", "avatar_template": "/user_avatar/f/user{u}/{{size}}/1.png",
            "created_at": "{created}", "cooked": {cooked}, "post_number": {n}, "post_type": 1, "topic_id": {id},
            "actions_summary": [{{"id": 2, "count": {likes}}}], "trust_level": 2, "staff": false, "accepted_answer": {accepted}}}"#,
        pid = id * 100 + n,
        u = (id * 7 + n) % 500,
        created = iso(BASE + id as i64 * 60 + n as i64),
        cooked = serde_json::to_string(&cooked).unwrap_or_default(),
        likes = n % 4,
    )
}

fn discourse(f: &Forum, req: &Request) -> Reply {
    let path = req.path().trim_start_matches("/d");
    if path == "/latest.json" {
        let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
        let items: Vec<String> = f
            .order
            .iter()
            .rev()
            .skip(page * PER_PAGE)
            .take(PER_PAGE)
            .map(|&id| {
                let (_, bumped, solved) = f.threads[id as usize - 1];
                format!(
                    r#"{{"id": {id}, "title": "Topic {id}: {t}", "slug": "topic-{id}", "posts_count": {pc}, "created_at": "{c}",
                        "last_posted_at": "{b}", "bumped_at": "{b}", "pinned": false, "visible": true, "archetype": "regular",
                        "category_id": 5, "op_like_count": 1, "tags": ["sync"], "has_accepted_answer": {solved}}}"#,
                    t = text(id, 6),
                    pc = posts_count(id),
                    c = iso(BASE + id as i64 * 60),
                    b = iso(bumped)
                )
            })
            .collect();
        let more = if (page + 1) * PER_PAGE < f.n as usize {
            format!(r#", "more_topics_url": "/latest?page={}""#, page + 1)
        } else {
            String::new()
        };
        return Reply::json(
            200,
            &format!(
                r#"{{"users": [], "topic_list": {{"per_page": {PER_PAGE}, "topics": [{}]{more}}}}}"#,
                items.join(",")
            ),
        );
    }
    let rest = path.trim_start_matches("/t/");
    if let Some(id) = rest
        .strip_suffix(".json")
        .and_then(|i| i.parse::<u64>().ok())
    {
        let Some((version, _, solved)) = f.thread(id) else {
            return Reply::json(404, "{}");
        };
        let count = posts_count(id);
        let posts: Vec<String> = (1..=count.min(20))
            .map(|n| discourse_post(id, n, version, solved))
            .collect();
        let stream: Vec<String> = (1..=count).map(|n| (id * 100 + n).to_string()).collect();
        let accepted = if solved {
            format!(
                r#""accepted_answer": {{"post_number": {}}},"#,
                accepted_number(id)
            )
        } else {
            String::new()
        };
        return Reply::json(
            200,
            &format!(
                r#"{{"id": {id}, "title": "Topic {id}: {t}", "slug": "topic-{id}", "created_at": "{c}", "tags": ["sync"], {accepted}
                    "post_stream": {{"posts": [{}], "stream": [{}]}}}}"#,
                posts.join(","),
                stream.join(","),
                t = text(id, 6),
                c = iso(BASE + id as i64 * 60),
            ),
        );
    }
    if let Some(id) = rest
        .strip_suffix("/posts.json")
        .and_then(|i| i.parse::<u64>().ok())
    {
        let Some((version, _, solved)) = f.thread(id) else {
            return Reply::json(404, "{}");
        };
        let posts: Vec<String> = req
            .query_all("post_ids[]")
            .iter()
            .filter_map(|p| p.parse::<u64>().ok())
            .map(|pid| discourse_post(id, pid % 100, version, solved))
            .collect();
        return Reply::json(
            200,
            &format!(
                r#"{{"id": {id}, "post_stream": {{"posts": [{}]}}}}"#,
                posts.join(",")
            ),
        );
    }
    Reply::json(404, "{}")
}

// --- Stack Exchange --------------------------------------------------------

fn se_owner(id: u64) -> String {
    format!(
        r#"{{"reputation": {r}, "user_id": {id}, "user_type": "registered", "display_name": "User &amp; {id}",
            "profile_image": "https://i.example/{id}.png", "link": "https://relay.stackexchange.example/users/{id}/u"}}"#,
        r = id * 13
    )
}

fn se_question(f: &Forum, id: u64) -> String {
    let (_, activity, solved) = f.threads[id as usize - 1];
    let accepted = if solved {
        format!(r#""accepted_answer_id": {},"#, 1_000_000 + id)
    } else {
        String::new()
    };
    format!(
        r#"{{"tags": ["relay", "sync"], "owner": {o}, "is_answered": {solved}, {accepted} "score": {s}, "last_activity_date": {activity},
            "creation_date": {c}, "question_id": {id}, "content_license": "CC BY-SA 4.0",
            "link": "https://relay.stackexchange.example/questions/{id}/q", "title": "Why does &quot;{t}&quot; fail?", "body": {b}}}"#,
        o = se_owner(id % 700),
        s = id % 9,
        c = BASE + id as i64 * 60,
        t = text(id, 5),
        b = serde_json::to_string(&body(id, 0)).unwrap_or_default()
    )
}

fn stackexchange(f: &Forum, req: &Request) -> Reply {
    let path = req.path().trim_start_matches("/se/2.3/");
    let wrap = |items: Vec<String>, more: bool| {
        Reply::json(
            200,
            &format!(
                r#"{{"items": [{}], "has_more": {more}, "quota_max": 10000, "quota_remaining": 9000}}"#,
                items.join(",")
            ),
        )
        .gzip()
    };
    if path == "questions" {
        let min: i64 = req.query("min").and_then(|m| m.parse().ok()).unwrap_or(0);
        let page: usize = req.query("page").and_then(|m| m.parse().ok()).unwrap_or(1);
        let size: usize = req
            .query("pagesize")
            .and_then(|m| m.parse().ok())
            .unwrap_or(30);
        let listed: Vec<u64> = f
            .order
            .iter()
            .copied()
            .filter(|id| f.threads[*id as usize - 1].1 >= min)
            .collect();
        let items = listed
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .map(|id| se_question(f, *id))
            .collect();
        return wrap(items, page * size < listed.len());
    }
    if let Some(ids) = path.strip_prefix("answers/") {
        let items = ids
            .split(';')
            .filter_map(|a| a.parse::<u64>().ok())
            .filter_map(|a| {
                let q = a.checked_sub(1_000_000)?;
                let (version, _, solved) = f.thread(q)?;
                solved.then(|| {
                    format!(
                        r#"{{"owner": {o}, "is_accepted": true, "score": 3, "last_activity_date": {t}, "creation_date": {t},
                            "answer_id": {a}, "question_id": {q}, "content_license": "CC BY-SA 4.0", "body": {b}}}"#,
                        o = se_owner(q % 300 + 1000),
                        t = BASE + q as i64 * 60 + 30,
                        b = serde_json::to_string(&body(a, version)).unwrap_or_default()
                    )
                })
            })
            .collect();
        return wrap(items, false);
    }
    if let Some(ids) = path.strip_prefix("questions/") {
        let items = ids
            .split(';')
            .filter_map(|i| i.parse::<u64>().ok())
            .filter(|i| f.thread(*i).is_some())
            .map(|i| se_question(f, i))
            .collect();
        return wrap(items, false);
    }
    Reply::json(
        400,
        r#"{"error_id": 404, "error_name": "no_method", "error_message": "no method"}"#,
    )
}

// --- GitHub ----------------------------------------------------------------

const GH_PAGE: usize = 50;

fn github(f: &Forum, req: &Request) -> Reply {
    let request: serde_json::Value = serde_json::from_str(&req.body).unwrap_or_default();
    let start: usize = request["variables"]["after"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let nodes: Vec<String> = f
        .order
        .iter()
        .rev()
        .skip(start)
        .take(GH_PAGE)
        .map(|&id| {
            let (version, updated, solved) = f.threads[id as usize - 1];
            let answer = if solved {
                format!(
                    r#"{{"url": "https://github.com/acme/relay/discussions/{id}#discussioncomment-{id}", "createdAt": "{c}", "upvoteCount": 2,
                        "bodyHTML": {b}, "author": {{"login": "helper{h}", "url": "https://github.com/helper{h}", "avatarUrl": "https://avatars.example/{h}"}},
                        "authorAssociation": "CONTRIBUTOR"}}"#,
                    c = iso(BASE + id as i64 * 60 + 30),
                    b = serde_json::to_string(&body(id + 7, version)).unwrap_or_default(),
                    h = id % 200
                )
            } else {
                "null".to_string()
            };
            format!(
                r#"{{"number": {id}, "title": "Discussion {id}: {t}", "url": "https://github.com/acme/relay/discussions/{id}",
                    "createdAt": "{c}", "updatedAt": "{u}", "upvoteCount": 1, "bodyHTML": {b}, "answerChosenAt": {chosen},
                    "author": {{"login": "asker{a}", "url": "https://github.com/asker{a}", "avatarUrl": "https://avatars.example/a{a}"}},
                    "authorAssociation": "NONE", "category": {{"name": "Q&A", "slug": "q-a", "isAnswerable": true}},
                    "labels": {{"nodes": [{{"name": "sync"}}]}}, "answer": {answer}}}"#,
                t = text(id, 6),
                c = iso(BASE + id as i64 * 60),
                u = iso(updated),
                b = serde_json::to_string(&body(id, 0)).unwrap_or_default(),
                chosen = if solved { format!("\"{}\"", iso(updated)) } else { "null".into() },
                a = id % 300
            )
        })
        .collect();
    let end = start + nodes.len();
    Reply::json(
        200,
        &format!(
            r#"{{"data": {{"repository": {{"discussions": {{"pageInfo": {{"hasNextPage": {}, "endCursor": "{end}"}}, "nodes": [{}]}}}}}}}}"#,
            end < f.n as usize,
            nodes.join(",")
        ),
    )
    .header("X-RateLimit-Remaining", "4999")
    .header("X-RateLimit-Reset", "4102444800")
}

fn handle(forums: &Mutex<[Forum; 3]>, req: &Request) -> Reply {
    let Ok(mut f) = forums.lock() else {
        return Reply::status(500);
    };
    let path = req.path();
    if path == "/_bench/touch" {
        let n: u64 = req.query("n").and_then(|n| n.parse().ok()).unwrap_or(10);
        for forum in f.iter_mut() {
            forum.touch(n);
        }
        return Reply::json(200, "{}");
    }
    if path == "/_bench/requests" {
        let mut out = BTreeMap::new();
        for forum in f.iter_mut() {
            out.append(&mut forum.requests);
        }
        return Reply::json(200, &serde_json::to_string(&out).unwrap_or_default());
    }
    let (index, name) = if path.starts_with("/d/") {
        (0, "discourse")
    } else if path.starts_with("/se/") {
        (1, "stackexchange")
    } else {
        (2, "github")
    };
    *f[index].requests.entry(name).or_default() += 1;
    match index {
        0 => discourse(&f[0], req),
        1 => stackexchange(&f[1], req),
        _ => github(&f[2], req),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some("serve"), Some(n), Some(portfile)) = (
        args.first().map(String::as_str),
        args.get(1).and_then(|n| n.parse::<u64>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: bench_forum_pull serve THREADS PORTFILE");
        return ExitCode::FAILURE;
    };
    let forums = Arc::new(Mutex::new([Forum::new(n), Forum::new(n), Forum::new(n)]));
    let server = Server::new(move |req| handle(&forums, req));
    let url = server.url("");
    if let Err(e) = std::fs::write(portfile, url.trim_start_matches("http://")) {
        eprintln!("error: cannot write {portfile}: {e}");
        return ExitCode::FAILURE;
    }
    loop {
        std::thread::park();
    }
}
