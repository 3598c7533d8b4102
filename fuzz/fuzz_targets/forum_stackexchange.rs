//! The Stack Exchange importer on arbitrary bytes: never panics; every body it
//! keeps is sanitized (nothing that runs script), every link it keeps outside
//! the bodies is http(s), and answer URLs stay inside `answers/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorebook::config::ForumKind;
use lorebook_fuzz::check_forum;

fuzz_target!(|data: &[u8]| {
    check_forum(ForumKind::Stackexchange, "export.xml", data);
});
