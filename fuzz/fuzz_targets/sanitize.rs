//! The forum HTML sanitizer: never panics, and its output holds nothing that
//! runs script (no `<script>`, no `on...=` handlers, no `javascript:` URLs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorebook::forum::sanitize::{html_to_text, sanitize};
use lorebook_fuzz::check_html;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let Ok(html) = std::str::from_utf8(rest) else {
        return;
    };
    let base = (flag & 1 != 0).then_some("https://forum.example/t/");
    let clean = sanitize(html, base);
    if let Err(why) = check_html(&clean) {
        panic!("unsafe sanitized HTML: {why}\n{clean}");
    }
    // Sanitizing is idempotent: clean HTML passes through unchanged.
    assert_eq!(sanitize(&clean, base), clean, "sanitize is not idempotent");
    let _ = html_to_text(html);
});
