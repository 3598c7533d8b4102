//! The dev server's path resolver: never panics, never yields a key that
//! climbs (`..`), is absolute, or holds a backslash or NUL, and never
//! redirects off the site (`//host`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorebook::serve::resolve::{decode_path, resolve, Resolved};

fn check_key(key: &str) {
    assert!(!key.starts_with('/'), "absolute key {key:?}");
    assert!(!key.contains('\\') && !key.contains('\0'), "{key:?}");
    for segment in key.split('/') {
        assert!(segment != ".." && segment != ".", "climbing key {key:?}");
    }
    assert!(!key.contains("//"), "empty segment in {key:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let Ok(target) = std::str::from_utf8(rest) else {
        return;
    };
    if let Some(key) = decode_path(target) {
        check_key(&key);
    }
    // Every key exists, or only folder indexes do (so redirects happen).
    let exists = |k: &str| flag & 1 != 0 || k.ends_with("/index.html");
    match resolve(target, exists) {
        Resolved::File(key) => check_key(&key),
        Resolved::Redirect(location) => {
            assert!(location.starts_with('/'), "{location:?}");
            assert!(
                !location.starts_with("//") && !location.starts_with("/\\"),
                "off-site redirect {location:?}"
            );
        }
        Resolved::NotFound | Resolved::Rejected | Resolved::TooLong => {}
    }
});
