//! Where the links of an imported page point now: the page's files may
//! have moved, and routes and `@/` links become relative `.md` links.

use std::collections::{BTreeMap, BTreeSet};

use super::convert::{self, Note};

/// Rewrites the links of one page of an imported tree: relative links to
/// files that moved, `@/path.md` (content-root) links, and site routes the
/// format maps to files (`route`), all made relative `.md` links.
pub(crate) struct Links<'a> {
    /// Old content-relative path -> new one, for every file of the tree.
    pub moved: &'a BTreeMap<String, String>,
    /// A site-absolute route (`/docs/a/b`) -> the old path of its file.
    pub route: &'a dyn Fn(&str) -> Option<String>,
    /// Files published from the site root as they are (`img/logo.svg` of
    /// `static/`): links to them stay as written (lorebook resolves them).
    pub statics: &'a BTreeSet<String>,
}

impl Links<'_> {
    /// Rewrite the links of `body` (the page at old path `from`, new path
    /// `to`). `first_line` is the file line of the body's first line.
    pub fn rewrite(
        &self,
        body: &str,
        from: &str,
        to: &str,
        first_line: usize,
        notes: &mut Vec<Note>,
    ) -> String {
        convert::rewrite_links(body, |dest, line| {
            let line = first_line + line - 1;
            if dest.starts_with('#') || convert::is_external(dest) {
                return None;
            }
            let (path, suffix) = convert::split_dest(dest);
            let decoded = percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .into_owned();
            let old_target = if let Some(rooted) = decoded.strip_prefix("@/") {
                Some(rooted.to_string())
            } else if let Some(rooted) = decoded.strip_prefix('/') {
                if self.statics.contains(rooted) {
                    return None;
                }
                let found = (self.route)(&decoded);
                if found.is_none() {
                    notes.push(Note::new(
                        line,
                        format!("`{dest}` matches no page of the imported tree; left as written"),
                    ));
                }
                found
            } else {
                convert::resolve(from, &decoded).and_then(|p| {
                    if self.moved.contains_key(&p) {
                        Some(p)
                    } else {
                        // `./guide` written as a route to `guide.md`.
                        ["md", "mdx", "markdown"]
                            .iter()
                            .map(|ext| format!("{}.{ext}", p.trim_end_matches('/')))
                            .find(|c| self.moved.contains_key(c))
                            .or_else(|| {
                                ["index", "README"]
                                    .iter()
                                    .map(|n| format!("{}/{n}.md", p.trim_end_matches('/')))
                                    .find(|c| self.moved.contains_key(c))
                            })
                    }
                })
            };
            let new_target = self.moved.get(&old_target?)?;
            let new = format!("{}{suffix}", convert::relative(to, new_target));
            (new != dest).then_some(new)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_moved_files_and_routes() {
        let moved: BTreeMap<String, String> = [
            ("guide/index.md", "guide/_index.md"),
            ("guide/01-start.md", "guide/start.md"),
            ("img/a.png", "img/a.png"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let route = |r: &str| (r == "/docs/guide/start").then(|| "guide/01-start.md".to_string());
        let statics = BTreeSet::new();
        let links = Links {
            moved: &moved,
            route: &route,
            statics: &statics,
        };
        let mut notes = Vec::new();
        let out = links.rewrite(
            "[a](index.md#x) [b](./01-start) [c](/docs/guide/start) [d](@/guide/index.md) [e](/nowhere) ![i](../img/a.png) [w](https://x.example/)\n",
            "guide/01-start.md",
            "guide/start.md",
            4,
            &mut notes,
        );
        assert_eq!(
            out,
            "[a](_index.md#x) [b](start.md) [c](start.md) [d](_index.md) [e](/nowhere) ![i](../img/a.png) [w](https://x.example/)\n"
        );
        assert_eq!(
            notes,
            [Note::new(
                4,
                "`/nowhere` matches no page of the imported tree; left as written"
            )]
        );
    }
}
