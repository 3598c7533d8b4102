//! Contributor credit: who wrote each page (from git, read in one pass), who
//! answered on the forum, merged into people by `contributors.yaml`, ranked.
//!
//! The parts, each depending only on those before it:
//! - [`record`]: one commit's record (author, co-authors, time, changed paths
//!   with line counts) and its byte format, the one `git log` prints;
//! - [`git`]: the few git processes (where the repository is, HEAD,
//!   `.mailmap`);
//! - [`odb`]: the history reader, in process (gix);
//! - `cache`: the records of the last walk, kept in the git directory;
//! - [`history`]: the fold of records into per-file histories (renames
//!   followed, bots skipped);
//! - [`identity`]: who is who (`contributors.yaml`, bots, `.mailmap`);
//! - [`read`]: one read of the history: probe, cache, reader, mailmap, fold;
//! - [`credit`]: git people, declared people and forum authors merged into
//!   ranked [`Person`]s with per-page credit ([`build`] gives
//!   [`Contributors`], the model templates see).
//!
//! Emails are matching keys only: nothing this module hands out carries one.

mod cache;
pub mod credit;
pub mod git;
pub mod history;
pub mod identity;
pub mod odb;
pub mod read;
pub mod record;

pub use credit::{
    build, Activity, Contributors, ForumAccount, Link, PageAuthor, PageCredit, Person,
    PersonAnswer, PersonPage, ANSWER_SCORE_CAP, COMMIT_CAP, POINTS_MAIN_AUTHOR, POINTS_OTHER_PAGE,
    POINTS_PER_ANSWER, POINTS_PER_COMMIT,
};
pub use git::head_id;
pub use history::History;
pub use identity::PersonEntry;
pub use read::read_history;
