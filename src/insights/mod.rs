//! Community insights: what the wiki holds, how fresh it is, who keeps it
//! alive and what to write next. [`Insights::compute`] is a pure function of
//! the [`Site`](crate::site::Site) and an "as of" date; the `/insights/`
//! page, the `lorebook insights` report (text or JSON) and the "may be
//! outdated" note on pages all read from it, so they always agree.
//!
//! ## The "as of" date
//!
//! Built output must not depend on the day it was built, so insights never
//! read the wall clock. [`Site::as_of`](crate::site::Site::as_of) is, in order:
//! 1. `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when it is set and valid;
//! 2. the date of the newest commit that changed `content/`;
//! 3. the newest date in the content and forum data (`date:`/`reviewed:` of
//!    pages, questions asked, answers written or accepted).
//!
//! Without any of them there is no "as of" date: nothing is called stale.
//!
//! ## Rules
//!
//! - A page's last update is its newest git commit, else its `date:`. It is
//!   *stale* when both its last update and its `reviewed:` date are more
//!   than `insights.stale_months` months before the as-of date. A page with
//!   neither date is *undated* (counted, never stale).
//! - Ages are whole days from the last update to the as-of date; a
//!   section's median is the middle value (the mean of the two middle
//!   values, rounded down, for an even count).
//! - "Last 90 days" is the 90 days ending on the as-of date (as-of − 89 …
//!   as-of). A person's recent points: 1 per commit to content, 2 per page
//!   changed, 5 per accepted answer written in the window.
//! - Knowledge gaps: forum questions without an accepted answer, grouped by
//!   tag (a question with several tags is listed under each; case-insensitive
//!   grouping, first spelling shown), groups with the most questions first,
//!   questions by score, highest first.
//! - Fold candidates: accepted answers scored at least
//!   `insights.candidate_min_score` (default 5) that no page lists in
//!   `answers:`, highest score first.
//! - Trends cover the 12 calendar months ending with the as-of month.
//! - Only public forum data and display names are used: no email, ever.
//!
//! Lists are bounded (see the `*_SHOWN` constants) so the page stays small on
//! a forum with a million questions; totals are always exact.

mod chart;
mod compute;
mod dates;
pub mod search_log;
mod text;
pub mod trust;
mod view;

#[cfg(test)]
pub(crate) mod testkit;

pub use chart::bar_chart_svg;
pub use compute::{
    median, outdated_note, Candidate, Gap, Insights, MonthStats, OutdatedNote, RankedPerson,
    RecentPerson, SectionStats, StalePage, TagGap, Totals, CANDIDATES_SHOWN, GAP_QUESTIONS_SHOWN,
    GAP_TAGS_SHOWN, PEOPLE_SHOWN, RECENT_DAYS, STALE_SHOWN, TREND_MONTHS,
};
pub use dates::{answer_date, page_updated};
pub use view::{ChartView, InsightsView, Linked, FEED_PATH, PAGE_URL};
