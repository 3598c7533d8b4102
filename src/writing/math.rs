//! TeX math to MathML at build time, with pulldown-latex (MathML Core,
//! which browsers draw natively: no script, no font download). The TeX
//! source rides along as an `<annotation>`, so copying the formula or a
//! screen reader that prefers TeX still gets it.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{push_mathml, Parser, RenderConfig, Storage};

/// Render one formula; `Err` holds a one-line reason for the writer.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    // The parser is young; a panic on some input must not end the build.
    std::panic::catch_unwind(|| render(tex, display))
        .unwrap_or_else(|_| Err("this formula could not be read".into()))
}

fn render(tex: &str, display: bool) -> Result<String, String> {
    if tex.trim().is_empty() {
        return Err("empty formula".into());
    }
    let storage = Storage::new();
    let events: Vec<_> = Parser::new(tex, &storage).collect();
    if let Some(Err(e)) = events.iter().find(|e| e.is_err()) {
        return Err(first_line(&e.to_string()));
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: Some(tex),
        ..RenderConfig::default()
    };
    let mut out = String::with_capacity(tex.len() * 8);
    push_mathml(&mut out, events.into_iter(), config).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The parser's message without its drawn context.
fn first_line(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid TeX");
    line.trim_start_matches("error:").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_display_formulas_become_mathml() {
        let m = to_mathml("a^2 + b^2 = c^2", false).unwrap();
        assert!(m.starts_with("<math"), "{m}");
        assert!(m.contains("<msup>"), "{m}");
        assert!(
            m.contains("<annotation encoding=\"application/x-tex\">a^2 + b^2 = c^2</annotation>"),
            "{m}"
        );
        let m = to_mathml("\\sum_{i=1}^n i = \\frac{n(n+1)}{2}", true).unwrap();
        assert!(m.contains("display=\"block\""), "{m}");
        assert!(m.contains("<mfrac>"), "{m}");
    }

    #[test]
    fn invalid_tex_is_an_error_with_a_reason() {
        for tex in ["\\frac{1}{", "\\notacommand x", "{", ""] {
            let e = to_mathml(tex, false).unwrap_err();
            assert!(!e.is_empty() && !e.contains('\n'), "{tex}: {e}");
        }
    }

    #[test]
    fn markup_in_tex_is_escaped() {
        let m = to_mathml("a < b", false).unwrap();
        assert!(!m.contains("<b"), "{m}");
    }
}
