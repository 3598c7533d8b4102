//! What `insights.html` sees: the insights with hrefs relative to the page,
//! and the trend charts.

use chrono::NaiveDate;
use serde::Serialize;

use super::chart::bar_chart_svg;
use super::compute::{
    Candidate, Insights, MonthStats, RankedPerson, RecentPerson, SectionStats, StalePage, TagGap,
    Totals, RECENT_DAYS,
};
use crate::site::Site;

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
    pub answers_to_review: Vec<Linked<'a, super::trust::ReviewAnswer>>,
    pub answers_to_review_total: usize,
    pub answer_stale_months: u32,
    pub trends: &'a [MonthStats],
    pub charts: Vec<ChartView>,
    /// The answers feed, when the site has answers.
    pub feed_href: Option<String>,
    /// Whether `insights.search_log:` is set.
    pub has_search_log: bool,
    /// Searches that found nothing, most searched first (at most
    /// `search_log::MISSED_SHOWN`).
    pub missed_searches: &'a [super::search_log::MissedQuery],
    pub missed_total: usize,
}

impl Insights {
    /// The template view of these insights for the page at `current`.
    pub fn view<'a>(&'a self, site: &'a Site, current: &str) -> InsightsView<'a> {
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
            answers_to_review: linked(&self.answers_to_review, |r| rel(&r.url)),
            answers_to_review_total: self.answers_to_review_total,
            answer_stale_months: self.answer_stale_months,
            trends: &self.trends,
            charts,
            feed_href: (!site.forum.answers.is_empty())
                .then(|| crate::urls::relative(current, FEED_PATH)),
            has_search_log: site.config.insights.search_log.is_some(),
            missed_searches: &site.search_log
                [..site.search_log.len().min(super::search_log::MISSED_SHOWN)],
            missed_total: site.search_log.len(),
        }
    }
}
