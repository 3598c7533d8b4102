//! Diagnostics made readable in bulk, for the human format: one missing
//! target linked from 200 pages is said once ("`/x/y` matches no page;
//! linked from 200 pages, e.g. a.md:3, b.md:9, …"), at most N entries are
//! printed per kind, and a run that folded or left anything out ends with
//! counts per kind and per top folder. The GitHub and JSON formats do not
//! come through here: they list every occurrence. Pure.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::{display_path, Diagnostic, Severity};

/// Entries printed per kind and severity in the human format by default.
pub(crate) const DEFAULT_MAX_PER_KIND: usize = 50;
/// Locations named in a folded entry.
const EXAMPLES: usize = 3;

/// One thing to print: a diagnostic, and for a folded one, where else
/// its target is linked from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// `path:line:col`.
    pub(crate) location: String,
    pub(crate) severity: Severity,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// "`/x/y` is linked from 200 pages, e.g. …" for a folded entry.
    pub(crate) note: Option<String>,
}

/// What to print for a list of diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    pub(crate) lines: Vec<Line>,
    /// Closing lines (counts), when something was folded or left out.
    pub(crate) summary: Vec<String>,
}

/// Fold and cap `diags` (in the order given) for people. `max_per_kind` 0
/// means no cap.
pub(crate) fn human(diags: &[Diagnostic], max_per_kind: usize) -> Report {
    // (severity, kind, target) -> indexes of its diagnostics.
    let mut groups: HashMap<(Severity, &str, &str), Vec<usize>> = HashMap::new();
    for (i, d) in diags.iter().enumerate() {
        if let Some(a) = &d.about {
            groups
                .entry((d.severity, a.kind, a.target.as_str()))
                .or_default()
                .push(i);
        }
    }
    let mut shown_per_kind: HashMap<(Severity, &str), usize> = HashMap::new();
    let mut hidden: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    let mut folded = false;
    let mut lines = Vec::new();
    for (i, d) in diags.iter().enumerate() {
        let kind = d.kind().unwrap_or("other");
        let members = d
            .about
            .as_ref()
            .and_then(|a| groups.get(&(d.severity, a.kind, a.target.as_str())));
        // A folded entry is printed where its first occurrence is.
        if members.is_some_and(|m| m[0] != i) {
            continue;
        }
        let shown = shown_per_kind.entry((d.severity, kind)).or_insert(0);
        if max_per_kind > 0 && *shown >= max_per_kind {
            *hidden.entry((d.severity, kind)).or_insert(0) += members.map_or(1, Vec::len);
            continue;
        }
        *shown += 1;
        let note = match (members, &d.about) {
            (Some(m), Some(about)) if m.len() > 1 => {
                folded = true;
                Some(linked_from(diags, m, &about.target))
            }
            _ => None,
        };
        lines.push(Line {
            location: d.location(),
            severity: d.severity,
            message: d.message.clone(),
            hint: d.hint.clone(),
            note,
        });
    }
    let summary = if folded || !hidden.is_empty() {
        summarize(diags, &hidden, max_per_kind)
    } else {
        Vec::new()
    };
    Report { lines, summary }
}

/// "`/x/y` is linked from 200 pages (212 links), e.g. a.md:3, b.md:9, …"
fn linked_from(diags: &[Diagnostic], members: &[usize], target: &str) -> String {
    let mut pages: Vec<&std::path::Path> =
        members.iter().map(|&i| diags[i].path.as_path()).collect();
    pages.sort();
    pages.dedup();
    let mut examples: Vec<String> = Vec::new();
    for &i in members {
        let d = &diags[i];
        let at = match d.line {
            0 => display_path(&d.path),
            l => format!("{}:{l}", display_path(&d.path)),
        };
        if !examples.contains(&at) {
            examples.push(at);
        }
        if examples.len() == EXAMPLES {
            break;
        }
    }
    let links = if members.len() > pages.len() {
        format!(" ({} links)", thousands(members.len()))
    } else {
        String::new()
    };
    let more = if members.len() > examples.len() {
        ", …"
    } else {
        ""
    };
    format!(
        "`{target}` is linked from {} page{}{links}, e.g. {}{more}",
        thousands(pages.len()),
        plural(pages.len()),
        examples.join(", "),
    )
}

/// Counts per kind and per top folder of `content/`.
fn summarize(
    diags: &[Diagnostic],
    hidden: &BTreeMap<(Severity, &str), usize>,
    max_per_kind: usize,
) -> Vec<String> {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_folder: BTreeMap<String, usize> = BTreeMap::new();
    for d in diags {
        *by_kind.entry(d.kind().unwrap_or("other")).or_insert(0) += 1;
        *by_folder.entry(top_folder(&d.path)).or_insert(0) += 1;
    }
    let mut out = vec![format!(
        "{} problem{} ({} error{}, {} warning{})",
        thousands(diags.len()),
        plural(diags.len()),
        thousands(errors),
        plural(errors),
        thousands(warnings),
        plural(warnings),
    )];
    out.push(format!(
        "  by kind: {}",
        counts(by_kind.into_iter().map(|(k, n)| (k.to_string(), n)))
    ));
    out.push(format!("  by folder: {}", counts(by_folder.into_iter())));
    let hidden_total: usize = hidden.values().sum();
    if hidden_total > 0 {
        out.push(format!(
            "  {} not shown: at most {max_per_kind} per kind are printed (--max-problems N, 0 for all; --format json lists every one)",
            thousands(hidden_total)
        ));
    }
    out
}

/// `a: 3 · b: 1`, largest first, then by name.
fn counts(items: impl Iterator<Item = (String, usize)>) -> String {
    let mut v: Vec<(String, usize)> = items.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.iter()
        .map(|(k, n)| format!("{k} {}", thousands(*n)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `content/a/b.md` -> `a`; `content/x.md` -> `x.md`; `lorebook.yaml`.
fn top_folder(path: &std::path::Path) -> String {
    let shown = display_path(path);
    let rest = shown.strip_prefix("content/").unwrap_or(&shown);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// `1 answer`, `2 answers`, `0 answers`: a count with its noun agreeing.
pub(crate) fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// 6337 -> `6,337`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(path: &str, line: usize, kind: &'static str, target: &str) -> Diagnostic {
        Diagnostic::error(path, format!("broken `{target}`"))
            .at(line, 3)
            .about(kind, target)
    }

    fn text(r: &Report) -> String {
        let mut out = String::new();
        for l in &r.lines {
            out.push_str(&format!(
                "{}: {:?}: {}\n",
                l.location, l.severity, l.message
            ));
            if let Some(h) = &l.hint {
                out.push_str(&format!("  hint: {h}\n"));
            }
            if let Some(n) = &l.note {
                out.push_str(&format!("  note: {n}\n"));
            }
        }
        for s in &r.summary {
            out.push_str(s);
            out.push('\n');
        }
        out
    }

    #[test]
    fn one_target_missing_from_many_pages_is_said_once() {
        let mut diags: Vec<Diagnostic> = (0..200)
            .map(|i| {
                broken(
                    &format!("content/p/{i:03}.md"),
                    3 + i % 7,
                    "site_absolute",
                    "/x/y",
                )
                .with_hint("did you mean `/x/z/`?")
            })
            .collect();
        diags.push(broken("content/p/000.md", 9, "site_absolute", "/x/y"));
        diags.push(broken("content/q/a.md", 4, "broken_page", "q/b.md"));
        diags.sort();
        let r = human(&diags, 50);
        assert_eq!(
            text(&r),
            "content/p/000.md:3:3: Error: broken `/x/y`\n  \
             hint: did you mean `/x/z/`?\n  \
             note: `/x/y` is linked from 200 pages (201 links), e.g. content/p/000.md:3, content/p/000.md:9, content/p/001.md:4, …\n\
             content/q/a.md:4:3: Error: broken `q/b.md`\n\
             202 problems (202 errors, 0 warnings)\n  by kind: site_absolute 201 · broken_page 1\n  by folder: p 201 · q 1\n"
        );
    }

    #[test]
    fn at_most_n_entries_per_kind_then_counts() {
        let mut diags: Vec<Diagnostic> = (0..120)
            .map(|i| {
                broken(
                    &format!("content/a/{i:03}.md"),
                    1,
                    "broken_page",
                    &format!("t{i}.md"),
                )
            })
            .collect();
        diags.extend((0..3).map(|i| {
            Diagnostic::warning(format!("content/b/{i}.md"), "insecure")
                .about("insecure_http", format!("http://x/{i}"))
        }));
        diags.push(Diagnostic::error("lorebook.yaml", "bad key").at(2, 1));
        let r = human(&diags, 50);
        let errors = r
            .lines
            .iter()
            .filter(|l| l.message.starts_with("broken"))
            .count();
        assert_eq!(errors, 50);
        assert_eq!(r.lines.len(), 50 + 3 + 1);
        assert_eq!(
            r.summary,
            [
                "124 problems (121 errors, 3 warnings)",
                "  by kind: broken_page 120 · insecure_http 3 · other 1",
                "  by folder: a 120 · b 3 · lorebook.yaml 1",
                "  70 not shown: at most 50 per kind are printed (--max-problems N, 0 for all; --format json lists every one)",
            ]
        );
        // 0: everything.
        assert_eq!(human(&diags, 0).lines.len(), 124);
    }

    #[test]
    fn a_few_problems_print_as_they_are_with_no_summary() {
        let diags = vec![
            broken("content/a.md", 1, "broken_page", "x.md"),
            Diagnostic::error("content/b.md", "bad front matter").at(2, 1),
        ];
        let r = human(&diags, 50);
        assert_eq!(r.lines.len(), 2);
        assert_eq!(r.lines[0].location, "content/a.md:1:3");
        assert_eq!(r.lines[0].note, None);
        assert!(r.summary.is_empty());
    }

    #[test]
    fn errors_and_warnings_of_one_target_are_not_folded_together() {
        let diags = vec![
            broken("content/a.md", 1, "broken_page", "x.md"),
            Diagnostic::warning("content/legacy/b.md", "w").about("broken_page", "x.md"),
        ];
        assert_eq!(human(&diags, 50).lines.len(), 2);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6337), "6,337");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
