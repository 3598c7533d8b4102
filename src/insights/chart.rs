//! The trend charts of `/insights/`: accessible inline SVG bar charts drawn
//! at build time (no chart library, no script).

use crate::urls::escape_html;

/// An accessible inline SVG bar chart of one trend: `role="img"`, a
/// `<title>` and `<desc>`, no script. `id` must be unique in the page.
/// Text is escaped; the caller shows a table with the same figures.
pub fn bar_chart_svg(id: &str, title: &str, points: &[(String, usize)]) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const BAR: usize = 40;
    const GAP: usize = 12;
    const HEIGHT: usize = 120;
    const TOP: usize = 18;
    const BOTTOM: usize = 22;
    let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let width = points.len() * (BAR + GAP) + GAP;
    let total_h = TOP + HEIGHT + BOTTOM + 12;
    let id = escape_html(id);
    let title = escape_html(title);
    let summary: Vec<String> = points
        .iter()
        .map(|(label, v)| format!("{}: {v}", escape_html(label)))
        .collect();
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {total_h}\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{}</desc>",
        summary.join(", ")
    );
    svg.push_str(&format!(
        "<line class=\"chart-axis\" x1=\"0\" y1=\"{y}\" x2=\"{width}\" y2=\"{y}\"/>",
        y = TOP + HEIGHT
    ));
    for (i, (label, v)) in points.iter().enumerate() {
        let x = GAP + i * (BAR + GAP);
        let h = v * HEIGHT / max;
        let y = TOP + HEIGHT - h;
        // `YYYY-MM` labels read as `Mar`, with the year under the first bar
        // and under every January.
        let (year, month) = (label.get(..4), label.get(5..7));
        let name = month
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .copied();
        let short = name.unwrap_or(label.as_str());
        let year_label = match (year, name) {
            (Some(y), Some(_)) if i == 0 || month == Some("01") => format!(
                "<text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + BAR / 2,
                TOP + HEIGHT + 30,
                escape_html(y)
            ),
            _ => String::new(),
        };
        svg.push_str(&year_label);
        svg.push_str(&format!(
            "<rect class=\"chart-bar\" x=\"{x}\" y=\"{y}\" width=\"{BAR}\" height=\"{h}\"/>\
<text class=\"chart-value\" x=\"{cx}\" y=\"{ty}\" text-anchor=\"middle\">{v}</text>\
<text class=\"chart-label\" x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\">{}</text>",
            escape_html(short),
            cx = x + BAR / 2,
            ty = y.saturating_sub(4).max(10),
            ly = TOP + HEIGHT + 16,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_accessible_and_escape_their_text() {
        let svg = bar_chart_svg(
            "c1",
            "Answers <per> month",
            &[("2026-01".into(), 0), ("2026-02".into(), 4)],
        );
        assert!(svg.starts_with("<svg class=\"chart\" role=\"img\""));
        assert!(svg.contains("<title id=\"c1-title\">Answers &lt;per&gt; month</title>"));
        assert!(svg.contains("<desc id=\"c1-desc\">2026-01: 0, 2026-02: 4</desc>"));
        // The largest bar is full height, the empty month has none.
        assert!(svg.contains("height=\"120\""));
        assert!(svg.contains("height=\"0\""));
        assert!(!svg.contains("<script"));
        // Months by name; the year under the first bar.
        assert!(svg.contains(">Jan</text>") && svg.contains(">Feb</text>"));
        assert_eq!(svg.matches(">2026</text>").count(), 1);
    }
}
