//! Pictures: cost per hour against risk, as an SVG (plotters' SVG backend: no system libraries,
//! no fonts needed; text is left to the SVG viewer). Used by `fleetopt pareto --plot` and
//! `fleetopt compare --plot`.
//!
//! A [`Figure`] is a title, one panel per risk axis and a numbered key. A panel may hold the
//! exact front (a staircase: between two front points the cheapest plan keeps the dearer
//! point's risk), numbered aws-mode plans each joined by a line to the optimal plan that
//! dominates it, and the cheapest plan. What a reader needs at a glance decides the layout:
//!
//! - **No label overprints another label or a marker.** Markers within a few pixels of each
//!   other share one label (`1,3`); each label takes the first free place around its marker,
//!   and when none is free near it, a place further out with a leader line.
//! - **Axes fitted to the data**, padded a little, with tick labels in the axis' own unit.
//! - **A legend only for what is drawn**, and the key, under the panels, outside the plot area,
//!   so neither can cover a point.
//!
//! The drawing is a pure function of the figure, so the same figure gives the same bytes.

use fleetopt_solver::pareto::RiskAxis;
use fleetopt_solver::tolerance;
use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;

/// Width of one panel and height of the plot row, pixels.
const PANEL: (u32, u32) = (620, 470);
/// Height of the title band and of one key line, pixels.
const TITLE_HEIGHT: u32 = 44;
const KEY_LINE: u32 = 18;
/// Font size of labels and the key, and the width of one character of it (an estimate for a
/// sans-serif font; labels are short, so the estimate only needs to err on the wide side).
const LABEL_FONT: u32 = 12;
const CHAR_WIDTH: i32 = 7;
/// Markers closer than this (pixels, both directions) share one label.
const SHARED_LABEL: i32 = 9;

const AWS_COLOR: RGBColor = RGBColor(31, 119, 180);
const OPTIMAL_COLOR: RGBColor = RGBColor(214, 39, 40);
const LINK_COLOR: RGBColor = RGBColor(150, 150, 150);
const FRONT_COLOR: RGBColor = RGBColor(40, 40, 40);

/// Why a picture could not be drawn: the drawing area's error (the SVG backend writes into a
/// string, so in practice a layout error).
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the plot: {source}")]
pub struct PlotError {
    /// The drawing area's error.
    #[from]
    source: DrawingAreaErrorKind<std::io::Error>,
}

fn failed(source: DrawingAreaErrorKind<std::io::Error>) -> PlotError {
    PlotError { source }
}

/// A plan as a point: USD/hour and its risk on the panel's axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// USD per hour.
    pub cost: f64,
    /// Risk on the panel's axis.
    pub risk: f64,
}

impl Point {
    fn usable(self) -> bool {
        self.cost.is_finite() && self.risk.is_finite()
    }
}

/// One strategy: its aws-mode plan and the optimal plan that dominates it, under one number.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The number in the key.
    pub number: usize,
    /// The aws-mode plan, when there is one.
    pub aws: Option<Point>,
    /// The optimal plan, when there is one.
    pub optimal: Option<Point>,
}

/// One panel: everything drawn against one risk axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The risk axis (across); cost is up.
    pub axis: RiskAxis,
    /// The exact front, cheapest first (empty: none drawn).
    pub front: Vec<Point>,
    /// Numbered aws-mode plans and their dominating optimal plans.
    pub pairs: Vec<Pair>,
    /// The cheapest plan under the request's constraints, when drawn apart from a front.
    pub cheapest: Option<Point>,
}

/// A whole picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// One line, drawn above the panels.
    pub title: String,
    /// Side by side, left to right.
    pub panels: Vec<Panel>,
    /// Lines of the key under the panels, each starting with the number it explains.
    pub key: Vec<String>,
}

/// What a panel draws, for the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Drawn {
    Front,
    Aws,
    Optimal,
    Cheapest,
}

impl Drawn {
    fn text(self) -> &'static str {
        match self {
            Drawn::Front => "exact cost–risk front (plans that keep every request constraint)",
            Drawn::Aws => "aws mode (what EC2 would hand you)",
            Drawn::Optimal => "optimal mode (cheapest plan as safe as aws)",
            Drawn::Cheapest => "cheapest plan under the request constraints",
        }
    }
}

impl Figure {
    fn drawn(&self) -> Vec<Drawn> {
        let mut drawn = Vec::new();
        for panel in &self.panels {
            if panel.front.iter().any(|p| p.usable()) {
                drawn.push(Drawn::Front);
            }
            for pair in &panel.pairs {
                if pair.aws.is_some_and(Point::usable) {
                    drawn.push(Drawn::Aws);
                }
                if pair.optimal.is_some_and(Point::usable) {
                    drawn.push(Drawn::Optimal);
                }
            }
            if panel.cheapest.is_some_and(Point::usable) {
                drawn.push(Drawn::Cheapest);
            }
        }
        drawn.sort();
        drawn.dedup();
        drawn
    }

    /// Draws the figure; returns the SVG text.
    pub fn svg(&self) -> Result<String, PlotError> {
        let panels = u32::try_from(self.panels.len().max(1)).unwrap_or(1);
        let legend = self.drawn();
        let key_lines = u32::try_from(self.key.len() + legend.len()).unwrap_or(0);
        let longest_key = self
            .key
            .iter()
            .map(|line| line.chars().count())
            .max()
            .unwrap_or(0);
        let key_width = u32::try_from(longest_key)
            .unwrap_or(0)
            .saturating_mul(CHAR_WIDTH.unsigned_abs())
            + 60;
        let width = (PANEL.0 * panels).max(key_width);
        let height = TITLE_HEIGHT + PANEL.1 + 16 + KEY_LINE * key_lines;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
            root.fill(&WHITE).map_err(failed)?;
            let (title_band, rest) = root.split_vertically(TITLE_HEIGHT);
            let title_style = ("sans-serif", 20).into_font().color(&BLACK).pos(
                plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Center,
                ),
            );
            let half_width = i32::try_from(width / 2).unwrap_or(0);
            let title_middle = i32::try_from(TITLE_HEIGHT / 2).unwrap_or(0);
            title_band
                .draw_text(&self.title, &title_style, (half_width, title_middle))
                .map_err(failed)?;
            let (plots, key_band) = rest.split_vertically(PANEL.1);
            let areas = plots.split_evenly((1, self.panels.len().max(1)));
            for (panel, area) in self.panels.iter().zip(&areas) {
                draw_panel(panel, area)?;
            }
            draw_key(&key_band, &legend, &self.key)?;
            root.present().map_err(failed)?;
        }
        Ok(svg)
    }
}

/// A label's box in pixels: left, top, right, bottom.
type Rect = (i32, i32, i32, i32);

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// One label to place: the pixel of its marker and its text.
struct Label {
    at: (i32, i32),
    data: (f64, f64),
    text: String,
    color: RGBColor,
}

fn draw_panel(panel: &Panel, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), PlotError> {
    let mut all: Vec<Point> = panel.front.clone();
    for pair in &panel.pairs {
        all.extend(pair.aws);
        all.extend(pair.optimal);
    }
    all.extend(panel.cheapest);
    all.retain(|p| p.usable());
    let (risk_low, risk_high) = fitted(
        all.iter().map(|p| p.risk),
        panel.axis == RiskAxis::WorstAzLoss,
    );
    let (cost_low, cost_high) = fitted(all.iter().map(|p| p.cost), false);

    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("cost against {}", panel.axis.title()),
            ("sans-serif", 15),
        )
        .margin(14)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(risk_low..risk_high, cost_low..cost_high)
        .map_err(failed)?;
    let risk_span = risk_high - risk_low;
    let cost_span = cost_high - cost_low;
    let risk_label = |v: &f64| tick(panel.axis, *v, risk_span);
    let cost_label = |v: &f64| format!("${}", decimals(*v, cost_span));
    chart
        .configure_mesh()
        .x_desc(panel.axis.title())
        .y_desc("USD per hour")
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&risk_label)
        .y_label_formatter(&cost_label)
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(failed)?;

    // The front: a staircase through its points, each point a dot.
    let front: Vec<Point> = panel.front.iter().copied().filter(|p| p.usable()).collect();
    if !front.is_empty() {
        let mut steps = Vec::with_capacity(front.len() * 2);
        for (k, p) in front.iter().enumerate() {
            if k > 0 {
                steps.push((front[k - 1].risk, p.cost));
            }
            steps.push((p.risk, p.cost));
        }
        chart
            .draw_series(LineSeries::new(steps, FRONT_COLOR.stroke_width(1)))
            .map_err(failed)?;
        chart
            .draw_series(
                front
                    .iter()
                    .map(|p| Circle::new((p.risk, p.cost), 3, FRONT_COLOR.filled())),
            )
            .map_err(failed)?;
    }

    // aws → optimal links under the markers.
    for pair in &panel.pairs {
        if let (Some(a), Some(o)) = (pair.aws, pair.optimal)
            && a.usable()
            && o.usable()
        {
            chart
                .draw_series(LineSeries::new(
                    [(a.risk, a.cost), (o.risk, o.cost)],
                    LINK_COLOR.stroke_width(1),
                ))
                .map_err(failed)?;
        }
    }
    if let Some(c) = panel.cheapest.filter(|p| p.usable()) {
        chart
            .draw_series([EmptyElement::at((c.risk, c.cost))
                + Rectangle::new([(-4, -4), (4, 4)], BLACK.filled())])
            .map_err(failed)?;
    }
    let mut labels: Vec<Label> = Vec::new();
    for pair in &panel.pairs {
        if let Some(a) = pair.aws.filter(|p| p.usable()) {
            chart
                .draw_series([Circle::new((a.risk, a.cost), 5, AWS_COLOR.filled())])
                .map_err(failed)?;
            labels.push(Label {
                at: chart.backend_coord(&(a.risk, a.cost)),
                data: (a.risk, a.cost),
                text: pair.number.to_string(),
                color: AWS_COLOR,
            });
        }
        if let Some(o) = pair.optimal.filter(|p| p.usable()) {
            chart
                .draw_series([TriangleMarker::new(
                    (o.risk, o.cost),
                    6,
                    OPTIMAL_COLOR.filled(),
                )])
                .map_err(failed)?;
            labels.push(Label {
                at: chart.backend_coord(&(o.risk, o.cost)),
                data: (o.risk, o.cost),
                text: pair.number.to_string(),
                color: OPTIMAL_COLOR,
            });
        }
    }
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    let bounds: Rect = (x_pixels.start, y_pixels.start, x_pixels.end, y_pixels.end);
    let mut markers: Vec<(i32, i32)> = labels.iter().map(|l| l.at).collect();
    markers.extend(front.iter().map(|p| chart.backend_coord(&(p.risk, p.cost))));
    markers.extend(
        panel
            .cheapest
            .filter(|p| p.usable())
            .map(|c| chart.backend_coord(&(c.risk, c.cost))),
    );
    for placed in place_labels(share_labels(labels), &markers, bounds) {
        let (dx, dy) = (
            placed.rect.0 - placed.label.at.0,
            placed.rect.1 - placed.label.at.1,
        );
        let style = ("sans-serif", LABEL_FONT)
            .into_font()
            .color(&placed.label.color);
        let text = Text::new(placed.label.text.clone(), (dx, dy), style);
        if let Some(end) = placed.leader {
            chart
                .draw_series([EmptyElement::at(placed.label.data)
                    + PathElement::new(vec![(0, 0), end], LINK_COLOR.stroke_width(1))
                    + text])
                .map_err(failed)?;
        } else {
            chart
                .draw_series([EmptyElement::at(placed.label.data) + text])
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// Markers that sit on (nearly) the same pixel share one label: `1,3`, in key order, black when
/// the markers are of both modes.
fn share_labels(labels: Vec<Label>) -> Vec<Label> {
    let mut shared: Vec<(Label, Vec<usize>)> = Vec::new();
    for label in labels {
        let number: usize = label.text.parse().unwrap_or(0);
        let near = shared.iter_mut().find(|(s, _)| {
            (s.at.0 - label.at.0).abs() <= SHARED_LABEL
                && (s.at.1 - label.at.1).abs() <= SHARED_LABEL
        });
        match near {
            Some((s, numbers)) => {
                if s.color != label.color {
                    s.color = BLACK;
                }
                if !numbers.contains(&number) {
                    numbers.push(number);
                }
            }
            None => shared.push((label, vec![number])),
        }
    }
    shared
        .into_iter()
        .map(|(mut label, mut numbers)| {
            numbers.sort_unstable();
            label.text = numbers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",");
            label
        })
        .collect()
}

struct Placed {
    label: Label,
    rect: Rect,
    /// The end of a leader line, relative to the marker, when the label sits away from it.
    leader: Option<(i32, i32)>,
}

/// Gives each label the first place around its marker where it overlaps no placed label, no
/// marker and stays inside the plot; near places first, then places further out (with a leader
/// line). A label that fits nowhere takes the last far place: overprinting is then the lesser
/// evil against dropping a number.
fn place_labels(labels: Vec<Label>, markers: &[(i32, i32)], bounds: Rect) -> Vec<Placed> {
    let height = i32::try_from(LABEL_FONT).unwrap_or(12);
    let marker_boxes: Vec<Rect> = markers
        .iter()
        .map(|&(x, y)| (x - 6, y - 6, x + 6, y + 6))
        .collect();
    let mut taken: Vec<Rect> = Vec::new();
    let mut placed = Vec::new();
    for label in labels {
        let width = CHAR_WIDTH * i32::try_from(label.text.chars().count()).unwrap_or(1);
        let (x, y) = label.at;
        let around = |r: i32| -> Vec<Rect> {
            [
                (x + r, y - r - height),
                (x + r, y + r),
                (x - r - width, y - r - height),
                (x - r - width, y + r),
                (x + r + 2, y - height / 2),
                (x - r - 2 - width, y - height / 2),
                (x - width / 2, y - r - 2 - height),
                (x - width / 2, y + r + 2),
            ]
            .into_iter()
            .map(|(left, top)| (left, top, left + width, top + height))
            .collect()
        };
        let near = around(6);
        let far = [around(22), around(40)].concat();
        let fits = |r: &Rect| {
            r.0 >= bounds.0
                && r.1 >= bounds.1
                && r.2 <= bounds.2
                && r.3 <= bounds.3
                && !taken.iter().any(|t| overlaps(*t, *r))
                && !marker_boxes.iter().any(|m| overlaps(*m, *r))
        };
        let (rect, leader) = if let Some(r) = near.iter().find(|r| fits(r)) {
            (*r, None)
        } else if let Some(r) = far.iter().find(|r| fits(r)) {
            (*r, Some(nearest_corner(*r, label.at)))
        } else {
            let r = far[0];
            (r, Some(nearest_corner(r, label.at)))
        };
        taken.push(rect);
        placed.push(Placed {
            label,
            rect,
            leader,
        });
    }
    placed
}

/// The corner of `rect` nearest to `at`, relative to `at`.
fn nearest_corner(rect: Rect, at: (i32, i32)) -> (i32, i32) {
    let x = if (rect.0 - at.0).abs() < (rect.2 - at.0).abs() {
        rect.0
    } else {
        rect.2
    };
    let y = if (rect.1 - at.1).abs() < (rect.3 - at.1).abs() {
        rect.1
    } else {
        rect.3
    };
    (x - at.0, y - at.1)
}

/// The legend (only what is drawn) and the numbered key, one line each.
fn draw_key(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    legend: &[Drawn],
    key: &[String],
) -> Result<(), PlotError> {
    let style = ("sans-serif", LABEL_FONT).into_font().color(&BLACK);
    let line = i32::try_from(KEY_LINE).unwrap_or(18);
    let mut y = 10;
    for drawn in legend {
        let marker_at = (34, y + 6);
        match drawn {
            Drawn::Front => {
                area.draw(&PathElement::new(
                    vec![(24, y + 6), (44, y + 6)],
                    FRONT_COLOR.stroke_width(1),
                ))
                .map_err(failed)?;
                area.draw(&Circle::new(marker_at, 3, FRONT_COLOR.filled()))
                    .map_err(failed)?;
            }
            Drawn::Aws => area
                .draw(&Circle::new(marker_at, 5, AWS_COLOR.filled()))
                .map_err(failed)?,
            Drawn::Optimal => area
                .draw(&TriangleMarker::new(marker_at, 6, OPTIMAL_COLOR.filled()))
                .map_err(failed)?,
            Drawn::Cheapest => area
                .draw(&Rectangle::new([(30, y + 2), (38, y + 10)], BLACK.filled()))
                .map_err(failed)?,
        }
        area.draw_text(drawn.text(), &style, (56, y))
            .map_err(failed)?;
        y += line;
    }
    for text in key {
        area.draw_text(text, &style, (24, y)).map_err(failed)?;
        y += line;
    }
    Ok(())
}

/// The range of `values` padded by 6 % each side (shares never below 0), never empty.
fn fitted(values: impl Iterator<Item = f64>, share: bool) -> (f64, f64) {
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    let span = (high - low)
        .max(high.abs() * 0.05)
        .max(tolerance::PLOT_MIN_SPAN);
    let mut range = (low - span * 0.06, high + span * 0.06);
    if share || low >= 0.0 {
        range.0 = range.0.max(0.0);
    }
    range
}

/// A tick label on the risk axis: shares as percentages, rates with the digits the span needs.
fn tick(axis: RiskAxis, value: f64, span: f64) -> String {
    match axis {
        RiskAxis::WorstAzLoss => format!("{}%", decimals(value * 100.0, span * 100.0)),
        RiskAxis::ExpectedInterruptions => decimals(value, span),
    }
}

/// `value` with enough decimals to tell ticks `span / 6` apart.
fn decimals(value: f64, span: f64) -> String {
    let step = (span / 6.0).abs().max(tolerance::PLOT_MIN_TICK_STEP);
    let places = (-step.log10().floor()).clamp(0.0, 9.0);
    // `places` is a small whole number (0..=9): the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let places = places as usize;
    format!("{value:.places$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(cost: f64, risk: f64) -> Point {
        Point { cost, risk }
    }

    fn figure() -> Figure {
        Figure {
            title: "40 vCPU in us-east-1: cost against risk".to_owned(),
            panels: vec![Panel {
                axis: RiskAxis::ExpectedInterruptions,
                front: vec![point(0.9, 0.08), point(1.2, 0.03), point(2.0, 0.01)],
                pairs: vec![
                    Pair {
                        number: 1,
                        aws: Some(point(1.0, 0.09)),
                        optimal: Some(point(0.95, 0.08)),
                    },
                    Pair {
                        number: 2,
                        aws: Some(point(2.2, 0.01)),
                        optimal: Some(point(2.0, 0.01)),
                    },
                    // Coincides with pair 1's aws plan: shares its label.
                    Pair {
                        number: 3,
                        aws: Some(point(1.0, 0.09)),
                        optimal: None,
                    },
                ],
                cheapest: None,
            }],
            key: vec![
                "1  lowestPrice".to_owned(),
                "2  capacityOptimized".to_owned(),
            ],
        }
    }

    #[test]
    fn the_svg_has_its_title_key_legend_and_shared_labels() {
        let svg = figure().svg().expect("the plot draws");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("40 vCPU in us-east-1: cost against risk"));
        assert!(svg.contains("1  lowestPrice") && svg.contains("2  capacityOptimized"));
        assert!(svg.contains("\n1,3\n"), "coinciding markers share a label");
        assert!(svg.contains(Drawn::Front.text()));
        assert!(svg.contains(Drawn::Aws.text()));
        assert!(svg.contains(Drawn::Optimal.text()));
        assert!(
            !svg.contains(Drawn::Cheapest.text()),
            "the legend names only what is drawn"
        );
        assert_eq!(
            svg,
            figure().svg().expect("draws"),
            "same figure, same bytes"
        );
    }

    #[test]
    fn placed_labels_never_overlap_each_other_or_markers() {
        // Twelve markers in a tight cluster: every label must still find its own place.
        let markers: Vec<(i32, i32)> = (0..12).map(|k| (300 + 12 * k, 200 + 11 * k)).collect();
        let labels: Vec<Label> = markers
            .iter()
            .enumerate()
            .map(|(k, &at)| Label {
                at,
                data: (0.0, 0.0),
                text: (k + 1).to_string(),
                color: AWS_COLOR,
            })
            .collect();
        let placed = place_labels(labels, &markers, (0, 0, 800, 600));
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!overlaps(a.rect, b.rect), "{:?} and {:?}", a.rect, b.rect);
            }
            for &(x, y) in &markers {
                assert!(!overlaps(a.rect, (x - 6, y - 6, x + 6, y + 6)));
            }
        }
    }

    #[test]
    fn axes_fit_the_data_and_ticks_use_the_axis_unit() {
        let (low, high) = fitted([0.0031, 0.0052].into_iter(), false);
        assert!(low > 0.002 && low < 0.0031 && high > 0.0052 && high < 0.006);
        assert_eq!(tick(RiskAxis::WorstAzLoss, 0.25, 0.5), "25%");
        assert_eq!(
            tick(RiskAxis::ExpectedInterruptions, 0.0031, 0.002),
            "0.0031"
        );
        assert_eq!(decimals(27.125, 12.0), "27");
        assert_eq!(fitted(std::iter::empty(), false), (0.0, 1.0));
    }

    #[test]
    fn degenerate_figures_still_draw() {
        for panel in [
            Panel {
                axis: RiskAxis::WorstAzLoss,
                front: vec![],
                pairs: vec![],
                cheapest: None,
            },
            Panel {
                axis: RiskAxis::WorstAzLoss,
                front: vec![point(f64::NAN, f64::INFINITY)],
                pairs: vec![],
                cheapest: Some(point(1.0, 0.0)),
            },
        ] {
            let figure = Figure {
                title: "t".to_owned(),
                panels: vec![panel],
                key: vec![],
            };
            assert!(figure.svg().expect("draws").contains("</svg>"));
        }
    }
}
