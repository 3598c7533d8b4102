//! Writes a small fixture search index and the Rust tokenizer's output for a
//! word list, for the JavaScript client's tests (`node --test tests/js/`).
//!
//! Usage: `cargo run --example search_fixture -- OUT_DIR [WORDS_FILE [LANGS:FILE...]]`
//! writes `OUT_DIR/search/*.js` and, with a word list, `OUT_DIR/tokens.json`
//! (`[[line, [terms...]], ...]`, English). Each `LANGS:FILE` (`de:de.txt`,
//! `de,en:de.txt`, `de+label:text.txt`) writes `OUT_DIR/tokens-LANGS.json`
//! (`tokens-de+label.json`): the lines of FILE
//! tokenized in those languages, `[[line, [[term, alts...], ...]], ...]`,
//! and `OUT_DIR/langs.json`, the accepted languages.

use std::path::Path;
use std::process::ExitCode;

use lorebook::markdown::TextSection;
use lorebook::output::Contents;
use lorebook::search::{build_index, tokenize, DocKind, Lang, Langs, SearchDoc};

fn doc(
    url: &str,
    title: &str,
    kind: DocKind,
    sections: &[(Option<&str>, &str, &str)],
) -> SearchDoc {
    SearchDoc {
        url: url.to_string(),
        title: title.to_string(),
        description: String::new(),
        breadcrumb: url
            .trim_end_matches('/')
            .split('/')
            .rev()
            .skip(1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(str::to_string)
            .collect(),
        kind,
        sections: sections
            .iter()
            .map(|(a, h, t)| TextSection {
                anchor: a.map(str::to_string),
                heading: h.to_string(),
                text: t.to_string(),
                link_chars: 0,
            })
            .collect(),
        langs: Default::default(),
    }
}

fn fixture_docs() -> Vec<SearchDoc> {
    use DocKind::{Answer, Page};
    vec![
        doc(
            "install/",
            "Installing lorebook",
            Page,
            &[
                (
                    None,
                    "",
                    "Download a release binary or build it from source with cargo.",
                ),
                (
                    Some("linux"),
                    "Linux",
                    "Unpack the archive and put the binary on your PATH.",
                ),
                (
                    Some("windows"),
                    "Windows",
                    "Run the installer; it adds lorebook to the PATH.",
                ),
            ],
        ),
        doc(
            "account/reset-password/",
            "Reset your password",
            Page,
            &[
                (
                    None,
                    "",
                    "If you forgot your password, request a reset link from the sign-in page.",
                ),
                (
                    Some("expired-links"),
                    "Expired links",
                    "Reset links expire after one hour; request a new one.",
                ),
            ],
        ),
        doc(
            "account/password-policy/",
            "Password policy",
            Page,
            &[(
                None,
                "",
                "Passwords need twelve characters. The policy applies to every account.",
            )],
        ),
        doc(
            "account/passport/",
            "Passport photos",
            Page,
            &[(
                None,
                "",
                "Upload a scan of your passport to verify the account owner.",
            )],
        ),
        doc(
            "network/proxy/",
            "Proxy settings",
            Page,
            &[
                (
                    None,
                    "",
                    "Configure an HTTP proxy when your network blocks direct connections.",
                ),
                (
                    Some("authentication"),
                    "Authentication",
                    "A proxy that asks for a password needs the user and password in the URL.",
                ),
            ],
        ),
        doc(
            "network/firewall/",
            "Firewall rules",
            Page,
            &[(
                None,
                "",
                "Open port 443 for outgoing connections. Café networks often block other ports.",
            )],
        ),
        doc(
            "zh/database/",
            "数据库配置",
            Page,
            &[
                (None, "", "本文介绍如何配置数据库连接和备份。"),
                (Some("backup"), "备份", "每天自动备份数据库文件。"),
            ],
        ),
        doc(
            "ja/guide/",
            "はじめに",
            Page,
            &[(None, "", "このガイドではパスワードの変更方法を説明します。")],
        ),
        doc(
            "security/escaping/",
            "Escaping HTML",
            Page,
            &[(
                None,
                "",
                "A page that mentions <img src=x onerror=alert(1)> must show it as text.",
            )],
        ),
        doc(
            "guide/sync/",
            "Sync guide",
            Page,
            &[
                (None, "", "Keep two folders the same."),
                (Some("setup"), "Setup", "Turn sync on in the settings."),
                (Some("conflicts"), "Conflicts", "When sync finds two versions, it keeps both."),
                (Some("offline"), "Offline", "Changes made offline sync later."),
                (Some("schedule"), "Schedule", "Sync runs every hour."),
            ],
        ),
        doc(
            "guide/logs/",
            "Reading logs",
            Page,
            &[(
                None,
                "",
                "Every service writes a log file under the data directory, with the time, \
                 the level and the message. Old files are compressed every night and removed after thirty days. \
                 The watchdog heartbeat appears there once a minute.",
            )],
        ),
        doc("guide/checklist/", "Quarterly checklist", Page, &[]),
        doc(
            "forum/1/",
            "How do I reset my password without email?",
            Answer,
            &[(
                None,
                "",
                "Ask an administrator to reset the password for you from the admin panel.",
            )],
        ),
        doc(
            "forum/2/",
            "Proxy blocks the installer",
            Answer,
            &[(None, "", "Set HTTPS_PROXY before running the installer.")],
        ),
    ]
}

fn run(out: &Path, words: Option<&Path>, lang_files: &[String]) -> Result<(), String> {
    for file in build_index(&fixture_docs()) {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if let Contents::Bytes(bytes) = &file.contents {
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    if let Some(words) = words {
        let text =
            std::fs::read_to_string(words).map_err(|e| format!("{}: {e}", words.display()))?;
        let pairs: Vec<(String, Vec<String>)> = text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| (l.to_string(), tokenize::terms(l, Langs::default())))
            .collect();
        let json = serde_json::to_string(&pairs).map_err(|e| e.to_string())?;
        let path = out.join("tokens.json");
        std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if !lang_files.is_empty() {
        // The accepted languages as the Rust side has them, for the client's
        // tables: [code, has a stemmer, keeps marks, needs a stemmer file].
        let langs: Vec<(&str, bool, bool, bool)> = Lang::all()
            .map(|l| {
                (
                    l.code(),
                    l.stemmer().is_some(),
                    l.keeps_marks(),
                    l.needs_stemmer_file(),
                )
            })
            .collect();
        let json = serde_json::to_string(&langs).map_err(|e| e.to_string())?;
        let path = out.join("langs.json");
        std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for spec in lang_files {
        let (name, file) = spec
            .split_once(':')
            .ok_or_else(|| format!("{spec}: expected LANGS:FILE"))?;
        // `de+text`: a second list in the same languages, written apart.
        let codes = name.split('+').next().unwrap_or(name);
        let list = codes
            .split(',')
            .map(|c| Lang::from_code(c).ok_or_else(|| format!("{spec}: unknown language {c}")))
            .collect::<Result<Vec<Lang>, String>>()?;
        let langs = Langs::of(&list);
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        let pairs: Vec<(&str, Vec<Vec<String>>)> = text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                let tokens = tokenize::tokenize(l, langs)
                    .into_iter()
                    .map(|t| std::iter::once(t.term).chain(t.alts).collect())
                    .collect();
                (l, tokens)
            })
            .collect();
        let json = serde_json::to_string(&pairs).map_err(|e| e.to_string())?;
        let path = out.join(format!("tokens-{name}.json"));
        std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: search_fixture OUT_DIR [WORDS_FILE [LANGS:FILE...]]");
        return ExitCode::from(2);
    };
    match run(
        Path::new(out),
        args.get(1).map(Path::new),
        args.get(2..).unwrap_or_default(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
