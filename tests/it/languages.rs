//! Translated pages (issue 22) on the multilingual fixture
//! (`tests/fixtures/i18n`: English at the root, German, French, Japanese
//! and Arabic in `content/<code>/`, one forum source in English and one in
//! German, a site override of a German theme string): URLs per language,
//! alternates, the sitemap, the switcher's fallback, one search index per
//! language stemmed in that language, theme strings, right-to-left pages,
//! and the errors for translations written another way.

use std::path::Path;

use crate::common::{
    alternates, broken_links, built_site, index_text, lorebook, read, site, tree, unpack_shard,
};

/// The language switcher's links, as `(lang, href, missing)`.
fn switcher(html: &str) -> Vec<(String, String, bool)> {
    let start = html.find("<nav class=\"lang-switch\"").expect("a switcher");
    let nav = &html[start..start + html[start..].find("</nav>").expect("closed")];
    nav.split("<li><a href=\"")
        .skip(1)
        .filter_map(|s| {
            let (href, rest) = s.split_once('"')?;
            let lang = rest.split("hreflang=\"").nth(1)?.split('"').next()?;
            let tag_end = rest.find('>')?;
            Some((
                lang.to_string(),
                href.to_string(),
                rest[..tag_end].contains("lang-missing"),
            ))
        })
        .collect()
}

#[test]
fn each_language_publishes_its_own_tree_under_its_code() {
    let (_tmp, out) = built_site("i18n");
    for f in [
        "index.html",
        "guide/install/index.html",
        "guide/english-only/index.html",
        "de/index.html",
        "de/guide/index.html",
        "de/guide/install/index.html",
        "de/guide/nur-deutsch/index.html",
        "de/tags/einrichtung/index.html",
        "de/tags/index.html",
        "de/atom.xml",
        "de/search/index.html",
        "de/search/index.js",
        "de/community/index.html",
        "fr/index.html",
        "ar/guide/install/index.html",
        "tags/setup/index.html",
        "search/index.js",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    // A page missing in a language is absent there, not copied.
    assert!(!out.join("de/guide/english-only").exists());
    assert!(!out.join("fr/guide").exists());
    // The default language has no folder of its own, and tags do not mix.
    assert!(!out.join("en").exists());
    assert!(!out.join("tags/einrichtung").exists());
    assert!(broken_links(&out).is_empty(), "{:?}", broken_links(&out));

    let de = read(&out.join("de/guide/install/index.html"));
    assert!(
        de.starts_with("<!doctype html>\n<html lang=\"de\">"),
        "{de}"
    );
    assert!(de.contains("<title>Acme installieren · Acme Hilfe</title>"));
    // Breadcrumbs start at the German home, titled in German.
    assert!(
        de.contains(
            "<li><a href=\"../../\">Acme Hilfe</a></li><li><a href=\"../\">Anleitung</a></li>"
        ),
        "{de}"
    );
    // The header lists the German sections, not the English ones, and the
    // brand leads to the German home.
    assert!(de.contains("<a class=\"brand\" href=\"../../\">Acme Hilfe</a>"));
    let header = &de[de.find("class=\"top-nav\"").unwrap()..de.find("</nav>").unwrap()];
    assert!(
        header.contains(">Anleitung<") && !header.contains(">Guide<"),
        "{header}"
    );
    // The German nav tree holds the German pages only.
    let tree_src = de
        .split("data-tree=\"../../../")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let nav = read(&out.join(tree_src));
    assert!(
        nav.contains("\"de/guide/nur-deutsch/\"") && !nav.contains("english-only"),
        "{nav}"
    );
    // Its feed lists German pages only.
    let feed = read(&out.join("de/atom.xml"));
    assert!(
        feed.contains("xml:lang=\"de\"") && feed.contains("https://help.example/de/guide/install/")
    );
    assert!(
        !feed.contains("https://help.example/guide/install/"),
        "{feed}"
    );
    // The English home does not list the other languages as its sections.
    let home = read(&out.join("index.html"));
    assert!(!home.contains("href=\"de/\">Acme Hilfe</a></h3>"), "{home}");
}

#[test]
fn translations_announce_each_other_and_the_switcher_falls_back_to_the_home() {
    let (_tmp, out) = built_site("i18n");
    let de = read(&out.join("de/guide/install/index.html"));
    assert_eq!(
        alternates(&de),
        [
            ("en", "https://help.example/guide/install/"),
            ("ar", "https://help.example/ar/guide/install/"),
            ("de", "https://help.example/de/guide/install/"),
            ("ja", "https://help.example/ja/guide/install/"),
            ("x-default", "https://help.example/guide/install/"),
        ]
        .map(|(l, h)| (l.to_string(), h.to_string()))
    );
    assert_eq!(
        switcher(&de),
        [
            ("en", "../../../guide/install/", false),
            ("ar", "../../../ar/guide/install/", false),
            ("de", "./", false),
            ("fr", "../../../fr/", true),
            ("ja", "../../../ja/guide/install/", false),
        ]
        .map(|(l, h, m)| (l.to_string(), h.to_string(), m))
    );
    assert!(de.contains("hreflang=\"de\" lang=\"de\" aria-current=\"true\""));
    // A page in one language only: no alternates, every other language's
    // switcher entry leads to that language's home.
    let only = read(&out.join("guide/english-only/index.html"));
    assert!(alternates(&only).is_empty(), "{only}");
    let links: Vec<(String, String, bool)> = switcher(&only);
    assert_eq!(links[0], ("en".into(), "./".into(), false));
    for (lang, href, missing) in &links[1..] {
        assert_eq!(href, &format!("../../{lang}/"));
        assert!(missing);
    }
}

#[test]
fn the_sitemap_lists_the_alternates_of_each_url() {
    let (_tmp, out) = built_site("i18n");
    let xml = read(&out.join("sitemap.xml"));
    assert!(
        xml.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{xml}"
    );
    let entry = |loc: &str| -> String {
        let start = xml
            .find(&format!("<loc>{loc}</loc>"))
            .unwrap_or_else(|| panic!("{loc} in {xml}"));
        let end = start + xml[start..].find("</url>").unwrap();
        xml[start..end].to_string()
    };
    let install = entry("https://help.example/de/guide/install/");
    for (lang, href) in [
        ("en", "https://help.example/guide/install/"),
        ("de", "https://help.example/de/guide/install/"),
        ("ar", "https://help.example/ar/guide/install/"),
        ("x-default", "https://help.example/guide/install/"),
    ] {
        assert!(
            install.contains(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\"/>"
            )),
            "{lang}: {install}"
        );
    }
    assert!(!install.contains("hreflang=\"fr\""), "{install}");
    assert!(!entry("https://help.example/de/guide/nur-deutsch/").contains("xhtml:link"));
    // Every language's home is there, and its pages.
    for loc in [
        "https://help.example/fr/",
        "https://help.example/ar/guide/install/",
    ] {
        entry(loc);
    }
}

#[test]
fn each_language_has_its_own_search_index() {
    let (_tmp, out) = built_site("i18n");
    let de = index_text(&out, "de/search");
    let en = index_text(&out, "search");
    assert!(!de.is_empty() && !en.is_empty());
    // German pages, the German section index and the German forum answer.
    for url in [
        "de/guide/install/",
        "de/guide/nur-deutsch/",
        "de/guide/",
        "de/answers/forum-de/",
    ] {
        assert!(de.contains(url), "{url} missing from the German index");
        assert!(!en.contains(url), "{url} in the English index");
    }
    for url in ["guide/english-only/", "answers/forum-en/"] {
        assert!(en.contains(url), "{url} missing from the English index");
    }
    assert!(
        !de.contains("english-only") && !de.contains("forum-en"),
        "{de}"
    );
    // Text is indexed in its language only.
    assert!(de.contains("Fahrradschloss") && !en.contains("Fahrradschloss"));
    assert!(en.contains("firewall") && !de.contains("through the firewall"));
    // Pages name the index of their language for search.js.
    let page = read(&out.join("de/guide/install/index.html"));
    assert!(page.contains(
        "<script src=\"../../../assets/search.min.js\" data-index=\"de/search/\" defer>"
    ));
    let page = read(&out.join("guide/install/index.html"));
    assert!(page.contains("<script src=\"../../assets/search.min.js\" defer>"));
}

/// The languages an index's root names for the client (`"langs":[…]`;
/// none for English alone).
fn root_langs(out: &Path, dir: &str) -> Option<String> {
    let root = unpack_shard(&read(&out.join(dir).join("index.js"))).expect("a root");
    let start = root.find("\"langs\":[")?;
    let list = &root[start + 9..];
    Some(list[..list.find(']').expect("closed")].to_string())
}

#[test]
fn each_language_index_is_stemmed_in_its_language() {
    let (_tmp, out) = built_site("i18n");
    // English (the site's search languages) names none; German and Arabic
    // their own; French what `languages.fr.search` says; Japanese, which
    // has no stemmer, falls back to the site's (English).
    assert_eq!(root_langs(&out, "search"), None);
    assert_eq!(root_langs(&out, "de/search").as_deref(), Some("\"de\""));
    assert_eq!(root_langs(&out, "ar/search").as_deref(), Some("\"ar\""));
    assert_eq!(
        root_langs(&out, "fr/search").as_deref(),
        Some("\"fr\",\"en\"")
    );
    assert_eq!(root_langs(&out, "ja/search"), None);
    // (What the stems are is tested where the client searches these
    // indexes: tests/js/search-i18n.test.mjs.)
    // The stemmers those indexes need are published, and no other.
    let mut stems: Vec<String> = tree(&out.join("assets/stem")).into_keys().collect();
    stems.sort();
    assert_eq!(
        stems,
        [
            "LICENSE",
            "ar.js",
            "de.js",
            "fr.js",
            "lang.js",
            "lang.min.js"
        ]
    );
}

#[test]
fn theme_strings_come_from_the_language_then_the_site_then_english() {
    let (_tmp, out) = built_site("i18n");
    let de = read(&out.join("de/guide/install/index.html"));
    // The theme's German.
    assert!(de.contains(">Auf dieser Seite</summary>"), "{de}");
    assert!(de.contains(">War diese Seite hilfreich?</h2>"));
    assert!(de.contains("placeholder=\"Suche\""));
    // The site's own wording (i18n/de.yaml) over the theme's.
    assert!(de.contains(">Seite auf Git bearbeiten</a>"), "{de}");
    assert!(!de.contains("Diese Seite bearbeiten"));
    // English pages keep English; French ones are French.
    let en = read(&out.join("guide/install/index.html"));
    assert!(en.contains(">On this page</summary>") && en.contains(">Edit this page</a>"));
    let fr = read(&out.join("fr/index.html"));
    assert!(fr.contains("placeholder=\"Rechercher\""), "{fr}");
}

#[test]
fn a_missing_string_falls_back_to_english_and_a_misspelt_one_is_an_error() {
    let (_tmp, root) = site("i18n");
    // A language without theme strings (Spanish ships none): every string
    // is English, except what the site gives.
    let config = read(&root.join("lorebook.yaml"))
        .replace("languages:\n", "languages:\n  es:\n    title: Ayuda Acme\n");
    std::fs::write(root.join("lorebook.yaml"), config).unwrap();
    std::fs::create_dir_all(root.join("content/es")).unwrap();
    std::fs::write(
        root.join("content/es/instalar.md"),
        "# Instalar\n\nTexto.\n",
    )
    .unwrap();
    std::fs::write(root.join("i18n/es.yaml"), "search: \"Buscar\"\n").unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let es = read(&root.join("public/es/instalar/index.html"));
    assert!(es.contains("<html lang=\"es\">"));
    assert!(es.contains("placeholder=\"Buscar\""), "{es}");
    assert!(es.contains(">Was this page helpful?</h2>"), "{es}");

    std::fs::write(
        root.join("i18n/es.yaml"),
        "search: \"Buscar\"\nedit_pgae: \"Editar\"\n",
    )
    .unwrap();
    let out = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("i18n/es.yaml:2:1: error: unknown theme string `edit_pgae`"),
        "{err}"
    );
    assert!(err.contains("did you mean `edit_page`?"), "{err}");
}

#[test]
fn right_to_left_languages_get_dir_rtl_and_a_mirrored_layout() {
    let (_tmp, out) = built_site("i18n");
    let ar = read(&out.join("ar/guide/install/index.html"));
    assert!(
        ar.starts_with("<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">"),
        "{ar}"
    );
    assert!(
        ar.contains(">في هذه الصفحة<") || ar.contains("placeholder=\"بحث\""),
        "{ar}"
    );
    for ltr in ["guide/install/index.html", "de/guide/install/index.html"] {
        assert!(!read(&out.join(ltr)).contains("dir=\"rtl\""), "{ltr}");
    }
    // The layout uses logical properties only, so dir="rtl" mirrors it.
    for css in ["assets/site.css", "assets/search.css"] {
        let text = read(&out.join(css));
        for physical in [
            "margin-left",
            "margin-right",
            "padding-left",
            "padding-right",
            "border-left",
            "border-right",
            "text-align: left",
            "text-align: right",
            " left:",
            " right:",
        ] {
            assert!(!text.contains(physical), "{css} uses `{physical}`");
        }
    }
}

#[test]
fn forum_answers_go_to_their_language() {
    let (_tmp, out) = built_site("i18n");
    let de = read(&out.join("de/community/index.html"));
    assert!(
        de.contains("Installation bleibt bei der Netzwerkprüfung hängen"),
        "{de}"
    );
    assert!(!de.contains("Installer hangs"), "{de}");
    let en = read(&out.join("community/index.html"));
    assert!(en.contains("Installer hangs") && !en.contains("Netzwerkprüfung"));
    let answer = tree(&out.join("de/answers"))
        .into_keys()
        .find(|p| p.ends_with("index.html"))
        .expect("a German answer page");
    let html = read(&out.join("de/answers").join(answer));
    assert!(html.contains("<html lang=\"de\">"), "{html}");
}

#[test]
fn translations_written_as_page_dot_code_files_are_refused_at_the_file() {
    let (_tmp, root) = site("i18n");
    std::fs::write(root.join("content/guide/install.fr.md"), "# Installer\n").unwrap();
    let out = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("content/guide/install.fr.md: error: translations live in a folder per language, not in `.fr.md` files"),
        "{err}"
    );
    assert!(
        err.contains("hint: move this file to `content/fr/guide/install.md`"),
        "{err}"
    );
}

#[test]
fn an_undeclared_language_folder_is_an_error_naming_the_declared_ones() {
    let (_tmp, root) = site("i18n");
    std::fs::create_dir_all(root.join("content/es")).unwrap();
    std::fs::write(root.join("content/es/instalar.md"), "# Instalar\n").unwrap();
    let out = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("content/es/instalar.md: error: `es` looks like a language code, but it is not declared (declared: `en`, `ar`, `de`, `fr`, `ja`)"),
        "{err}"
    );
    assert!(err.contains("add `es` under `languages:`"), "{err}");
    // `check` says the same.
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("content/es/instalar.md"));
}

#[test]
fn a_forum_source_in_an_undeclared_language_is_a_config_error() {
    let (_tmp, root) = site("i18n");
    let config = read(&root.join("lorebook.yaml")).replace("language: de\n", "language: nl\n");
    std::fs::write(root.join("lorebook.yaml"), config).unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "forum source `forum-de`: language `nl` is not declared (declared: `en`, `ar`, `de`, `fr`, `ja`)",
        ));
}
