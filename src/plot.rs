//! Pictures: cost per hour against risk for a set of plans, with the Pareto front marked, as an
//! SVG (plotters' SVG backend: no system libraries, no fonts needed; text is left to the SVG
//! viewer). Used by `fleetopt compare --plot` and `fleetopt pareto --plot`.
//!
//! The drawing is a pure function of its points, so the same points give the same bytes.

use fleetopt_solver::pareto::{RiskAxis, TradeOff, front};
use fleetopt_solver::request::Mode;
use plotters::prelude::*;

/// Width and height of the picture, pixels.
const SIZE: (u32, u32) = (900, 600);

/// Why a picture could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the plot: {0}")]
pub struct PlotError(String);

fn failed(error: impl std::fmt::Display) -> PlotError {
    PlotError(error.to_string())
}

/// Draws `points` (cost/hour up, risk across) with the Pareto front joined by a line and ringed;
/// aws-mode plans are blue circles, optimal plans red triangles. Returns the SVG text.
pub fn trade_off_svg(
    points: &[TradeOff],
    axis: RiskAxis,
    title: &str,
) -> Result<String, PlotError> {
    let drawable: Vec<&TradeOff> = points
        .iter()
        .filter(|p| p.cost_per_hour.is_finite() && p.risk.is_finite())
        .collect();
    let (risk_min, risk_max) = padded_range(drawable.iter().map(|p| p.risk), true);
    let (cost_min, cost_max) = padded_range(drawable.iter().map(|p| p.cost_per_hour), false);
    let on_front = front(points);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(20)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(risk_min..risk_max, cost_min..cost_max)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc(axis.title())
            .y_desc("USD per hour")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(failed)?;

        let front_line: Vec<(f64, f64)> = on_front
            .iter()
            .map(|&i| (points[i].risk, points[i].cost_per_hour))
            .collect();
        chart
            .draw_series(LineSeries::new(front_line.clone(), BLACK.stroke_width(2)))
            .map_err(failed)?
            .label("Pareto front")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        chart
            .draw_series(
                front_line
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 9, BLACK.stroke_width(1))),
            )
            .map_err(failed)?;

        let aws_color = RGBColor(31, 119, 180);
        let optimal_color = RGBColor(214, 39, 40);
        chart
            .draw_series(
                drawable
                    .iter()
                    .filter(|p| p.mode == Mode::Aws)
                    .map(|p| Circle::new((p.risk, p.cost_per_hour), 5, aws_color.filled())),
            )
            .map_err(failed)?
            .label("aws mode")
            .legend(move |(x, y)| Circle::new((x + 10, y), 5, aws_color.filled()));
        chart
            .draw_series(
                drawable
                    .iter()
                    .filter(|p| p.mode == Mode::Optimal)
                    .map(|p| {
                        TriangleMarker::new((p.risk, p.cost_per_hour), 7, optimal_color.filled())
                    }),
            )
            .map_err(failed)?
            .label("optimal mode")
            .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 7, optimal_color.filled()));
        // Labels sit up and to the right of their point; points that coincide (several
        // strategies or weights giving the same plan) stack their labels downwards instead of overprinting.
        // "Coincide" means within about a hundredth of either axis: closer labels would overprint.
        let cell = |value: f64, low: f64, high: f64| ((value - low) / (high - low) * 100.0).round();
        let mut seen: Vec<(f64, f64)> = Vec::new();
        let mut labels = Vec::new();
        for p in &drawable {
            let at = (p.risk, p.cost_per_hour);
            let key = (
                cell(p.risk, risk_min, risk_max),
                cell(p.cost_per_hour, cost_min, cost_max),
            );
            let stacked = seen.iter().filter(|&&other| other == key).count();
            seen.push(key);
            let down = i32::try_from(stacked)
                .unwrap_or(i32::MAX)
                .saturating_mul(14);
            labels.push(
                EmptyElement::at(at)
                    + Text::new(
                        p.label.clone(),
                        (10, down.saturating_sub(16)),
                        ("sans-serif", 12).into_font().color(&BLACK),
                    ),
            );
        }
        chart.draw_series(labels).map_err(failed)?;
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            // The cheap-and-safe corner is where no plan can be: it stays free for the legend.
            .position(SeriesLabelPosition::LowerLeft)
            .draw()
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

/// The range of `values`, padded (from 0 and with room for labels on the right when
/// `from_zero`, the risk axis; 8 % each side otherwise), never empty.
fn padded_range(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut low, mut high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        low = low.min(0.0);
    }
    let span = (high - low).max(high.abs() * 0.1).max(1e-6);
    // Room on the right (and top) for the labels, which run rightwards from their points.
    high += span * if from_zero { 0.35 } else { 0.08 };
    if !from_zero {
        low -= span * 0.08;
    }
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, mode: Mode, cost: f64, risk: f64) -> TradeOff {
        TradeOff {
            label: label.to_owned(),
            mode,
            cost_per_hour: cost,
            risk,
        }
    }

    #[test]
    fn the_svg_has_every_point_its_labels_and_the_front() {
        let points = [
            point("aws lowestPrice", Mode::Aws, 1.0, 0.09),
            point("aws capacityOptimized", Mode::Aws, 2.0, 0.01),
            point("optimal lowestPrice", Mode::Optimal, 0.9, 0.08),
            point("optimal diversified", Mode::Optimal, 2.5, 0.05),
        ];
        let svg = trade_off_svg(&points, RiskAxis::ExpectedInterruptions, "m.toml")
            .expect("the plot draws");
        assert!(svg.starts_with("<svg"));
        for p in &points {
            assert!(svg.contains(&p.label), "missing label {}", p.label);
        }
        assert!(svg.contains("Pareto front"));
        assert!(svg.contains("expected interruptions per hour"));
        // Same points, same bytes.
        let again = trade_off_svg(&points, RiskAxis::ExpectedInterruptions, "m.toml")
            .expect("the plot draws");
        assert_eq!(svg, again);
    }

    #[test]
    fn degenerate_inputs_still_draw() {
        for points in [
            vec![],
            vec![point("one", Mode::Aws, 1.0, 0.0)],
            vec![point("nan", Mode::Aws, f64::NAN, f64::INFINITY)],
        ] {
            let svg = trade_off_svg(&points, RiskAxis::WorstAzLoss, "t").expect("draws");
            assert!(svg.contains("</svg>"));
        }
    }
}
