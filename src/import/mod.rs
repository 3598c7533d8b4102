//! `lorebook import mkdocs|docusaurus|hugo|mdbook SRC`: turns another
//! generator's docs tree into a lorebook site: front matter mapped to
//! lorebook's keys (the rest dropped and reported), `index.md`,
//! `README.md`, `_category_` and `SUMMARY.md` conventions made into
//! `_index.md` sections and weights, links rewritten to relative `.md`
//! links (`{{< ref >}}`, `@/path.md`, Docusaurus' `/docs/...` routes, renamed
//! files), admonitions made GitHub alerts. Whatever it cannot map is a
//! warning at the source file and line.
//!
//! Reading the source (`source`, for [`import`]) and writing the new site
//! ([`write()`]) are the only I/O; each format's module and [`convert`] are
//! pure functions of the files read. What the format modules share has a
//! module each: `source` (the files read), `front` (front matter), `links`
//! (where a moved page's links point now) and `new_site` (what they make).

pub mod convert;
mod docusaurus;
mod front;
mod hugo;
mod links;
mod mdbook;
mod mkdocs;
mod new_site;
mod source;

use std::path::Path;

pub use new_site::{Contents, Imported};
pub use source::Format;

use crate::diagnostics::Diagnostic;

/// Read `src` as a `format` project and convert it.
pub fn import(format: Format, src: &Path) -> Result<Imported, Vec<Diagnostic>> {
    if !src.is_dir() {
        return Err(vec![Diagnostic::error(
            src,
            "not a folder: give the root of the project to import",
        )]);
    }
    let mut imported = match format {
        Format::Mkdocs => mkdocs::import(src),
        Format::Docusaurus => docusaurus::import(src),
        Format::Hugo => hugo::import(src),
        Format::Mdbook => mdbook::import(src),
    }?;
    imported.notes.sort();
    Ok(imported)
}

/// Write `imported` into `out`, which must not exist or be empty. Returns
/// the number of files written.
pub fn write(imported: &Imported, out: &Path) -> Result<usize, Diagnostic> {
    let shown = out.display().to_string();
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Diagnostic::error(
                &shown,
                "the output folder exists and is not empty; nothing was written",
            )
            .with_hint("give a new folder with --output"));
        }
    }
    for (rel, contents) in &imported.files {
        let dest = out.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::error(parent, format!("cannot create: {e}")))?;
        }
        let result = match contents {
            Contents::Text(t) => std::fs::write(&dest, t),
            Contents::Copy(from) => std::fs::copy(from, &dest).map(|_| ()),
        };
        result.map_err(|e| Diagnostic::error(&dest, format!("cannot write: {e}")))?;
    }
    Ok(imported.files.len())
}
