//! `lorebook insights`: the report as plain text or JSON.

use chrono::NaiveDate;

use super::compute::{Insights, RECENT_DAYS};

impl Insights {
    /// The report as JSON (what `lorebook insights --format json` prints).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }

    /// The report as plain text (what `lorebook insights` prints).
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let day = |d: Option<NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
        let age = |d: Option<u64>| d.map_or_else(|| "-".to_string(), |d| format!("{d} d"));
        let t = &self.totals;
        let _ = writeln!(o, "Insights as of {}", day(self.as_of));
        let _ = writeln!(
            o,
            "{}, {}, {}, {}",
            crate::report::counted(t.pages, "page", "pages"),
            crate::report::counted(t.answers, "community answer", "community answers"),
            crate::report::counted(t.unanswered, "unanswered question", "unanswered questions"),
            crate::report::counted(t.contributors, "contributor", "contributors")
        );
        let _ = writeln!(
            o,
            "median age since last update: {}; {} stale (not updated or reviewed for more than {} months), {} undated",
            age(t.median_age_days),
            t.stale_pages,
            self.stale_months,
            t.undated_pages
        );

        let _ = writeln!(o, "\nSections");
        let _ = writeln!(
            o,
            "  {:<28} {:>6} {:>8} {:>11} {:>6} {:>8}",
            "section", "pages", "answers", "median age", "stale", "undated"
        );
        for s in &self.sections {
            let _ = writeln!(
                o,
                "  {:<28} {:>6} {:>8} {:>11} {:>6} {:>8}",
                if s.key.is_empty() { "/" } else { &s.key },
                s.pages,
                s.answers,
                age(s.median_age_days),
                s.stale,
                s.undated
            );
        }

        let _ = writeln!(o, "\nStale pages ({})", t.stale_pages);
        if self.stale_pages.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for p in &self.stale_pages {
            let _ = writeln!(
                o,
                "  content/{}  updated {}, reviewed {} ({} days)",
                p.source,
                day(p.updated),
                day(p.reviewed),
                p.days
            );
        }

        let _ = writeln!(o, "\nTop contributors, last {RECENT_DAYS} days");
        if self.top_recent.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for (i, p) in self.top_recent.iter().enumerate() {
            let _ = writeln!(
                o,
                "  {:>2}. {}  {} points ({}, {}, {})",
                i + 1,
                p.name,
                p.points,
                count(p.commits as usize, "commit"),
                count(p.pages, "page"),
                count(p.answers, "answer")
            );
        }
        let _ = writeln!(o, "\nTop contributors, all time");
        if self.top_all_time.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for p in &self.top_all_time {
            let _ = writeln!(
                o,
                "  {:>2}. {}  {} points ({} written, {})",
                p.rank,
                p.name,
                p.score,
                count(p.pages_written, "page"),
                count(p.accepted_answers, "accepted answer")
            );
        }

        let _ = writeln!(
            o,
            "\nUnanswered questions by tag ({} questions)",
            t.unanswered
        );
        if self.gaps.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for g in &self.gaps {
            let tag = if g.tag.is_empty() { "(no tag)" } else { &g.tag };
            let _ = writeln!(o, "  {tag} ({})", g.count);
            for q in &g.questions {
                let _ = writeln!(o, "    [{}] {}  ({})", q.score, q.title, q.id);
            }
        }

        let _ = writeln!(
            o,
            "\nAnswers to fold into a page (score >= {}, promoted by no page: {})",
            self.candidate_min_score, self.candidates_total
        );
        if self.candidates.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for c in &self.candidates {
            let _ = writeln!(o, "  [{}] {}  ({})", c.score, c.title, c.id);
        }

        let _ = writeln!(
            o,
            "\nAnswers to review (outdated, promoted or score >= {}: {})",
            self.candidate_min_score, self.answers_to_review_total
        );
        if self.answers_to_review.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for r in &self.answers_to_review {
            let when = r
                .date
                .map_or_else(|| "undated".to_string(), |d| d.to_string());
            let why = match (&r.outdated.version_tag, r.outdated.months) {
                (Some(tag), _) => format!("tagged {tag}"),
                (None, Some(m)) => format!("older than {m} months"),
                (None, None) => String::new(),
            };
            let _ = writeln!(o, "  {when} {}  ({}; {why})", r.title, r.id);
        }

        let _ = writeln!(o, "\nTrends");
        let _ = writeln!(
            o,
            "  {:<8} {:>8} {:>14} {:>20}",
            "month", "answers", "pages updated", "active contributors"
        );
        for m in &self.trends {
            let _ = writeln!(
                o,
                "  {:<8} {:>8} {:>14} {:>20}",
                m.month, m.answers, m.pages_updated, m.active_contributors
            );
        }
        o
    }
}

/// `1 page`, `2 pages`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{answer, date, question, site};
    use super::*;
    use crate::forum::ForumData;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(1, "accepted answer"), "1 accepted answer");
        assert_eq!(count(0, "page"), "0 pages");
        assert_eq!(count(39, "page"), "39 pages");
    }
    #[test]
    fn text_report_lists_every_part() {
        let forum = ForumData {
            answers: vec![answer("1", 9, "ana", "2026-05-01")],
            unanswered: vec![question("2", "How to export?", &["export"], 3)],
        };
        let s = site("title: T\n", &[("p.md", "title: P\n")], forum);
        let text = Insights::compute(&s, Some(date("2026-06-01"))).to_text();
        for want in [
            "Insights as of 2026-06-01",
            "1 page, 1 community answer, 1 unanswered question, 1 contributor",
            "export (1)",
            "[3] How to export?  (f:2)",
            "[9] Question 1  (f:1)",
            "2026-05",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
    }
}
