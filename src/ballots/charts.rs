//! Server-rendered SVG charts for ballot pages: results bars, STV/IRV rounds, and one
//! stacked bar (turnout, where a surplus goes).
//!
//! Every function here is pure: it takes the figures and returns a complete `<svg>`
//! element as a string, ready to be inserted in a tera template with `| safe`.
//! The output is built for the pages' constraints (DESIGN.md section 5):
//! - no script, no `style` attribute, no external asset: colours and dashes are
//!   presentation attributes (`fill`, `stroke-dasharray`), so a strict CSP is enough, and
//!   every element carries a class (`chart-bar`, `chart-value`, …) that the stylesheet may
//!   use to restyle it (CSS rules win over presentation attributes);
//! - sized by `viewBox` with `width="100%"`, laid out for a 360 px phone (labels above
//!   the bars, not beside them), on its own white background so the contrast below holds
//!   whatever the page's colours;
//! - accessible: `role="img"` named by its `<title>` and described by a `<desc>` that
//!   states every figure, so a screen reader gets the data, not a picture; every bar has
//!   a text label and its value printed next to it (colour is never the only cue: the
//!   highlighted bar also gets a ✓); text is #1a1a1a on white (17:1), bars and segments
//!   are at least 4.5:1 against white (WCAG 2.2 AA asks 3:1 for graphics, 4.5:1 for the
//!   white figures printed on segments);
//! - every piece of text from the caller is XML-escaped, and characters XML cannot carry
//!   (control characters) are replaced by U+FFFD, so any input gives well-formed XML.
//!
//! Figures are never computed in floating point: bar values are integers, and the
//! decimal strings of STV rounds and money amounts are parsed as [`Decimal`]; `f64`
//! appears only to place pixels. The words the charts need ("Round", "Quota", …) come
//! from [`Words`], with English and French provided.

use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Width of every chart's coordinate system (`viewBox`), in user units: about one CSS
/// pixel on a 360 px phone, so the font sizes below are close to real pixels there.
const WIDTH: f64 = 360.0;
/// Margin around the plot.
const PAD: f64 = 8.0;
/// Visible label length, in characters, beyond which a label is cut with an ellipsis.
const LABEL_CHARS: usize = 28;
/// Average advance of a character as a fraction of the font size (for sans-serif digits
/// and Latin text); used to reserve room for values, generously.
const CHAR_EM: f64 = 0.62;

const TEXT: &str = "#1a1a1a";
const BACKGROUND: &str = "#ffffff";
const TRACK: &str = "#e8ebef";
/// Ordinary bar (5.9:1 against white).
const BAR: &str = "#50627a";
/// Highlighted bar: winner, passing option (6.5:1 against white).
const HIGHLIGHT: &str = "#1d6b3f";
/// Quota line (7.6:1 against white).
const QUOTA: &str = "#8a1c2b";
/// Stacked-bar segments, in order; each at least 4.5:1 against white, so the white
/// numbers printed on them are readable, and separated by white gaps so that two
/// neighbours never need to be told apart by colour.
const SEGMENTS: [&str; 6] = ["#1f5f99", "#a14f00", "#2e6b30", "#6f3a96", "#a3324a", "#4d5b6a"];

/// One bar of a [`bar_chart`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Bar {
    /// What the bar counts: an option ("For") or a candidate's name. Shown above the bar,
    /// cut with an ellipsis beyond 28 characters (the full text stays in the bar's
    /// `<title>` and in the chart's description).
    pub label: String,
    /// The count; a zero bar is still drawn, with its label and its 0.
    pub value: u64,
    /// Printed after the value, e.g. `"68 %"`.
    pub note: Option<String>,
    /// Marks the winner or the passing option: a darker colour and a ✓ before the label.
    pub highlight: bool,
}

impl Bar {
    /// A bar with no note and no highlight.
    pub fn new(label: impl Into<String>, value: u64) -> Self {
        Self {
            label: label.into(),
            value,
            note: None,
            highlight: false,
        }
    }
}

/// One segment of a [`stacked_bar`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Part {
    /// What the segment stands for ("Voted", "Reserve", …).
    pub label: String,
    /// Its amount as a decimal string, e.g. `"1234.56"` (money) or `"812"` (a count).
    /// It is printed as given; a string that is not a decimal number, or a negative one,
    /// is listed with its text but takes no room in the bar.
    pub value: String,
}

impl Part {
    /// A segment.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// The few words the charts print or say themselves, so they can follow the page's locale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words<'a> {
    /// Before a round number: "Round" gives "Round 3".
    pub round: &'a str,
    /// Label of the quota line: "Quota" gives "Quota 16667.00000".
    pub quota: &'a str,
    /// Said and shown for a round in which a candidate is no longer (or not yet) counted.
    pub not_counted: &'a str,
    /// Shown and said when there is nothing to chart.
    pub no_data: &'a str,
    /// Before the sum of a stacked bar's parts.
    pub total: &'a str,
    /// Decimal separator of the figures the charts compute themselves (a stacked bar's
    /// percentages and total); figures given by the caller are printed as given.
    pub decimal_separator: &'a str,
}

impl Words<'static> {
    /// English.
    pub const ENGLISH: Words<'static> = Words {
        round: "Round",
        quota: "Quota",
        not_counted: "not in the count",
        no_data: "No data",
        total: "Total",
        decimal_separator: ".",
    };
    /// French.
    pub const FRENCH: Words<'static> = Words {
        round: "Tour",
        quota: "Quota",
        not_counted: "hors du décompte",
        no_data: "Aucune donnée",
        total: "Total",
        decimal_separator: ",",
    };
}

impl Default for Words<'static> {
    fn default() -> Self {
        Words::ENGLISH
    }
}

/// A horizontal bar chart with English words: motions (for / against / abstain) and
/// plurality or approval results. See [`bar_chart_in`].
pub fn bar_chart(title: &str, bars: &[Bar]) -> String {
    bar_chart_in(&Words::ENGLISH, title, bars)
}

/// A horizontal bar chart: one row per bar, in the order given, the label above a bar
/// whose length is proportional to its value, and the value (and note) printed after it.
/// Lengths share one scale, the largest value filling the row; with no bars the chart
/// says `words.no_data`.
pub fn bar_chart_in(words: &Words<'_>, title: &str, bars: &[Bar]) -> String {
    let font = 14.0;
    let value_font = 13.0;
    let values: Vec<String> = bars.iter().map(bar_value_text).collect();
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let value_room = text_width(values.iter().map(|v| v.chars().count()).max().unwrap_or(0), value_font) + 6.0;
    let track = (WIDTH - 2.0 * PAD - value_room).max(WIDTH / 3.0);
    let (label_h, bar_h, gap) = (18.0, 16.0, 10.0);
    let row = label_h + bar_h + gap;

    let mut desc = String::new();
    for (bar, value) in bars.iter().zip(&values) {
        let _ = write!(desc, "{}{}: {}. ", check(bar.highlight), bar.label, value);
    }
    let id = chart_id("bar", title, &desc);
    if bars.is_empty() {
        desc.push_str(words.no_data);
    }
    let height = if bars.is_empty() {
        40.0
    } else {
        PAD + row * bars.len() as f64
    };
    let mut svg = open_svg(&id, "chart-bars", title, desc.trim_end(), height);
    if bars.is_empty() {
        no_data(&mut svg, words, font);
    }
    for (i, (bar, value)) in bars.iter().zip(&values).enumerate() {
        let top = PAD + row * i as f64;
        let len = if max == 0 {
            0.0
        } else {
            track * (bar.value as f64 / max as f64)
        };
        let (fill, class) = if bar.highlight {
            (HIGHLIGHT, "chart-bar chart-highlight")
        } else {
            (BAR, "chart-bar")
        };
        let bar_y = top + label_h;
        let _ = write!(
            svg,
            r#"<g class="chart-row"><title>{full}: {value}</title><text class="chart-label" x="{x}" y="{ly}" font-size="{font}" fill="{TEXT}"{weight}>{shown}</text><rect class="chart-track" x="{x}" y="{by}" width="{track}" height="{bar_h}" fill="{TRACK}"/><rect class="{class}" x="{x}" y="{by}" width="{len}" height="{bar_h}" fill="{fill}"/><text class="chart-value" x="{vx}" y="{vy}" font-size="{value_font}" fill="{TEXT}">{value}</text></g>"#,
            full = esc(&format!("{}{}", check(bar.highlight), bar.label)),
            value = esc(value),
            x = num(PAD),
            ly = num(top + 13.0),
            weight = if bar.highlight { r#" font-weight="bold""# } else { "" },
            shown = esc(&format!("{}{}", check(bar.highlight), truncate(&bar.label))),
            by = num(bar_y),
            track = num(track),
            bar_h = num(bar_h),
            len = num(len),
            vx = num(PAD + track + 6.0),
            vy = num(bar_y + bar_h - 3.5),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The STV/IRV rounds chart with English words. See [`rounds_chart_in`].
pub fn rounds_chart(title: &str, candidates: &[String], rounds: &[Vec<Option<String>>], quota: Option<&str>) -> String {
    rounds_chart_in(&Words::ENGLISH, title, candidates, rounds, quota)
}

/// The votes of each candidate in each round of an IRV or STV count.
///
/// `rounds[r][c]` is candidate `c`'s total in round `r` as a decimal string (STV uses five
/// decimals, e.g. `"16667.00000"`), or `None` when the candidate is not in the count in
/// that round (excluded, or elected and left out by the caller). Missing entries (a round
/// shorter than `candidates`) count as `None`, extra entries are ignored. One group per
/// candidate, in the order given: the name, then one thin bar per round with its figure
/// printed after it, or `words.not_counted` where the candidate is out. With a `quota`,
/// a dashed vertical line crosses every group at the quota, labelled at the top.
/// All bars share one scale: the larger of the largest total and the quota.
pub fn rounds_chart_in(
    words: &Words<'_>,
    title: &str,
    candidates: &[String],
    rounds: &[Vec<Option<String>>],
    quota: Option<&str>,
) -> String {
    let font = 13.0;
    let small = 12.0;
    let cell = |r: usize, c: usize| rounds.get(r).and_then(|round| round.get(c)).and_then(|v| v.as_deref());
    let quota_value = quota.and_then(parse_decimal);
    let max = (0..rounds.len())
        .flat_map(|r| (0..candidates.len()).map(move |c| (r, c)))
        .filter_map(|(r, c)| cell(r, c).and_then(parse_decimal))
        .chain(quota_value)
        .max()
        .unwrap_or(Decimal::ZERO);
    let round_tag = |r: usize| format!("{} {}", words.round, r + 1);
    let tag_room = text_width(round_tag(rounds.len().saturating_sub(1)).chars().count(), small) + 6.0;
    let longest = (0..rounds.len())
        .flat_map(|r| (0..candidates.len()).map(move |c| (r, c)))
        .map(|(r, c)| cell(r, c).map_or(words.not_counted.chars().count(), |v| v.chars().count()))
        .max()
        .unwrap_or(0);
    let value_room = text_width(longest, small) + 6.0;
    let x0 = PAD + tag_room;
    let track = (WIDTH - x0 - PAD - value_room).max(WIDTH / 4.0);
    let (name_h, bar_row, bar_h, gap) = (20.0, 16.0, 10.0, 10.0);
    let quota_h = if quota.is_some() { 20.0 } else { 0.0 };
    let group_h = name_h + bar_row * rounds.len() as f64 + gap;
    let empty = candidates.is_empty() || rounds.is_empty();

    let mut desc = String::new();
    if let Some(q) = quota {
        let _ = write!(desc, "{} {}. ", words.quota, q);
    }
    for (c, name) in candidates.iter().enumerate() {
        let _ = write!(desc, "{name}: ");
        for r in 0..rounds.len() {
            let sep = if r + 1 == rounds.len() { "." } else { "," };
            let _ = write!(
                desc,
                "{} {}{sep} ",
                round_tag(r),
                cell(r, c).unwrap_or(words.not_counted)
            );
        }
        if rounds.is_empty() {
            desc.push_str(". ");
        }
    }
    let id = chart_id("rounds", title, &desc);
    if empty {
        desc.push_str(words.no_data);
    }
    let height = if empty {
        40.0
    } else {
        PAD + quota_h + group_h * candidates.len() as f64
    };
    let mut svg = open_svg(&id, "chart-rounds", title, desc.trim_end(), height);
    if empty {
        no_data(&mut svg, words, font);
        svg.push_str("</svg>");
        return svg;
    }
    let scale = |v: Decimal| -> f64 {
        if max <= Decimal::ZERO || v <= Decimal::ZERO {
            0.0
        } else {
            track * (v.min(max) / max).to_f64().unwrap_or(0.0)
        }
    };
    for (c, name) in candidates.iter().enumerate() {
        let top = PAD + quota_h + group_h * c as f64;
        let _ = write!(
            svg,
            r#"<g class="chart-group"><title>{full}</title><text class="chart-label" x="{x}" y="{y}" font-size="{font}" font-weight="bold" fill="{TEXT}">{shown}</text>"#,
            full = esc(name),
            x = num(PAD),
            y = num(top + 14.0),
            shown = esc(&truncate(name)),
        );
        for r in 0..rounds.len() {
            let y = top + name_h + bar_row * r as f64;
            let text_y = num(y + bar_h - 0.5);
            let _ = write!(
                svg,
                r#"<text class="chart-round" x="{x}" y="{text_y}" font-size="{small}" fill="{TEXT}">{tag}</text>"#,
                x = num(PAD),
                tag = esc(&round_tag(r)),
            );
            match cell(r, c) {
                Some(v) => {
                    let len = parse_decimal(v).map_or(0.0, scale);
                    let _ = write!(
                        svg,
                        r#"<rect class="chart-track" x="{x}" y="{y}" width="{track}" height="{bar_h}" fill="{TRACK}"/><rect class="chart-bar" x="{x}" y="{y}" width="{len}" height="{bar_h}" fill="{BAR}"/><text class="chart-value" x="{vx}" y="{text_y}" font-size="{small}" fill="{TEXT}">{v}</text>"#,
                        x = num(x0),
                        y = num(y),
                        track = num(track),
                        len = num(len),
                        vx = num(x0 + track + 6.0),
                        v = esc(v),
                    );
                }
                None => {
                    let _ = write!(
                        svg,
                        r#"<text class="chart-out" x="{x}" y="{text_y}" font-size="{small}" font-style="italic" fill="{TEXT}">{out}</text>"#,
                        x = num(x0),
                        out = esc(words.not_counted),
                    );
                }
            }
        }
        svg.push_str("</g>");
    }
    if let (Some(q), Some(qv)) = (quota, quota_value) {
        let x = x0 + scale(qv);
        let bottom = height - gap;
        // The label sits on the side of the line where it has room.
        let (anchor, label_x) = if x > WIDTH / 2.0 {
            ("end", x - 4.0)
        } else {
            ("start", x + 4.0)
        };
        let _ = write!(
            svg,
            r#"<g class="chart-quota"><line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{QUOTA}" stroke-width="2" stroke-dasharray="5 4"/><text x="{lx}" y="{ly}" font-size="{small}" text-anchor="{anchor}" fill="{QUOTA}">{label}</text></g>"#,
            x = num(x),
            y1 = num(PAD + 4.0),
            y2 = num(bottom),
            lx = num(label_x),
            ly = num(PAD + 12.0),
            label = esc(&format!("{} {}", words.quota, q)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The stacked bar with English words. See [`stacked_bar_in`].
pub fn stacked_bar(title: &str, parts: &[Part]) -> String {
    stacked_bar_in(&Words::ENGLISH, title, parts)
}

/// One horizontal bar split into the parts of a whole (turnout: voted and not yet; a
/// surplus: reserve, share interest, patronage), with a legend below it.
///
/// Segments follow the order of `parts`, left to right, each as long as its share of the
/// total of the parts; each is numbered (on the segment when it is wide enough, and
/// always in the legend) so that the legend does not rely on colour. The legend gives
/// each part's label, its value as given and its share in percent with one decimal,
/// then the total. Parts whose value is not a positive decimal take no room.
pub fn stacked_bar_in(words: &Words<'_>, title: &str, parts: &[Part]) -> String {
    let font = 14.0;
    let amounts: Vec<Decimal> = parts
        .iter()
        .map(|p| {
            parse_decimal(&p.value)
                .filter(|v| *v > Decimal::ZERO)
                .unwrap_or(Decimal::ZERO)
        })
        .collect();
    // A sum that would overflow Decimal is capped: the shares are then only approximate,
    // which can only happen with amounts no co-op has.
    let total = amounts
        .iter()
        .fold(Decimal::ZERO, |t, a| t.checked_add(*a).unwrap_or(Decimal::MAX));
    let share = |a: Decimal| -> Option<Decimal> {
        if total.is_zero() {
            None
        } else {
            a.checked_div(total)
        }
    };
    let percent = |a: Decimal| -> String {
        match share(a).and_then(|s| s.checked_mul(Decimal::ONE_HUNDRED)) {
            Some(p) => format!("{} %", localised(p.round_dp(1).normalize(), words)),
            None => "– %".to_string(),
        }
    };
    let total_text = localised(total.normalize(), words);

    let mut desc = String::new();
    for (i, (part, amount)) in parts.iter().zip(&amounts).enumerate() {
        let _ = write!(
            desc,
            "{}. {}: {} ({}). ",
            i + 1,
            part.label,
            part.value,
            percent(*amount)
        );
    }
    if !parts.is_empty() {
        let _ = write!(desc, "{}: {}.", words.total, total_text);
    }
    let id = chart_id("stacked", title, &desc);
    if parts.is_empty() {
        desc.push_str(words.no_data);
    }
    let (bar_y, bar_h, legend_row) = (PAD, 32.0, 22.0);
    let legend_top = bar_y + bar_h + 14.0;
    let height = if parts.is_empty() {
        40.0
    } else {
        legend_top + legend_row * (parts.len() + 1) as f64 + PAD
    };
    let mut svg = open_svg(&id, "chart-stacked", title, desc.trim_end(), height);
    if parts.is_empty() {
        no_data(&mut svg, words, font);
        svg.push_str("</svg>");
        return svg;
    }
    let track = WIDTH - 2.0 * PAD;
    let _ = write!(
        svg,
        r#"<rect class="chart-track" x="{x}" y="{y}" width="{w}" height="{h}" fill="{TRACK}"/>"#,
        x = num(PAD),
        y = num(bar_y),
        w = num(track),
        h = num(bar_h),
    );
    // Cumulative shares, so rounding never makes the segments overrun the track.
    let mut before = Decimal::ZERO;
    for (i, (part, amount)) in parts.iter().zip(&amounts).enumerate() {
        let start = share(before).and_then(|s| s.to_f64()).unwrap_or(0.0);
        before = before.checked_add(*amount).unwrap_or(Decimal::MAX);
        let end = share(before).and_then(|s| s.to_f64()).unwrap_or(0.0).min(1.0);
        let x = PAD + track * start;
        let w = track * (end - start).max(0.0);
        if w <= 0.0 {
            continue;
        }
        let fill = SEGMENTS[i % SEGMENTS.len()];
        // A 2-unit white gap after every segment but the last keeps neighbours apart.
        let drawn = if end < 1.0 { (w - 2.0).max(1.0) } else { w };
        let _ = write!(
            svg,
            r#"<g class="chart-segment"><title>{n}. {label}: {value} ({pct})</title><rect class="chart-part chart-part-{k}" x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>"#,
            n = i + 1,
            label = esc(&part.label),
            value = esc(&part.value),
            pct = esc(&percent(*amount)),
            k = i % SEGMENTS.len(),
            x = num(x),
            y = num(bar_y),
            w = num(drawn),
            h = num(bar_h),
        );
        let number = (i + 1).to_string();
        if drawn >= text_width(number.len(), 13.0) + 6.0 {
            let _ = write!(
                svg,
                r#"<text x="{x}" y="{y}" font-size="13" font-weight="bold" text-anchor="middle" fill="{BACKGROUND}">{number}</text>"#,
                x = num(x + drawn / 2.0),
                y = num(bar_y + bar_h / 2.0 + 4.5),
            );
        }
        svg.push_str("</g>");
    }
    for (i, (part, amount)) in parts.iter().zip(&amounts).enumerate() {
        let y = legend_top + legend_row * i as f64;
        let fill = SEGMENTS[i % SEGMENTS.len()];
        let _ = write!(
            svg,
            r#"<g class="chart-legend"><title>{label}</title><rect class="chart-part chart-part-{k}" x="{x}" y="{y}" width="18" height="18" fill="{fill}"/><text x="{nx}" y="{ty}" font-size="12" font-weight="bold" text-anchor="middle" fill="{BACKGROUND}">{n}</text><text x="{lx}" y="{ty}" font-size="{font}" fill="{TEXT}">{shown}: {value} ({pct})</text></g>"#,
            label = esc(&part.label),
            k = i % SEGMENTS.len(),
            x = num(PAD),
            y = num(y),
            nx = num(PAD + 9.0),
            ty = num(y + 14.0),
            n = i + 1,
            lx = num(PAD + 26.0),
            shown = esc(&truncate(&part.label)),
            value = esc(&part.value),
            pct = esc(&percent(*amount)),
        );
    }
    let _ = write!(
        svg,
        r#"<text class="chart-total" x="{x}" y="{y}" font-size="{font}" font-weight="bold" fill="{TEXT}">{label}: {total}</text>"#,
        x = num(PAD + 26.0),
        y = num(legend_top + legend_row * parts.len() as f64 + 14.0),
        label = esc(words.total),
        total = esc(&total_text),
    );
    svg.push_str("</svg>");
    svg
}

/// The opening of every chart: root element, accessible name and description, background.
fn open_svg(id: &str, class: &str, title: &str, desc: &str, height: f64) -> String {
    let mut svg = String::with_capacity(1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {class}" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc><rect class="chart-background" width="{w}" height="{h}" fill="{BACKGROUND}"/>"#,
        w = num(WIDTH),
        h = num(height),
        title = esc(title),
        desc = esc(desc),
    );
    svg
}

fn no_data(svg: &mut String, words: &Words<'_>, font: f64) {
    let _ = write!(
        svg,
        r#"<text class="chart-empty" x="{x}" y="25" font-size="{font}" fill="{TEXT}">{text}</text>"#,
        x = num(PAD),
        text = esc(words.no_data),
    );
}

/// A computed figure with the locale's decimal separator.
fn localised(value: Decimal, words: &Words<'_>) -> String {
    value.to_string().replace('.', words.decimal_separator)
}

/// A bar's printed figure: the value, and the note in brackets.
fn bar_value_text(bar: &Bar) -> String {
    match &bar.note {
        Some(note) if !note.is_empty() => format!("{} ({note})", bar.value),
        _ => bar.value.to_string(),
    }
}

fn check(highlight: bool) -> &'static str {
    if highlight {
        "✓ "
    } else {
        ""
    }
}

/// A stable id for the chart's title and description, so several charts on one page
/// do not collide (FNV-1a of the kind, the title and the described figures).
fn chart_id(kind: &str, title: &str, desc: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in kind
        .bytes()
        .chain([0])
        .chain(title.bytes())
        .chain([0])
        .chain(desc.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("chart-{kind}-{hash:016x}")
}

/// Parses a decimal figure such as `"123.45678"`, `"1234.56"` or `"-3"` (surrounding
/// spaces allowed); `None` for anything else, including numbers too large for [`Decimal`].
fn parse_decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    Decimal::from_str(s).ok()
}

/// The label as shown: at most 28 characters, the 28th an ellipsis when cut.
fn truncate(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        let mut shown: String = label.chars().take(LABEL_CHARS - 1).collect();
        shown.push('…');
        shown
    }
}

/// Room for `chars` characters at `font` size, estimated generously.
fn text_width(chars: usize, font: f64) -> f64 {
    chars as f64 * font * CHAR_EM
}

/// A coordinate with at most two decimals and no trailing zeros; never NaN or infinite.
fn num(v: f64) -> String {
    let v = if v.is_finite() {
        (v * 100.0).round() / 100.0
    } else {
        0.0
    };
    let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Escapes text for XML content and attribute values, and replaces the characters XML
/// 1.0 cannot carry (control characters other than tab, line feed and carriage return,
/// and the non-characters U+FFFE and U+FFFF) by U+FFFD.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Parses the SVG, checks the invariants every chart keeps, and returns all its text
    /// content (the `<title>`s, `<desc>` and visible text) joined with newlines.
    fn check_svg(svg: &str) -> String {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
        assert_eq!(root.attribute("role"), Some("img"));
        assert_eq!(root.attribute("width"), Some("100%"));
        let view_box: Vec<f64> = root
            .attribute("viewBox")
            .expect("viewBox")
            .split(' ')
            .map(|v| v.parse().expect("viewBox number"))
            .collect();
        assert_eq!(view_box.len(), 4);
        assert!(view_box[2] > 0.0 && view_box[3] > 0.0);
        // The accessible name and description are the first children, and the ids named
        // by aria-labelledby exist.
        let children: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(children[0].tag_name().name(), "title");
        assert_eq!(children[1].tag_name().name(), "desc");
        for id in root.attribute("aria-labelledby").expect("aria-labelledby").split(' ') {
            assert!(
                doc.descendants().any(|n| n.attribute("id") == Some(id)),
                "missing id {id}"
            );
        }
        for node in doc.descendants().filter(|n| n.is_element()) {
            let name = node.tag_name().name();
            assert!(
                !matches!(name, "script" | "style" | "foreignObject" | "image" | "a"),
                "<{name}>"
            );
            for attr in node.attributes() {
                assert_ne!(attr.name(), "style", "inline style on <{name}>");
                assert!(!attr.name().starts_with("on"), "event handler on <{name}>");
                assert!(!attr.name().contains("href"), "link on <{name}>");
                if name != "svg" && matches!(attr.name(), "x" | "y" | "width" | "height" | "x1" | "x2" | "y1" | "y2") {
                    let v: f64 = attr
                        .value()
                        .parse()
                        .unwrap_or_else(|_| panic!("{}={}", attr.name(), attr.value()));
                    assert!(v.is_finite() && v >= 0.0, "{}={v}", attr.name());
                    if matches!(attr.name(), "x" | "x1" | "x2") {
                        assert!(v <= view_box[2] + 0.01, "{}={v} beyond the viewBox", attr.name());
                    }
                    if attr.name() == "width" && name == "rect" {
                        let x: f64 = node.attribute("x").map_or(0.0, |x| x.parse().unwrap());
                        assert!(x + v <= view_box[2] + 0.01, "rect ends at {} beyond the viewBox", x + v);
                    }
                }
            }
        }
        doc.descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn desc_of(svg: &str) -> String {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
        desc.text().unwrap_or_default().to_string()
    }

    fn visible_texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect()
    }

    fn rect_width(svg: &str, class: &str, nth: usize) -> f64 {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let rect = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("rect") && n.attribute("class").is_some_and(|c| c.split(' ').any(|k| k == class))
            })
            .nth(nth)
            .unwrap_or_else(|| panic!("no {class} #{nth}"));
        rect.attribute("width").unwrap().parse().unwrap()
    }

    fn motion() -> Vec<Bar> {
        vec![
            Bar {
                label: "For".into(),
                value: 17,
                note: Some("68 %".into()),
                highlight: true,
            },
            Bar {
                label: "Against".into(),
                value: 8,
                note: Some("32 %".into()),
                highlight: false,
            },
            Bar::new("Abstain", 0),
        ]
    }

    #[test]
    fn bar_chart_shows_every_label_and_value() {
        let svg = bar_chart("Motion 3: approve the accounts", &motion());
        let text = check_svg(&svg);
        for needle in [
            "Motion 3: approve the accounts",
            "For",
            "Against",
            "Abstain",
            "17 (68 %)",
            "8 (32 %)",
        ] {
            assert!(text.contains(needle), "{needle} missing");
        }
        let visible = visible_texts(&svg);
        assert!(
            visible.contains(&"✓ For".to_string()),
            "the highlight is also a ✓: {visible:?}"
        );
        assert!(visible.contains(&"Abstain".to_string()) && visible.contains(&"0".to_string()));
        assert_eq!(
            desc_of(&svg),
            "✓ For: 17 (68 %). Against: 8 (32 %). Abstain: 0.",
            "the description states every figure"
        );
    }

    #[test]
    fn bar_lengths_are_proportional_and_zero_is_empty() {
        let svg = bar_chart("t", &motion());
        let (full, eight, zero) = (
            rect_width(&svg, "chart-bar", 0),
            rect_width(&svg, "chart-bar", 1),
            rect_width(&svg, "chart-bar", 2),
        );
        let track = rect_width(&svg, "chart-track", 0);
        assert_eq!(full, track, "the largest value fills the track");
        assert!((eight - track * 8.0 / 17.0).abs() < 0.01, "{eight}");
        assert_eq!(zero, 0.0);
        // The highlighted bar is drawn differently and carries the highlight class.
        assert!(svg.contains(&format!(
            r#"class="chart-bar chart-highlight" x="8" y="26" width="{}""#,
            num(full)
        )));
        assert!(svg.contains(&format!(r#"fill="{HIGHLIGHT}""#)));
    }

    #[test]
    fn long_labels_are_cut_visibly_but_kept_whole_in_titles() {
        let long = "Maria-Dolores Fernández de la Fuente y Castellanos";
        let svg = bar_chart(
            "Board",
            &[Bar::new(long, 3), Bar::new("Exactly twenty-eight chars!!", 1)],
        );
        let text = check_svg(&svg);
        let visible = visible_texts(&svg);
        assert!(
            visible.contains(&"Maria-Dolores Fernández de …".to_string()),
            "{visible:?}"
        );
        assert_eq!(visible[0].chars().count(), 28);
        assert!(
            visible.contains(&"Exactly twenty-eight chars!!".to_string()),
            "28 characters are not cut"
        );
        assert!(svg.contains(&format!("<title>{long}: 3</title>")));
        assert!(text.contains(long) && desc_of(&svg).contains(long));
    }

    #[test]
    fn names_are_escaped() {
        let nasty = r#"<script>alert("x")</script> & O'Brien"#;
        for svg in [
            bar_chart(nasty, &[Bar::new(nasty, 1)]),
            rounds_chart(nasty, &[nasty.to_string()], &[vec![Some("1.5".into())]], Some(nasty)),
            stacked_bar(nasty, &[Part::new(nasty, "1")]),
        ] {
            let text = check_svg(&svg);
            assert!(text.contains(nasty), "the text survives escaping intact");
            assert!(!svg.contains("<script"), "{svg}");
            assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&apos;Brien"));
        }
    }

    #[test]
    fn control_characters_become_replacement_characters() {
        let svg = bar_chart("a\u{0}b\u{1b}c\u{FFFF}", &[Bar::new("x\u{7}y\tz", 1)]);
        let text = check_svg(&svg);
        assert!(text.contains("a\u{FFFD}b\u{FFFD}c\u{FFFD}"));
        assert!(text.contains("x\u{FFFD}y\tz"));
    }

    #[test]
    fn empty_and_all_zero_inputs_do_not_divide_by_zero() {
        let svg = bar_chart("Nothing yet", &[]);
        assert!(check_svg(&svg).contains("No data"));
        let svg = bar_chart("Zeros", &[Bar::new("A", 0), Bar::new("B", 0)]);
        check_svg(&svg);
        assert_eq!(rect_width(&svg, "chart-bar", 0), 0.0);
        assert_eq!(rect_width(&svg, "chart-bar", 1), 0.0);

        assert!(check_svg(&rounds_chart("t", &[], &[], None)).contains("No data"));
        assert!(check_svg(&rounds_chart("t", &["A".into()], &[], Some("3"))).contains("No data"));
        assert!(check_svg(&rounds_chart("t", &[], &[vec![]], None)).contains("No data"));
        let zeros = rounds_chart("t", &["A".into()], &[vec![Some("0.00000".into())]], Some("0"));
        check_svg(&zeros);
        assert_eq!(rect_width(&zeros, "chart-bar", 0), 0.0);

        assert!(check_svg(&stacked_bar("t", &[])).contains("No data"));
        let svg = stacked_bar("Turnout", &[Part::new("Voted", "0"), Part::new("Not yet", "0.00")]);
        let text = check_svg(&svg);
        assert!(text.contains("Voted: 0 (– %)") && text.contains("Total: 0"), "{text}");
        assert!(!svg.contains("chart-segment"), "no segment is drawn for nothing");
    }

    #[test]
    fn huge_values_stay_inside_the_chart() {
        let svg = bar_chart("Big", &[Bar::new("max", u64::MAX), Bar::new("one", 1)]);
        check_svg(&svg);
        let big = "79228162514264337593543950335"; // Decimal::MAX
        let svg = stacked_bar("Big", &[Part::new("a", big), Part::new("b", big), Part::new("c", "1")]);
        check_svg(&svg);
        let svg = rounds_chart("Big", &["a".into()], &[vec![Some(big.into())]], Some("1e40"));
        check_svg(&svg);
    }

    fn stv_example() -> (Vec<String>, Vec<Vec<Option<String>>>) {
        let candidates = vec![
            "Amara Okafor".to_string(),
            "Bruno Lefebvre".into(),
            "Samuel Osei".into(),
        ];
        let s = |v: &str| Some(v.to_string());
        let rounds = vec![
            vec![s("23174.00000"), s("13906.00000"), s("761.00000")],
            vec![s("16667.00000"), s("15409.57690"), s("802.27466")],
            vec![s("16667.00000"), s("16009.98166"), None],
        ];
        (candidates, rounds)
    }

    #[test]
    fn rounds_chart_shows_every_candidate_round_and_figure() {
        let (candidates, rounds) = stv_example();
        let svg = rounds_chart("Board election, 3 seats", &candidates, &rounds, Some("16667.00000"));
        let text = check_svg(&svg);
        for c in &candidates {
            assert!(text.contains(c.as_str()));
        }
        for round in &rounds {
            for v in round.iter().flatten() {
                assert!(visible_texts(&svg).contains(v), "{v} is printed");
            }
        }
        assert!(visible_texts(&svg).contains(&"Round 3".to_string()));
        assert!(visible_texts(&svg).contains(&"not in the count".to_string()));
        assert!(visible_texts(&svg).contains(&"Quota 16667.00000".to_string()));
        assert_eq!(
            desc_of(&svg),
            "Quota 16667.00000. Amara Okafor: Round 1 23174.00000, Round 2 16667.00000, Round 3 16667.00000. \
             Bruno Lefebvre: Round 1 13906.00000, Round 2 15409.57690, Round 3 16009.98166. \
             Samuel Osei: Round 1 761.00000, Round 2 802.27466, Round 3 not in the count."
        );
        // One scale: the largest total fills the track, the quota line sits in proportion.
        let track = rect_width(&svg, "chart-track", 0);
        assert_eq!(rect_width(&svg, "chart-bar", 0), track);
        let quota_len = rect_width(&svg, "chart-bar", 1);
        let expected = track * 16667.0 / 23174.0;
        assert!((quota_len - expected).abs() < 0.01, "{quota_len} vs {expected}");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let line = doc.descendants().find(|n| n.has_tag_name("line")).expect("quota line");
        assert_eq!(line.attribute("stroke-dasharray"), Some("5 4"));
        let x0: f64 = doc
            .descendants()
            .find(|n| n.has_tag_name("rect") && n.attribute("class") == Some("chart-track"))
            .unwrap()
            .attribute("x")
            .unwrap()
            .parse()
            .unwrap();
        let x: f64 = line.attribute("x1").unwrap().parse().unwrap();
        assert!((x - (x0 + expected)).abs() < 0.02, "{x}");
    }

    #[test]
    fn rounds_chart_without_quota_and_with_ragged_or_bad_rows() {
        let candidates = vec!["A".to_string(), "B".into()];
        // Round 2 is short (B missing = not counted); a figure that is not a number is
        // printed but draws nothing.
        let rounds = vec![vec![Some("10".into()), Some("n/a".into())], vec![Some("12.5".into())]];
        let svg = rounds_chart("IRV", &candidates, &rounds, None);
        let text = check_svg(&svg);
        assert!(!svg.contains("<line"), "no quota, no line");
        assert!(text.contains("n/a"));
        assert!((rect_width(&svg, "chart-bar", 0) - rect_width(&svg, "chart-track", 0) * 10.0 / 12.5).abs() < 0.01);
        assert_eq!(rect_width(&svg, "chart-bar", 2), 0.0, "n/a (B, round 1) takes no room");
        assert!(desc_of(&svg).ends_with("B: Round 1 n/a, Round 2 not in the count."));
        // A quota that is not a number is still said, but draws no line.
        let svg = rounds_chart("IRV", &candidates, &rounds, Some("half"));
        assert!(check_svg(&svg).contains("Quota half"));
        assert!(!svg.contains("<line"));
    }

    #[test]
    fn rounds_chart_in_french() {
        let (candidates, rounds) = stv_example();
        let svg = rounds_chart_in(&Words::FRENCH, "Élection", &candidates, &rounds, Some("16667.00000"));
        let texts = visible_texts(&svg);
        assert!(texts.contains(&"Tour 1".to_string()) && texts.contains(&"hors du décompte".to_string()));
    }

    #[test]
    fn stacked_bar_splits_the_whole_and_lists_every_part() {
        let parts = vec![
            Part::new("Reserve", "4000.00"),
            Part::new("Interest on shares", "1000.00"),
            Part::new("Patronage", "5000.00"),
        ];
        let svg = stacked_bar("Where the surplus goes", &parts);
        let text = check_svg(&svg);
        for needle in [
            "Reserve: 4000.00 (40 %)",
            "Interest on shares: 1000.00 (10 %)",
            "Patronage: 5000.00 (50 %)",
            "Total: 10000",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
        let track = rect_width(&svg, "chart-track", 0);
        // Segments (minus their 2-unit gaps) in proportion; the legend swatches are 18 wide.
        assert!((rect_width(&svg, "chart-part", 0) - (track * 0.4 - 2.0)).abs() < 0.01);
        assert!((rect_width(&svg, "chart-part", 1) - (track * 0.1 - 2.0)).abs() < 0.01);
        assert!((rect_width(&svg, "chart-part", 2) - track * 0.5).abs() < 0.01);
        assert_eq!(rect_width(&svg, "chart-part", 3), 18.0);
        // Numbers tie segments to the legend without relying on colour.
        let texts = visible_texts(&svg);
        assert_eq!(texts.iter().filter(|t| *t == "1").count(), 2, "{texts:?}");
        assert_eq!(
            desc_of(&svg),
            "1. Reserve: 4000.00 (40 %). 2. Interest on shares: 1000.00 (10 %). 3. Patronage: 5000.00 (50 %). Total: 10000."
        );
    }

    #[test]
    fn stacked_bar_in_french_uses_a_decimal_comma() {
        let svg = stacked_bar_in(
            &Words::FRENCH,
            "Participation",
            &[Part::new("Votants", "1"), Part::new("Pas encore", "2.5")],
        );
        let text = check_svg(&svg);
        assert!(text.contains("Votants: 1 (28,6 %)"), "{text}");
        assert!(text.contains("Total: 3,5"), "{text}");
    }

    #[test]
    fn stacked_bar_turnout_with_thirds_and_bad_values() {
        let svg = stacked_bar(
            "Turnout",
            &[
                Part::new("Voted", "1"),
                Part::new("Not yet", "2"),
                Part::new("Bad", "-5"),
                Part::new("Junk", "abc"),
            ],
        );
        let text = check_svg(&svg);
        assert!(
            text.contains("Voted: 1 (33.3 %)") && text.contains("Not yet: 2 (66.7 %)"),
            "{text}"
        );
        assert!(
            text.contains("Bad: -5 (0 %)") && text.contains("Junk: abc (0 %)"),
            "{text}"
        );
        assert!(text.contains("Total: 3"));
    }

    /// WCAG relative luminance contrast against white.
    fn contrast_with_white(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        1.05 / (l + 0.05)
    }

    #[test]
    fn colours_meet_wcag_aa_against_the_white_background() {
        assert!(contrast_with_white(TEXT) >= 4.5);
        // Text is printed in the quota colour, and white numbers on the segments.
        for colour in [BAR, HIGHLIGHT, QUOTA].iter().chain(SEGMENTS.iter()) {
            let ratio = contrast_with_white(colour);
            assert!(ratio >= 4.5, "{colour}: {ratio:.2}");
        }
        // The highlighted bar must differ from the ordinary one by more than hue alone;
        // the ✓ and the bold label carry the difference anyway.
        assert_ne!(BAR, HIGHLIGHT);
    }

    #[test]
    fn ids_differ_between_charts_and_are_stable() {
        let a = bar_chart("A", &motion());
        let b = bar_chart("B", &motion());
        assert_eq!(a, bar_chart("A", &motion()), "pure: same input, same output");
        let id = |svg: &str| {
            let doc = roxmltree::Document::parse(svg).unwrap();
            doc.root_element().attribute("aria-labelledby").unwrap().to_string()
        };
        assert_ne!(id(&a), id(&b));
    }

    #[test]
    fn helpers() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(parse_decimal(" 123.45678 "), Some(Decimal::new(12_345_678, 5)));
        assert_eq!(parse_decimal("1e5"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(truncate("short"), "short");
    }

    /// What a parser reads back from escaped text: control characters replaced, and line
    /// ends normalised as XML requires.
    fn as_parsed(s: &str) -> String {
        let text = esc(s).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        let text = text.replace("&quot;", "\"").replace("&apos;", "'");
        text.replace("\r\n", "\n").replace('\r', "\n")
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "[<>&\"' a-zé✓]{0,40}", "[0-9]{0,30}(\\.[0-9]{0,6})?"]
    }

    fn any_figure() -> impl Strategy<Value = String> {
        prop_oneof![
            "-?[0-9]{1,12}(\\.[0-9]{1,5})?",
            "[0-9]{25,35}",
            any::<String>(),
            Just(String::new())
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn bar_chart_never_panics_and_is_well_formed(
            title in any_text(),
            bars in prop::collection::vec(
                (any_text(), prop_oneof![any::<u64>(), 0u64..100], proptest::option::of(any_text()), any::<bool>()),
                0..12,
            ),
        ) {
            let bars: Vec<Bar> = bars
                .into_iter()
                .map(|(label, value, note, highlight)| Bar { label, value, note, highlight })
                .collect();
            let svg = bar_chart(&title, &bars);
            let text = check_svg(&svg);
            let desc = desc_of(&svg);
            for bar in &bars {
                prop_assert!(text.contains(&bar.value.to_string()));
                prop_assert!(desc.contains(&as_parsed(&bar.label)));
            }
        }

        #[test]
        fn rounds_chart_never_panics_and_is_well_formed(
            title in any_text(),
            candidates in prop::collection::vec(any_text(), 0..6),
            rounds in prop::collection::vec(prop::collection::vec(proptest::option::of(any_figure()), 0..8), 0..6),
            quota in proptest::option::of(any_figure()),
        ) {
            let svg = rounds_chart(&title, &candidates, &rounds, quota.as_deref());
            check_svg(&svg);
        }

        #[test]
        fn stacked_bar_never_panics_and_is_well_formed(
            title in any_text(),
            parts in prop::collection::vec((any_text(), any_figure()), 0..10),
        ) {
            let parts: Vec<Part> = parts.into_iter().map(|(label, value)| Part { label, value }).collect();
            let svg = stacked_bar(&title, &parts);
            check_svg(&svg);
        }
    }
}
