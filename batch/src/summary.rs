//! The CSV summary of a batch (`--summary F.csv`): one row per scenario, in output order.
//!
//! Columns: `id,status,mode,strategy,capacity,target,cost_per_hour,pools,
//! expected_interruptions_per_hour,worst_az_loss,error_kind`. `status` is `ok` or `error`;
//! `strategy` is the spot strategy; numbers are printed in Rust's shortest round-trip form, so
//! the file is as deterministic as the output. Rows are built from the output lines themselves,
//! so the summary always agrees with the output, resumed or not.

use std::io::Write;

use fleetopt_solver::plan::Plan;
use serde::Deserialize;

use crate::error::BatchError;
use crate::scenario::LineError;

/// The header row.
pub const COLUMNS: [&str; 11] = [
    "id",
    "status",
    "mode",
    "strategy",
    "capacity",
    "target",
    "cost_per_hour",
    "pools",
    "expected_interruptions_per_hour",
    "worst_az_loss",
    "error_kind",
];

#[derive(Deserialize)]
struct ResultLine {
    id: Option<String>,
    plan: Option<Plan>,
    error: Option<LineError>,
}

/// Writes summary rows as output lines go by.
#[derive(Debug)]
pub struct Summary<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> Summary<W> {
    /// Starts a summary (writes the header row).
    pub fn new(out: W) -> Result<Summary<W>, BatchError> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(COLUMNS)?;
        Ok(Summary { writer })
    }

    /// Adds the row of one output line.
    pub fn row(&mut self, line: &str) -> Result<(), BatchError> {
        let result: ResultLine = serde_json::from_str(line).map_err(BatchError::SummaryLine)?;
        let id = result.id.unwrap_or_default();
        let row: Vec<String> = match (&result.plan, &result.error) {
            (Some(plan), _) => {
                let m = &plan.metrics;
                vec![
                    id,
                    "ok".to_owned(),
                    plan.mode.to_string(),
                    plan.strategy.spot.to_string(),
                    m.capacity.to_string(),
                    m.target.to_string(),
                    m.cost_per_hour.to_string(),
                    m.pools.to_string(),
                    m.expected_interruptions_per_hour.to_string(),
                    m.worst_az_loss.to_string(),
                    String::new(),
                ]
            }
            (None, error) => {
                let mut row = vec![id, "error".to_owned()];
                row.extend(std::iter::repeat_n(String::new(), 8));
                row.push(error.as_ref().map_or(String::new(), |e| e.kind.clone()));
                row
            }
        };
        Ok(self.writer.write_record(&row)?)
    }

    /// Flushes and returns the writer.
    pub fn finish(self) -> Result<W, BatchError> {
        self.writer
            .into_inner()
            .map_err(|e| BatchError::SummaryFlush(e.into_error()))
    }
}
