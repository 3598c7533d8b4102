//! Content lints: warnings about pages that are correct but need a writer's
//! attention (not reviewed for a long time), and about `contributors.yaml`
//! naming forum sources the site does not configure. They never fail a
//! build; `check --deny-warnings` makes them fail a pull request.

use chrono::NaiveDate;

use crate::diagnostics::Diagnostic;
use crate::site::Site;

/// Warnings for the site as of `today`.
pub(crate) fn check(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    let months = site.config.insights.stale_months;
    let Some(limit) = today.checked_sub_months(chrono::Months::new(months)) else {
        return Vec::new();
    };
    let mut diags = Vec::new();
    for page in &site.pages {
        let Some(reviewed) = page.front.reviewed.map(|d| d.0) else {
            continue;
        };
        if reviewed < limit {
            let line = front_matter_line(page, "reviewed");
            diags.push(
                Diagnostic::warning(
                    &page.shown_path,
                    format!("not reviewed for more than {months} months (last review {reviewed})"),
                )
                .at(line, if line > 0 { 1 } else { 0 })
                .with_hint("check the page is still right, then update `reviewed:`"),
            );
        }
    }
    diags.extend(contributors(site));
    diags.extend(link_rules(site));
    diags
}

/// `links.paths` rules that match no page: a pattern written from the
/// site root (`content/legacy/**`) or a folder that moved.
fn link_rules(site: &Site) -> Vec<Diagnostic> {
    let sources = site
        .pages
        .iter()
        .map(|p| p.source.as_str())
        .chain(site.sections.values().filter_map(|s| s.source.as_deref()));
    site.config
        .links
        .unused_rules(sources)
        .into_iter()
        .map(|(pattern, line)| {
            Diagnostic::warning(
                crate::config::CONFIG_FILE,
                format!("links.paths: `{pattern}` matches no page"),
            )
            .at(line, usize::from(line > 0))
            .with_hint("patterns are paths under content/, like `legacy/**`")
        })
        .collect()
}

/// Cross-reference `contributors.yaml` with the configured forum sources.
/// The file's own errors were reported when the site was loaded.
fn contributors(site: &Site) -> Vec<Diagnostic> {
    let config = &site.config;
    let file = &config.contributors.file;
    if !file.is_file() {
        return Vec::new();
    }
    let shown = file.strip_prefix(&config.root).unwrap_or(file);
    let (entries, _) = crate::contributors::identity::load(file, shown);
    let sources: Vec<&str> = config.forum.iter().map(|f| f.name.as_str()).collect();
    crate::contributors::identity::check_sources(&entries, &sources, shown)
}

/// The line of a front matter key, when the page's source text is at hand.
fn front_matter_line(page: &crate::content::Page, key: &str) -> usize {
    page.front_matter_lines.get(key).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(front: &str) -> Site {
        let page = ("a.md", format!("---\n{front}---\n# Page\n"));
        crate::site::test_site("title: T\n", &[page], Default::default())
    }

    #[test]
    fn warns_when_review_is_older_than_the_threshold() {
        let site = site_with("title: A\nreviewed: 2025-01-01\n");
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let w = check(&site, today);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 3);
        assert!(w[0].message.contains("2025-01-01"));
        assert!(!w[0].is_error());
    }

    #[test]
    fn recent_or_missing_review_is_fine() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert!(check(&site_with("reviewed: 2026-01-01\n"), today).is_empty());
        assert!(check(&site_with("title: B\n"), today).is_empty());
    }
}
