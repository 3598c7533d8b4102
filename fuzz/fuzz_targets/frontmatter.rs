//! Front matter splitting and parsing: never panics; a split's body is the
//! end of the file at `body_offset`, and key lines fall inside the block.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use lorebook::content::frontmatter::{key_lines, parse, split};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/fuzz.md");
    let Ok(s) = split(text, path) else {
        return;
    };
    assert_eq!(
        text.get(s.body_offset..),
        Some(s.body),
        "body is the file's tail"
    );
    assert!(s.body_line >= 1 && s.yaml_line >= 1);
    let last_yaml_line = s.yaml_line + s.yaml.lines().count();
    for (key, line) in key_lines(&s) {
        assert!(!key.is_empty());
        assert!(
            line >= s.yaml_line && line <= last_yaml_line,
            "{key} at {line}"
        );
    }
    if let Err(d) = parse(&s, path) {
        assert_eq!(d.path, path);
        assert!(!d.message.is_empty());
    }
});
