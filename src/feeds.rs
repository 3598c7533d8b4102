//! Every Atom feed of the site, written by one template (`atom`): new and
//! updated pages (`atom.xml`, [`pages`]) and new community answers
//! (`answers.xml`, [`answers`]). Pure: the newest entries first, at most
//! `feed_limit` each, dated from the content (never the wall clock); text is
//! escaped, answers carry plain-text excerpts, no email ever.

use chrono::{DateTime, NaiveDate, Utc};

use crate::content::Page;
use crate::forum::Answer;
use crate::site::Site;
use crate::urls::escape_html;

/// Where the pages feed is published.
pub(crate) const PAGES_PATH: &str = "atom.xml";

/// Characters of an answer's text its feed entry shows.
const ANSWER_EXCERPT: usize = 280;

/// One feed: its head and entries, with text not yet escaped.
struct Feed {
    language: String,
    title: String,
    subtitle: String,
    /// The feed's own URL.
    self_url: String,
    /// The page the feed is about.
    link: String,
    id: String,
    /// The newest entry's date (RFC 3339), or the epoch for an empty feed.
    updated: String,
    entries: Vec<Entry>,
}

struct Entry {
    title: String,
    /// Absolute URL: the entry's link and id.
    url: String,
    updated: String,
    author: Option<String>,
    summary: String,
}

/// The one Atom template every feed is written with.
fn atom(feed: &Feed) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        escape_html(&feed.language),
        escape_html(&feed.title),
        escape_html(&feed.subtitle),
        escape_html(&feed.self_url),
        escape_html(&feed.link),
        escape_html(&feed.id),
        feed.updated
    );
    for e in &feed.entries {
        let url = escape_html(&e.url);
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{}</updated>\n",
            escape_html(&e.title),
            e.updated,
        ));
        if let Some(author) = &e.author {
            out.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                escape_html(author)
            ));
        }
        out.push_str(&format!(
            "    <summary>{}</summary>\n  </entry>\n",
            escape_html(&e.summary)
        ));
    }
    out.push_str("</feed>\n");
    out
}

/// The epoch, the `updated` date of a feed with no entries.
const NO_DATE: &str = "1970-01-01T00:00:00Z";

/// The date shown for a page in feeds and sitemaps, if it has one: the
/// newest of its `date:`, its `reviewed:` and its last commit.
pub(crate) fn page_date(site: &Site, page: &Page) -> Option<NaiveDate> {
    let git = site
        .contributors
        .page(&page.source)
        .map(|c| c.updated.date_naive());
    page.front
        .date
        .map(|d| d.0)
        .max(page.front.reviewed.map(|d| d.0))
        .max(git)
}

/// `atom.xml`: the newest pages (by [`page_date`]; undated pages are left
/// out), newest first, ties by URL. On a multilingual site, the default
/// language's pages (see [`pages_feeds`]).
#[cfg(test)]
fn pages(site: &Site) -> String {
    pages_of(site, site.config.languages.default_language())
}

/// Every language's pages feed: `atom.xml`, `de/atom.xml`, ... (path, text).
pub(crate) fn pages_feeds(site: &Site) -> Vec<(String, String)> {
    let langs = &site.config.languages;
    langs
        .all()
        .iter()
        .map(|l| {
            (
                format!("{}{PAGES_PATH}", langs.prefix(l)),
                pages_of(site, l),
            )
        })
        .collect()
}

/// The pages feed of one language.
fn pages_of(site: &Site, lang: &crate::lang::Language) -> String {
    let c = &site.config;
    let home = c.languages.prefix(lang);
    let mut dated: Vec<(&Page, NaiveDate)> = site
        .pages
        .iter()
        .filter(|p| site.language_of(&p.url).code == lang.code)
        .filter_map(|p| Some((p, page_date(site, p)?)))
        .collect();
    dated.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.url.cmp(&b.0.url)));
    dated.truncate(c.feed_limit);
    let stamp = |d: NaiveDate| format!("{d}T00:00:00Z");
    let feed = Feed {
        language: lang.code.clone(),
        title: lang.title.clone(),
        subtitle: lang.description.clone(),
        self_url: c.base_url.absolute(&format!("{home}{PAGES_PATH}")),
        link: c.base_url.absolute(&home),
        id: c.base_url.absolute(&home),
        updated: dated
            .first()
            .map_or_else(|| NO_DATE.to_string(), |e| stamp(e.1)),
        entries: dated
            .into_iter()
            .map(|(page, date)| Entry {
                title: page.title.clone(),
                url: c.base_url.absolute(&page.url),
                updated: stamp(date),
                author: None,
                summary: page.description.clone(),
            })
            .collect(),
    };
    atom(&feed)
}

/// `answers.xml`: the newest community answers (by
/// [`crate::insights::answer_date`]; undated answers are left out), newest
/// first, ties by id. Public data only: titles, the author's shown name,
/// plain-text excerpts, links to the answer pages.
pub(crate) fn answers(site: &Site) -> String {
    let c = &site.config;
    let mut dated: Vec<(&Answer, DateTime<Utc>)> = site
        .forum
        .answers
        .iter()
        .filter_map(|a| Some((a, crate::insights::answer_date(a)?)))
        .collect();
    dated.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    dated.truncate(c.feed_limit);
    let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let self_url = c.base_url.absolute(crate::insights::FEED_PATH);
    let feed = Feed {
        language: c.language.clone(),
        title: format!("{}: community answers", c.title),
        subtitle: "New accepted answers from the community".into(),
        link: c.base_url.absolute(crate::insights::PAGE_URL),
        id: self_url.clone(),
        self_url,
        updated: dated
            .first()
            .map_or_else(|| NO_DATE.to_string(), |e| stamp(e.1)),
        entries: dated
            .into_iter()
            .map(|(a, time)| {
                let text = crate::forum::sanitize::html_to_text(&a.answer_html);
                let mut summary: String = text.chars().take(ANSWER_EXCERPT).collect();
                if summary.len() < text.len() {
                    summary.push('…');
                }
                Entry {
                    title: a.title.clone(),
                    url: c.base_url.absolute(&a.url()),
                    updated: stamp(time),
                    author: Some(site.contributors.shown_name(&a.source, &a.author)),
                    summary,
                }
            })
            .collect(),
    };
    atom(&feed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::ForumData;
    use crate::insights::testkit::{answer, credit, site};

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
        let feed = answers(&s);
        assert!(feed.contains("<title>T &amp; Co: community answers</title>"));
        assert!(feed
            .contains("<title>A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title</title>"));
        assert!(feed.contains("<summary>Use &lt;tag&gt; &amp; more</summary>"));
        assert!(feed.contains("<author><name>ANA</name></author>"));
        assert_eq!(feed.matches("<entry>").count(), 1);
        assert!(feed.contains("<updated>2026-05-01T12:00:00Z</updated>"));
    }

    #[test]
    fn pages_feed_lists_dated_pages_newest_first_without_authors() {
        let mut s = site(
            "title: Docs <&>\ndescription: All \"the\" answers\nbase_url: https://kb.example/sub/\nfeed_limit: 2\n",
            &[
                ("a.md", "title: A & a\ndescription: First\ndate: 2026-01-05\n"),
                ("b.md", "title: B\nreviewed: 2026-03-01\n"),
                ("c.md", "title: C\n"),
                ("d.md", "title: D\ndate: 2025-01-01\n"),
                ("e.md", "title: E\n"),
            ],
            ForumData::default(),
        );
        credit(&mut s, "c.md", "2026-02-01");
        let feed = pages(&s);
        assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n  <title>Docs &lt;&amp;&gt;</title>\n  <subtitle>All &quot;the&quot; answers</subtitle>\n  <link rel=\"self\" href=\"https://kb.example/sub/atom.xml\"/>\n  <link href=\"https://kb.example/sub/\"/>\n  <id>https://kb.example/sub/</id>\n  <updated>2026-03-01T00:00:00Z</updated>\n"), "{feed}");
        // Newest first (the review, then the commit), two of four dated
        // pages; the undated page is never listed.
        let titles: Vec<&str> = feed
            .match_indices("<entry>\n    <title>")
            .map(|(at, m)| {
                let rest = &feed[at + m.len()..];
                &rest[..rest.find('<').unwrap_or(0)]
            })
            .collect();
        assert_eq!(titles, vec!["B", "C"]);
        assert!(feed.contains("<link href=\"https://kb.example/sub/b/\"/>\n    <id>https://kb.example/sub/b/</id>\n    <updated>2026-03-01T00:00:00Z</updated>\n    <summary></summary>\n  </entry>\n"));
        assert!(!feed.contains("<author>"));
        assert!(feed.ends_with("</feed>\n"));
        let empty = site("title: T\n", &[], ForumData::default());
        assert!(pages(&empty).contains("<updated>1970-01-01T00:00:00Z</updated>\n</feed>\n"));
    }
}
