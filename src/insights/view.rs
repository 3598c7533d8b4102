//! What `insights.html` sees: the insights with hrefs relative to the page
//! and the trend charts; and the answers feed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::chart::bar_chart_svg;
use super::compute::{
    answer_date, Candidate, Insights, MonthStats, RankedPerson, RecentPerson, SectionStats,
    StalePage, TagGap, Totals, RECENT_DAYS,
};
use crate::forum::Answer;
use crate::site::Site;
use crate::urls::escape_html;

/// Where `/insights/` is published.
pub const PAGE_URL: &str = "insights/";
/// Where the answers feed is published.
pub const FEED_PATH: &str = "answers.xml";

/// An item with the href templates link it to (relative to the page).
#[derive(Serialize)]
pub struct Linked<'a, T> {
    #[serde(flatten)]
    pub item: &'a T,
    pub href: Option<String>,
}

/// Each item with its link.
fn linked<'a, T>(items: &'a [T], href: impl Fn(&T) -> Option<String>) -> Vec<Linked<'a, T>> {
    items
        .iter()
        .map(|item| Linked {
            href: href(item),
            item,
        })
        .collect()
}

/// One trend chart: the SVG (generated here, text escaped) and its figures
/// for the table fallback.
#[derive(Serialize)]
pub struct ChartView {
    pub title: String,
    /// Inline SVG; only numbers and escaped labels inside.
    pub svg_html: String,
    pub rows: Vec<(String, usize)>,
}

/// What `insights.html` sees: the insights with relative hrefs and charts.
#[derive(Serialize)]
pub struct InsightsView<'a> {
    pub as_of: Option<NaiveDate>,
    pub stale_months: u32,
    pub candidate_min_score: i64,
    pub recent_days: u64,
    pub totals: &'a Totals,
    pub sections: Vec<Linked<'a, SectionStats>>,
    pub stale_pages: Vec<Linked<'a, StalePage>>,
    pub top_recent: Vec<Linked<'a, RecentPerson>>,
    pub top_all_time: Vec<Linked<'a, RankedPerson>>,
    pub gaps: &'a [TagGap],
    pub candidates: Vec<Linked<'a, Candidate>>,
    pub candidates_total: usize,
    pub trends: &'a [MonthStats],
    pub charts: Vec<ChartView>,
    /// The answers feed, when the site has answers.
    pub feed_href: Option<String>,
}

impl Insights {
    /// The template view of these insights for the page at `current`.
    pub fn view<'a>(&'a self, site: &Site, current: &str) -> InsightsView<'a> {
        let rel = |url: &str| Some(crate::urls::relative(current, url));
        let person = |slug: &str| {
            site.contributors
                .person(slug)
                .and_then(|p| rel(&format!("contributors/{}/", p.slug)))
        };
        let chart = |id: &str, title: &str, f: &dyn Fn(&MonthStats) -> usize| {
            let rows: Vec<(String, usize)> = self
                .trends
                .iter()
                .map(|m| (m.month.clone(), f(m)))
                .collect();
            ChartView {
                title: title.to_string(),
                svg_html: bar_chart_svg(id, title, &rows),
                rows,
            }
        };
        let charts = if self.trends.is_empty() {
            Vec::new()
        } else {
            vec![
                chart("chart-answers", "Community answers per month", &|m| {
                    m.answers
                }),
                chart("chart-pages", "Pages updated per month", &|m| {
                    m.pages_updated
                }),
                chart("chart-people", "Active contributors per month", &|m| {
                    m.active_contributors
                }),
            ]
        };
        InsightsView {
            as_of: self.as_of,
            stale_months: self.stale_months,
            candidate_min_score: self.candidate_min_score,
            recent_days: RECENT_DAYS,
            totals: &self.totals,
            sections: linked(&self.sections, |s| rel(&s.url)),
            stale_pages: linked(&self.stale_pages, |p| rel(&p.url)),
            top_recent: linked(&self.top_recent, |p| person(&p.slug)),
            top_all_time: linked(&self.top_all_time, |p| person(&p.slug)),
            gaps: &self.gaps,
            candidates: linked(&self.candidates, |c| rel(&c.url)),
            candidates_total: self.candidates_total,
            trends: &self.trends,
            charts,
            feed_href: (!site.forum.answers.is_empty())
                .then(|| crate::urls::relative(current, FEED_PATH)),
        }
    }
}

/// Atom feed of the newest community answers (at most `feed_limit`), newest
/// first; answers with no date are left out. Public data only: titles,
/// display names, plain-text excerpts, links to the answer pages.
pub fn answers_feed(site: &Site) -> String {
    let c = &site.config;
    let mut entries: Vec<(&Answer, DateTime<Utc>)> = site
        .forum
        .answers
        .iter()
        .filter_map(|a| Some((a, answer_date(a)?)))
        .collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    entries.truncate(c.feed_limit);
    let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| stamp(e.1));
    let self_url = c.base_url.absolute(FEED_PATH);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}: community answers</title>\n  <subtitle>New accepted answers from the community</subtitle>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        escape_html(&c.language),
        escape_html(&c.title),
        escape_html(&self_url),
        escape_html(&c.base_url.absolute(PAGE_URL)),
        escape_html(&self_url),
        updated
    );
    for (a, time) in entries {
        let url = escape_html(&c.base_url.absolute(&a.url()));
        let name = if a.author.display_name.trim().is_empty() {
            a.author.username.trim()
        } else {
            a.author.display_name.trim()
        };
        let text = crate::forum::sanitize::html_to_text(&a.answer_html);
        let mut summary: String = text.chars().take(280).collect();
        if summary.len() < text.len() {
            summary.push('…');
        }
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            escape_html(&a.title),
            stamp(time),
            escape_html(if name.is_empty() { "anonymous" } else { name }),
            escape_html(&summary),
        ));
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{answer, site};
    use super::*;
    use crate::forum::ForumData;

    #[test]
    fn answers_feed_escapes_forum_text_and_skips_undated_answers() {
        let mut risky = answer("1", 3, "ana", "2026-05-01");
        risky.title = "A <b>bold</b> & \"quoted\" title".into();
        risky.answer_html = "<p>Use <code>&lt;tag&gt;</code> &amp; more</p>".into();
        let mut undated = answer("2", 3, "bo", "2026-05-02");
        undated.answered = None;
        undated.accepted.clear();
        let s = site(
            "title: T & Co\nbase_url: https://kb.example/\n",
            &[],
            ForumData {
                answers: vec![risky, undated],
                unanswered: Vec::new(),
            },
        );
        let feed = answers_feed(&s);
        assert!(feed.contains("<title>T &amp; Co: community answers</title>"));
        assert!(feed
            .contains("<title>A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title</title>"));
        assert!(feed.contains("<summary>Use &lt;tag&gt; &amp; more</summary>"));
        assert!(feed.contains("<author><name>ANA</name></author>"));
        assert_eq!(feed.matches("<entry>").count(), 1);
        assert!(feed.contains("<updated>2026-05-01T12:00:00Z</updated>"));
    }
}
