//! lorebook's own forum format (YAML) on arbitrary bytes: never panics,
//! never expands aliases without bound (the pre-scan in `yaml::parse`
//! refuses bombs; libFuzzer's memory and time limits catch one that slips
//! through), and keeps only sanitized bodies and http(s) links.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorebook::config::ForumKind;
use lorebook_fuzz::check_forum;

fuzz_target!(|data: &[u8]| {
    check_forum(ForumKind::Lorebook, "export.yaml", data);
});
