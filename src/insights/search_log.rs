//! `insights.search_log:`: an export of what readers searched for, read at
//! load time, so `/insights/` can list "what readers searched for and did
//! not find" beside the unanswered forum topics.
//!
//! Two formats, told apart by the file's extension:
//! - CSV (`.csv`) with a header row naming at least `query`, and optionally
//!   `count` (how many times it was searched, default 1) and `results` (how
//!   many results it got, default 0). Other columns are ignored, so the
//!   export of most analytics tools fits after renaming its columns.
//! - JSON (`.json`): an array of `{"query": ..., "count": ..., "results": ...}`
//!   with the same defaults.
//!
//! Rows with the same query (case and spacing folded) are added up. Only
//! queries that found nothing are kept, most searched first.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// How many missed queries `/insights/` lists.
pub const MISSED_SHOWN: usize = 50;

/// A query that found nothing, with how often it was searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissedQuery {
    pub query: String,
    pub count: u64,
}

#[derive(Debug, Deserialize)]
struct Row {
    query: String,
    #[serde(default = "one")]
    count: u64,
    #[serde(default)]
    results: u64,
}

fn one() -> u64 {
    1
}

/// Read the export at `path` (`shown`: the path in diagnostics). Every
/// query with no results, folded and summed, most searched first (ties by
/// query).
pub fn read(path: &Path, shown: &Path) -> Result<Vec<MissedQuery>, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::error(shown, format!("cannot read the search log: {e}")))?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let rows = if is_json {
        parse_json(&text, shown)?
    } else {
        parse_csv(&text, shown)?
    };
    Ok(missed(rows))
}

fn parse_json(text: &str, shown: &Path) -> Result<Vec<Row>, Diagnostic> {
    serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(shown, format!("search log: {e}"))
            .at(e.line(), e.column())
            .with_hint("expected an array of {\"query\": \"...\", \"count\": N, \"results\": N}")
    })
}

fn parse_csv(text: &str, shown: &Path) -> Result<Vec<Row>, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Diagnostic::error(shown, format!("search log: {e}")).at(1, 1))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(q) = col("query") else {
        return Err(Diagnostic::error(shown, "search log: no `query` column")
            .at(1, 1)
            .with_hint("the first row names the columns: query,count,results"));
    };
    let (count, results) = (col("count"), col("results"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Diagnostic::error(shown, format!("search log: {e}")).at(line, 1)
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let number = |i: Option<usize>, default: u64, name: &str| -> Result<u64, Diagnostic> {
            match i.and_then(|i| record.get(i)).filter(|v| !v.is_empty()) {
                None => Ok(default),
                Some(v) => v.replace([',', '_'], "").parse().map_err(|_| {
                    Diagnostic::error(
                        shown,
                        format!("search log: `{v}` in `{name}` is not a whole number"),
                    )
                    .at(line, 1)
                }),
            }
        };
        rows.push(Row {
            query: record.get(q).unwrap_or("").to_string(),
            count: number(count, 1, "count")?,
            results: number(results, 0, "results")?,
        });
    }
    Ok(rows)
}

fn missed(rows: Vec<Row>) -> Vec<MissedQuery> {
    // Folded query -> (first spelling, searches).
    let mut by: BTreeMap<String, (String, u64)> = BTreeMap::new();
    for r in rows.into_iter().filter(|r| r.results == 0) {
        let shown = r.query.split_whitespace().collect::<Vec<_>>().join(" ");
        if shown.is_empty() {
            continue;
        }
        let e = by.entry(shown.to_lowercase()).or_insert((shown, 0));
        e.1 += r.count;
    }
    let mut out: Vec<MissedQuery> = by
        .into_values()
        .map(|(query, count)| MissedQuery { query, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.query.cmp(&b.query)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(name: &str, text: &str) -> Result<Vec<MissedQuery>, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        read(&path, Path::new(name))
    }

    fn q(query: &str, count: u64) -> MissedQuery {
        MissedQuery {
            query: query.into(),
            count,
        }
    }

    #[test]
    fn csv_rows_without_results_are_folded_and_ranked() {
        let got = read_text(
            "log.csv",
            "\u{feff}Query,Count,Results,Device\n\
             sso login,4,0,desktop\n\
             \"SSO  Login\",\"1,200\",0,phone\n\
             reset password,90,12,desktop\n\
             webdav,7,,desktop\n\
             ,3,0,x\n\
             proxy,,0\n",
        )
        .unwrap();
        assert_eq!(
            got,
            vec![q("sso login", 1204), q("webdav", 7), q("proxy", 1)]
        );
    }

    #[test]
    fn json_rows_work_the_same() {
        let got = read_text(
            "log.json",
            r#"[{"query": "Webhooks retry", "count": 3, "results": 0},
                {"query": "webhooks  retry"},
                {"query": "api", "count": 9, "results": 4}]"#,
        )
        .unwrap();
        assert_eq!(got, vec![q("Webhooks retry", 4)]);
    }

    #[test]
    fn bad_exports_are_reported_with_file_and_line() {
        let e = read_text("log.csv", "term,hits\nsso,1\n").unwrap_err();
        assert!(e.message.contains("no `query` column"), "{}", e.message);
        let e = read_text("log.csv", "query,count\nsso,1\nproxy,many\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("`many` in `count`"), "{}", e.message);
        let e = read_text("log.json", "[{\"count\": 1}]").unwrap_err();
        assert!(e.message.contains("missing field `query`"), "{}", e.message);
        assert_eq!(e.line, 1);
    }
}
