//! The dates the insights rules compare (see the module docs of
//! `insights`): a page's last update, an answer's date, where "stale"
//! begins. Shared by `compute` and `trust`, which both read them.

use chrono::{DateTime, Months, NaiveDate, Utc};

use crate::content::Page;
use crate::forum::Answer;
use crate::site::Site;

/// The last update of a page: its newest commit, else its `date:`.
pub fn page_updated(site: &Site, page: &Page) -> Option<NaiveDate> {
    site.contributors
        .page(&page.source)
        .map(|c| c.updated.date_naive())
        .or(page.front.date.map(|d| d.0))
}

/// The first day that is not stale as of `as_of`.
pub(crate) fn stale_limit(as_of: NaiveDate, months: u32) -> Option<NaiveDate> {
    as_of.checked_sub_months(Months::new(months))
}

/// The date an accepted answer was added: written, else accepted, else asked.
pub fn answer_date(a: &Answer) -> Option<DateTime<Utc>> {
    a.answered
        .or_else(|| a.accepted.first().and_then(|r| r.accepted_at))
        .or(a.asked)
}
