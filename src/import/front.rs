//! Front matter of an imported page: split off the page, its values read
//! loosely (numbers as strings, tags in any of the usual shapes), and the
//! new page's front matter written in lorebook's keys ([`NewFront`]).

/// Front matter of a new page, in lorebook's keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NewFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub draft: bool,
    pub date: Option<String>,
}

impl NewFront {
    /// `---\n...\n---\n`, or nothing when every key is empty.
    pub fn to_text(&self) -> String {
        use serde_yaml::{Mapping, Value};
        let mut m = Mapping::new();
        let s = |v: &str| Value::String(v.to_string());
        if let Some(t) = &self.title {
            m.insert(s("title"), s(t));
        }
        if let Some(d) = &self.description {
            m.insert(s("description"), s(d));
        }
        if let Some(w) = self.weight {
            m.insert(s("weight"), Value::Number(w.into()));
        }
        if !self.tags.is_empty() {
            m.insert(
                s("tags"),
                Value::Sequence(self.tags.iter().map(|t| s(t)).collect()),
            );
        }
        if !self.aliases.is_empty() {
            m.insert(
                s("aliases"),
                Value::Sequence(self.aliases.iter().map(|t| s(t)).collect()),
            );
        }
        if self.draft {
            m.insert(s("draft"), Value::Bool(true));
        }
        if let Some(d) = &self.date {
            m.insert(s("date"), s(d));
        }
        if m.is_empty() {
            return String::new();
        }
        format!("---\n{}---\n", crate::yaml::to_string(&Value::Mapping(m)))
    }
}

/// YAML front matter split off a page: (yaml, first yaml line, body, first
/// body line). TOML front matter (`+++`) is converted to YAML values by the
/// Hugo importer itself.
pub(crate) fn split_front(text: &str) -> (Option<(&str, usize)>, &str, usize) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text, 1);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.matches('\n').count() + 1;
            return (Some((yaml, 2)), body, body_line);
        }
        offset += line.len();
    }
    (None, text, 1)
}

/// A YAML value as a string (numbers and booleans too), for front matter
/// keys written loosely.
pub(crate) fn value_str(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Tagged(t) => value_str(&t.value),
        _ => None,
    }
}

/// Tags written as a list of strings, one string, or `{label: ...}` objects.
pub(crate) fn value_tags(v: &serde_yaml::Value) -> Vec<String> {
    match v {
        serde_yaml::Value::Sequence(items) => items
            .iter()
            .filter_map(|i| match i {
                serde_yaml::Value::Mapping(m) => m
                    .get(serde_yaml::Value::String("label".into()))
                    .and_then(value_str),
                other => value_str(other),
            })
            .collect(),
        other => value_str(other)
            .map(|s| {
                s.split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `2024-05-01T10:00:00Z` -> `2024-05-01` when it starts with a date.
pub(crate) fn date_only(s: &str) -> Option<String> {
    let d = s.get(..10)?;
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .ok()
        .map(|_| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn new_front_matter_is_yaml_lorebook_reads() {
        let f = NewFront {
            title: Some("Install: \"quick\"".into()),
            weight: Some(20),
            tags: vec!["a".into()],
            aliases: vec!["/old/".into()],
            draft: true,
            ..Default::default()
        };
        let text = format!("{}Body\n", f.to_text());
        let split = crate::content::frontmatter::split(&text, Path::new("a.md")).unwrap();
        let parsed = crate::content::frontmatter::parse(&split, Path::new("a.md")).unwrap();
        assert_eq!(parsed.title.as_deref(), Some("Install: \"quick\""));
        assert_eq!(parsed.weight, Some(20));
        assert_eq!(parsed.aliases, ["/old/"]);
        assert!(parsed.draft);
        assert_eq!(NewFront::default().to_text(), "");
    }
}
