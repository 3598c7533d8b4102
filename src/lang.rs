//! The site's languages (issue 22): which language a content path or a
//! site URL belongs to. Pure.
//!
//! The default language (`language:` of lorebook.yaml) lives at the root of
//! `content/` and of the site; every other declared language (`languages:`)
//! has its own tree, `content/<code>/…`, published under `/<code>/`. A page's
//! translations are the pages with the same path inside the other trees
//! (`content/a/b.md`, `content/de/a/b.md`). Translations written as
//! `page.<code>.md` beside the page (Zola's form) are refused with a hint
//! naming the file to create, and so is a top folder named like a language
//! that is not declared.

/// One language of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The code as declared (`de`, `pt-br`): the URL prefix and `<html lang>`.
    pub code: String,
    /// The language's own name, shown in the switcher (`Deutsch`).
    pub name: String,
    /// The site's title in this language.
    pub title: String,
    /// The site's description in this language.
    pub description: String,
    /// Written right to left (`dir="rtl"`).
    pub rtl: bool,
}

/// Every language of the site, the default first, the others by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Languages {
    list: Vec<Language>,
}

impl Default for Languages {
    fn default() -> Languages {
        Languages::single("en", "", "")
    }
}

impl Languages {
    /// A site with one language.
    pub fn single(code: &str, title: &str, description: &str) -> Languages {
        Languages {
            list: vec![Language {
                code: code.to_string(),
                name: native_name(code).unwrap_or(code).to_string(),
                title: title.to_string(),
                description: description.to_string(),
                rtl: is_rtl(code),
            }],
        }
    }

    /// `default` first, then `others` sorted by code (one entry per code).
    pub fn new(default: Language, mut others: Vec<Language>) -> Languages {
        others.retain(|l| l.code != default.code);
        others.sort_by(|a, b| a.code.cmp(&b.code));
        others.dedup_by(|a, b| a.code == b.code);
        let mut list = vec![default];
        list.extend(others);
        Languages { list }
    }

    pub fn default_language(&self) -> &Language {
        &self.list[0]
    }

    /// Every language, the default first.
    pub fn all(&self) -> &[Language] {
        &self.list
    }

    /// The languages with a tree of their own (all but the default).
    pub fn others(&self) -> &[Language] {
        &self.list[1..]
    }

    /// Keep the default language and the others `keep` accepts (a version
    /// of the site without a language's tree publishes it without that
    /// language).
    pub fn retain_others(&mut self, keep: impl Fn(&Language) -> bool) {
        let mut first = true;
        self.list.retain(|l| std::mem::take(&mut first) || keep(l));
    }

    /// More than one language is declared.
    pub fn is_multilingual(&self) -> bool {
        self.list.len() > 1
    }

    pub fn get(&self, code: &str) -> Option<&Language> {
        self.list.iter().find(|l| l.code == code)
    }

    /// The codes, the default first, for messages: "`en`, `de`, `fr`".
    pub fn listed(&self) -> String {
        self.list
            .iter()
            .map(|l| format!("`{}`", l.code))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The language a site URL (`de/a/b/`) or content path (`de/a/b.md`)
    /// belongs to, and the rest of it (`a/b/`): a first segment naming a
    /// non-default language, else the default language and the whole path.
    pub fn split<'u>(&self, path: &'u str) -> (&Language, &'u str) {
        let (first, rest) = match path.split_once('/') {
            Some((first, rest)) => (first, rest),
            None => (path, ""),
        };
        match self.others().iter().find(|l| l.code == first) {
            Some(l) => (l, rest),
            None => (self.default_language(), path),
        }
    }

    /// The language of a site URL or content path.
    pub fn of(&self, path: &str) -> &Language {
        self.split(path).0
    }

    /// The section key of a language's home: `` for the default, `de`.
    pub fn root_key<'a>(&self, lang: &'a Language) -> &'a str {
        if lang.code == self.default_language().code {
            ""
        } else {
            &lang.code
        }
    }

    /// Whether `key` is the home section of a language other than the
    /// default (a root of its own: no parent, not under the site's home).
    pub fn is_other_root(&self, key: &str) -> bool {
        self.others().iter().any(|l| l.code == key)
    }

    /// The URL prefix of a language: `` for the default, `de/`.
    pub fn prefix(&self, lang: &Language) -> String {
        let key = self.root_key(lang);
        if key.is_empty() {
            String::new()
        } else {
            format!("{key}/")
        }
    }

    /// The same path (URL or content path) in language `to`:
    /// `de/a/b/` -> `fr/a/b/`, `a/b/` -> `de/a/b/`.
    pub fn translate(&self, path: &str, to: &Language) -> String {
        let (_, rest) = self.split(path);
        format!("{}{rest}", self.prefix(to))
    }

    /// Why a Markdown file at `rel` (relative to `content/`) is refused:
    /// the message and a hint. Only multilingual sites check: a one-language
    /// site publishes every path as before.
    pub fn check_source(&self, rel: &str) -> Option<(String, String)> {
        if !self.is_multilingual() {
            return None;
        }
        let default = &self.default_language().code;
        if let Some((first, rest)) = rel.split_once('/') {
            if first == default {
                return Some((
                    format!(
                        "`content/{first}/` is the default language's folder; its pages live at the root of `content/`"
                    ),
                    format!("move this file to `content/{rest}`"),
                ));
            }
            if self.get(first).is_none() && looks_like_language(first) {
                return Some((
                    format!(
                        "`{first}` looks like a language code, but it is not declared (declared: {})",
                        self.listed()
                    ),
                    format!(
                        "add `{first}` under `languages:` in lorebook.yaml, or rename the folder `content/{first}/` if it is not a language"
                    ),
                ));
            }
        }
        // `page.de.md`: the translation form this site does not use.
        let (lang, inner) = self.split(rel);
        let stem = inner.strip_suffix(".md")?;
        let (base, code) = stem.rsplit_once('.')?;
        let file = base.rsplit('/').next().unwrap_or(base);
        // Only a declared language's code: `trunk.io.md` (a page about the
        // tool trunk.io) and `app.ts.md` are pages, though `io` and `ts` are
        // ISO 639-1 codes.
        let target_lang = self.get(code)?;
        if file.is_empty() {
            return None;
        }
        let target = format!("content/{}{base}.md", self.prefix(target_lang));
        let within = if lang.code == *default {
            String::new()
        } else {
            format!(" (this file is already in the `{}` tree)", lang.code)
        };
        Some((
            format!(
                "translations live in a folder per language, not in `.{code}.md` files{within}"
            ),
            format!("move this file to `{target}`"),
        ))
    }
}

/// Languages written right to left.
pub fn is_rtl(code: &str) -> bool {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    matches!(
        primary.to_ascii_lowercase().as_str(),
        "ar" | "he" | "iw" | "fa" | "ur" | "yi" | "ps" | "dv" | "ckb" | "sd" | "ug"
    )
}

/// A declared code is a language subtag (two or three lowercase letters)
/// and optional subtags of letters and digits (`pt-br`, `zh-hant`); it is a
/// URL segment, so nothing else is allowed.
pub fn valid_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The two-letter codes of ISO 639-1: a folder or file suffix spelled like
/// one of them (optionally with a region, `pt-br`) is taken for a language.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// `de`, `pt-br`, `zh-Hant`: an ISO 639-1 code, with an optional region or
/// script.
pub fn looks_like_language(name: &str) -> bool {
    let (primary, region) = match name.split_once(['-', '_']) {
        Some((p, r)) => (p, Some(r)),
        None => (name, None),
    };
    primary.len() == 2
        && ISO_639_1.split(' ').any(|c| c == primary)
        && region.is_none_or(|r| {
            (2..=4).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// The name a language calls itself by, for the languages whose theme
/// strings ship with lorebook and a few more; `None` for others (the
/// switcher then shows the code unless `name:` is set).
pub fn native_name(code: &str) -> Option<&'static str> {
    Some(match code.split(['-', '_']).next().unwrap_or(code) {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "ar" => "العربية",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "he" => "עברית",
        "fa" => "فارسی",
        "ja" => "日本語",
        "zh" => "中文",
        "ko" => "한국어",
        "ru" => "Русский",
        "pl" => "Polski",
        "sv" => "Svenska",
        "tr" => "Türkçe",
        "uk" => "Українська",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Language {
        Language {
            code: code.into(),
            name: code.into(),
            title: format!("Site {code}"),
            description: String::new(),
            rtl: is_rtl(code),
        }
    }

    fn three() -> Languages {
        Languages::new(lang("en"), vec![lang("fr"), lang("de"), lang("ar")])
    }

    #[test]
    fn retaining_keeps_the_default_first() {
        let mut langs = three();
        langs.retain_others(|l| l.code == "fr");
        assert_eq!(langs.listed(), "`en`, `fr`");
        langs.retain_others(|_| false);
        assert_eq!(langs.listed(), "`en`");
        assert!(!langs.is_multilingual());
    }

    #[test]
    fn default_first_then_others_by_code() {
        let l = three();
        let codes: Vec<&str> = l.all().iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "ar", "de", "fr"]);
        assert_eq!(l.listed(), "`en`, `ar`, `de`, `fr`");
        assert!(l.is_multilingual());
        assert!(!Languages::default().is_multilingual());
    }

    #[test]
    fn paths_and_urls_resolve_to_their_language() {
        let l = three();
        assert_eq!(l.split("de/a/b.md").0.code, "de");
        assert_eq!(l.split("de/a/b.md").1, "a/b.md");
        assert_eq!(l.split("de/").1, "");
        assert_eq!(l.split("de").0.code, "de");
        assert_eq!(l.split("a/b/").0.code, "en");
        assert_eq!(l.split("a/b/").1, "a/b/");
        // A folder that merely starts like a code is not one.
        assert_eq!(l.split("design/x/").0.code, "en");
        // The default language has no folder of its own.
        assert_eq!(l.split("en/x/").0.code, "en");
        assert_eq!(l.split("en/x/").1, "en/x/");
        assert_eq!(l.split("").0.code, "en");
        let fr = l.get("fr").unwrap();
        assert_eq!(l.translate("de/a/b/", fr), "fr/a/b/");
        assert_eq!(l.translate("a/b/", fr), "fr/a/b/");
        assert_eq!(l.translate("de/", l.default_language()), "");
        assert_eq!(l.root_key(fr), "fr");
        assert_eq!(l.prefix(l.default_language()), "");
        assert!(l.is_other_root("ar") && !l.is_other_root("") && !l.is_other_root("en"));
    }

    #[test]
    fn the_file_suffix_form_is_refused_with_the_file_to_create() {
        let l = three();
        let (msg, hint) = l.check_source("guide/install.de.md").unwrap();
        assert!(msg.contains("folder per language"), "{msg}");
        assert_eq!(hint, "move this file to `content/de/guide/install.md`");
        // The default language's code too: its pages live at the root.
        let (_, hint) = l.check_source("guide/install.en.md").unwrap();
        assert_eq!(hint, "move this file to `content/guide/install.md`");
        // An undeclared code is part of the page's name (real docs have
        // `trunk.io.md` for the tool trunk.io; `io` is Ido's code).
        assert!(l.check_source("install.es.md").is_none());
        assert!(l.check_source("tools/trunk.io.md").is_none());
        // Inside a language's tree, the hint still names the right file.
        let (_, hint) = l.check_source("de/guide/install.fr.md").unwrap();
        assert_eq!(hint, "move this file to `content/fr/guide/install.md`");
        // Dots that are no language are fine.
        assert!(l.check_source("guide/v2.1.md").is_none());
        assert!(l.check_source("guide/setup.ios.md").is_none());
        assert!(l.check_source("guide/install.md").is_none());
        assert!(l.check_source("de/guide/install.md").is_none());
    }

    #[test]
    fn undeclared_and_default_language_folders_are_refused() {
        let l = three();
        let (msg, hint) = l.check_source("es/guide.md").unwrap();
        assert!(msg.contains("`es` looks like a language code"), "{msg}");
        assert!(msg.contains("`en`, `ar`, `de`, `fr`"), "{msg}");
        assert!(hint.contains("languages:"), "{hint}");
        assert!(l.check_source("pt-br/guide.md").is_some());
        let (msg, hint) = l.check_source("en/guide.md").unwrap();
        assert!(msg.contains("default language"), "{msg}");
        assert_eq!(hint, "move this file to `content/guide.md`");
        // Section folders that are not language codes stay sections.
        assert!(l.check_source("api/keys.md").is_none());
        assert!(l.check_source("faq/x.md").is_none());
        // A one-language site checks nothing.
        assert!(Languages::default().check_source("de/x.md").is_none());
        assert!(Languages::default().check_source("x.de.md").is_none());
    }

    #[test]
    fn codes_direction_and_names() {
        assert!(valid_code("de") && valid_code("pt-br") && valid_code("zh-Hant"));
        assert!(!valid_code("DE") && !valid_code("d") && !valid_code("de/x") && !valid_code(""));
        assert!(!valid_code("de-") && !valid_code("../x"));
        for rtl in ["ar", "he", "fa", "ar-EG", "ur"] {
            assert!(is_rtl(rtl), "{rtl}");
        }
        for ltr in ["en", "de", "fr", "tr"] {
            assert!(!is_rtl(ltr), "{ltr}");
        }
        assert!(looks_like_language("de") && looks_like_language("pt-br"));
        assert!(!looks_like_language("api") && !looks_like_language("xx"));
        assert_eq!(native_name("de"), Some("Deutsch"));
        assert_eq!(native_name("zz"), None);
    }
}
