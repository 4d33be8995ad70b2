//! Sweep files: one base request × grids of values, expanded into scenarios in a fixed order.
//!
//! ```toml
//! name = "m"                          # id prefix (default: the file name without extension)
//! base = "../scenarios/m.toml"        # a native request file, relative to this file; or an
//! # [request] table holding the base request inline
//! catalog = "catalog.json"            # optional; relative to this file
//!
//! [grid]                              # every axis optional; each a non-empty list
//! regions = ["us-east-1", "us-west-2"]                          # sets `region`
//! modes = ["aws", "optimal"]                                    # sets `mode`
//! spot_strategies = ["lowestPrice", "priceCapacityOptimized"]   # sets `spot.allocation_strategy`
//! targets = [400, 800]                                          # sets `target.capacity`
//! constraints = { max_pool_share = [0.1, 0.25] }                # sets `constraints.<name>`
//! set = { "spot.pools" = [1, 2] }                               # sets any native field by path
//! ```
//!
//! **Order.** The scenarios are the cartesian product of the axes, as nested loops in this
//! fixed field order, outermost first: `regions`, `modes`, `spot_strategies`, `targets`, then
//! `constraints` by name, then `set` by path (both alphabetical); within an axis, values keep
//! the file's order. The last axis varies fastest. Scenario `i` is computed directly from `i`
//! (mixed-radix digits), so shards and resumed runs never expand what they skip.
//!
//! **Ids** are the name and one `key=value` per axis, joined by `-`, in the same order:
//! `m-mode=aws-strat=lowestPrice-cap=400-max_pool_share=0.1`. Keys: `region`, `mode`, `strat`,
//! `cap`, the constraint name, the `set` path. A value repeated within an axis is refused, so ids
//! are unique.
//!
//! Each scenario is the base request's value with the axis values written in, read by the
//! native reader: a value the reader rejects (a share of 1.5, a zone outside a swept region)
//! makes that scenario an error line, not the sweep.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fleetopt_solver::request::syntax::{self, Syntax};
use fleetopt_solver::request::{Mode, RequestError, SpotStrategy, UnknownStrategy};
use serde::Deserialize;
use serde_json::Value;

/// The constraint names a `grid.constraints` axis may sweep: every key of the native request's
/// `[constraints]` table (DESIGN §4). A unit test holds this list to the request reader's own
/// schema, so the two cannot drift apart.
pub const CONSTRAINTS: [&str; 11] = [
    "as_safe_as",
    "max_az_share",
    "max_expected_interruptions_per_hour",
    "max_overshoot",
    "max_pool_share",
    "max_type_share",
    "max_types",
    "min_pools",
    "single_az",
    "single_type",
    "survive_az_loss",
];

/// Why a sweep file cannot be expanded. Every variant but [`SweepError::Request`] (whose
/// [`RequestError`] names its own file) names the sweep file first.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The file name has no native request extension.
    #[error(
        "{}: a sweep file must end in .toml, .json, .yaml or .yml (JSON Lines batches end in .jsonl or .ndjson)",
        file.display()
    )]
    NotASweepName {
        /// The sweep file.
        file: PathBuf,
    },
    /// The sweep file cannot be read.
    #[error("{}: cannot read the sweep file: {source}", file.display())]
    Read {
        /// The sweep file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The sweep file (or its base request) is not valid TOML, JSON or YAML.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// A `*.json` sweep file holds several JSON values: JSON Lines under the wrong name.
    #[error("{0} (a sweep file is one JSON object; name JSON Lines scenarios *.jsonl)")]
    JsonLinesNamedJson(Box<SweepError>),
    /// A field of the sweep file has the wrong shape or is unknown.
    #[error("{}: {path}: {source}", file.display())]
    Field {
        /// The sweep file.
        file: PathBuf,
        /// The field.
        path: serde_path_to_error::Path,
        /// What is wrong with it.
        source: serde_json::Error,
    },
    /// `name = ""`.
    #[error("{}: name: must not be empty", file.display())]
    EmptyName {
        /// The sweep file.
        file: PathBuf,
    },
    /// Both `base` and `[request]`.
    #[error(
        "{}: give the base request either as `base = \"file\"` or as a [request] table, not both",
        file.display()
    )]
    TwoBases {
        /// The sweep file.
        file: PathBuf,
    },
    /// Neither `base` nor `[request]`.
    #[error(
        "{}: no base request: add `base = \"request.toml\"` or a [request] table",
        file.display()
    )]
    NoBase {
        /// The sweep file.
        file: PathBuf,
    },
    /// `base` names a file without a native request extension.
    #[error(
        "{}: base: {base:?} must be a native request file ending in .toml, .json, .yaml or .yml",
        file.display()
    )]
    BaseNotNative {
        /// The sweep file.
        file: PathBuf,
        /// The `base` value.
        base: String,
    },
    /// The base request file cannot be read.
    #[error("{}: base: cannot read the base request {}: {source}", file.display(), base.display())]
    ReadBase {
        /// The sweep file.
        file: PathBuf,
        /// The base request file, resolved.
        base: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The base request is an AWS request form.
    #[error(
        "{}: base: {} is an AWS request form; a sweep needs a native fleetopt request as its base (its fields are what the grid sets)",
        file.display(),
        base.display()
    )]
    BaseIsAws {
        /// The sweep file.
        file: PathBuf,
        /// The base request file, resolved.
        base: PathBuf,
    },
    /// The base request is not a table.
    #[error("{}: the base request must be a table (object)", file.display())]
    BaseNotTable {
        /// The sweep file.
        file: PathBuf,
    },
    /// The product of the axis lengths overflows.
    #[error("{}: the grid has more scenarios than fleetopt can count", file.display())]
    TooManyScenarios {
        /// The sweep file.
        file: PathBuf,
    },
    /// An axis with no value.
    #[error(
        "{}: {field}: an axis needs at least one value (remove it to keep the base's)",
        file.display()
    )]
    EmptyAxis {
        /// The sweep file.
        file: PathBuf,
        /// The axis field (`grid.targets`).
        field: String,
    },
    /// A value repeated within an axis.
    #[error(
        "{}: {field}[{index}]: {value} appears twice; scenario ids would repeat",
        file.display()
    )]
    RepeatedValue {
        /// The sweep file.
        file: PathBuf,
        /// The axis field.
        field: String,
        /// 0-based position of the repeat.
        index: usize,
        /// The value as it appears in ids.
        value: String,
    },
    /// An axis value of the wrong JSON type.
    #[error("{}: {field}[{index}]: expected {expected}, found {found}", file.display())]
    WrongType {
        /// The sweep file.
        file: PathBuf,
        /// The axis field.
        field: &'static str,
        /// 0-based position of the value.
        index: usize,
        /// `a string`, `a number`.
        expected: &'static str,
        /// The value.
        found: Value,
    },
    /// A `grid.modes` value that is not a mode.
    #[error(
        "{}: grid.modes[{index}]: expected {}, found {found:?}",
        file.display(),
        Mode::ALL.map(|mode| format!("{:?}", mode.as_str())).join(" or ")
    )]
    UnknownMode {
        /// The sweep file.
        file: PathBuf,
        /// 0-based position of the value.
        index: usize,
        /// The value.
        found: String,
    },
    /// A `grid.spot_strategies` value that is not a strategy.
    #[error("{}: grid.spot_strategies[{index}]: {source}", file.display())]
    UnknownSpotStrategy {
        /// The sweep file.
        file: PathBuf,
        /// 0-based position of the value.
        index: usize,
        /// The request reader's explanation, with its suggestion.
        source: UnknownStrategy,
    },
    /// A `grid.constraints` key that is not a constraint.
    #[error(
        "{}: grid.constraints.{name}: unknown constraint; did you mean {closest:?}? (known: {known})",
        file.display(),
        known = CONSTRAINTS.join(", ")
    )]
    UnknownConstraint {
        /// The sweep file.
        file: PathBuf,
        /// The key given.
        name: String,
        /// The closest constraint name.
        closest: &'static str,
    },
    /// A `grid.set` key that is not a dotted path.
    #[error(
        "{}: grid.set: {path:?} is not a dotted field path like \"spot.pools\"",
        file.display()
    )]
    NotAFieldPath {
        /// The sweep file.
        file: PathBuf,
        /// The key given.
        path: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    name: Option<String>,
    base: Option<String>,
    request: Option<Value>,
    catalog: Option<String>,
    #[serde(default)]
    grid: Grid,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Grid {
    regions: Option<Vec<Value>>,
    modes: Option<Vec<Value>>,
    spot_strategies: Option<Vec<Value>>,
    targets: Option<Vec<Value>>,
    #[serde(default)]
    constraints: BTreeMap<String, Vec<Value>>,
    #[serde(default)]
    set: BTreeMap<String, Vec<Value>>,
}

/// One swept dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The key in scenario ids (`cap`, `strat`, a constraint name, a `set` path).
    pub key: String,
    /// Where the value goes in the request (`target.capacity`).
    pub path: Vec<String>,
    /// The values, in the file's order.
    pub values: Vec<Value>,
}

/// A parsed sweep: a base request value and its axes.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file, as named to [`Sweep::load`].
    pub label: String,
    /// The id prefix.
    pub name: String,
    /// The catalogue named by the file, resolved against its folder.
    pub catalog: Option<PathBuf>,
    base: Value,
    axes: Vec<Axis>,
    len: u64,
}

/// One expanded scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepScenario {
    /// Its deterministic id.
    pub id: String,
    /// The native request value (base with the axis values written in).
    pub request: Value,
}

/// The native syntax a file name implies, if any.
pub fn syntax_of(path: &Path) -> Option<Syntax> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("toml") => Some(Syntax::Toml),
        Some("json") => Some(Syntax::Json),
        Some("yaml" | "yml") => Some(Syntax::Yaml),
        _ => None,
    }
}

/// A value as it appears in an id: strings bare, everything else as compact JSON.
pub fn id_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Sweep {
    /// Reads a sweep file (TOML, JSON or YAML by extension).
    pub fn load(path: &Path) -> Result<Sweep, SweepError> {
        let label = path.display().to_string();
        let syntax = syntax_of(path).ok_or_else(|| SweepError::NotASweepName {
            file: path.to_path_buf(),
        })?;
        let text =
            fleetopt_instances::read::read_to_string(path).map_err(|source| SweepError::Read {
                file: path.to_path_buf(),
                source,
            })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("sweep")
            .to_owned();
        Sweep::parse(&label, &text, syntax, dir, &stem).map_err(|error| {
            // A JSON Lines file named *.json reads as one JSON value with trailing lines.
            if syntax == Syntax::Json && error.to_string().contains("trailing characters") {
                SweepError::JsonLinesNamedJson(Box::new(error))
            } else {
                error
            }
        })
    }

    /// Parses a sweep from text; `dir` resolves relative paths, `stem` is the default name.
    pub fn parse(
        label: &str,
        text: &str,
        syntax: Syntax,
        dir: &Path,
        stem: &str,
    ) -> Result<Sweep, SweepError> {
        let sweep_file = || PathBuf::from(label);
        let value = syntax::parse_value(label, text, syntax)?;
        let file: SweepFile =
            serde_path_to_error::deserialize(value).map_err(|e| SweepError::Field {
                file: sweep_file(),
                path: e.path().clone(),
                source: e.into_inner(),
            })?;
        let name = file.name.unwrap_or_else(|| stem.to_owned());
        if name.is_empty() {
            return Err(SweepError::EmptyName { file: sweep_file() });
        }
        let base = match (file.base, file.request) {
            (Some(_), Some(_)) => return Err(SweepError::TwoBases { file: sweep_file() }),
            (None, None) => return Err(SweepError::NoBase { file: sweep_file() }),
            (None, Some(request)) => request,
            (Some(base), None) => {
                let path = dir.join(&base);
                let base_label = path.display().to_string();
                let syntax = syntax_of(&path).ok_or_else(|| SweepError::BaseNotNative {
                    file: sweep_file(),
                    base: base.clone(),
                })?;
                let text = fleetopt_instances::read::read_to_string(&path).map_err(|source| {
                    SweepError::ReadBase {
                        file: sweep_file(),
                        base: path.clone(),
                        source,
                    }
                })?;
                if syntax == Syntax::Json
                    && matches!(
                        fleetopt_solver::request::aws::detect(&base_label, text.trim_start()),
                        Ok(Some(_))
                    )
                {
                    return Err(SweepError::BaseIsAws {
                        file: sweep_file(),
                        base: path,
                    });
                }
                syntax::parse_value(&base_label, &text, syntax)?
            }
        };
        if !base.is_object() {
            return Err(SweepError::BaseNotTable { file: sweep_file() });
        }
        let axes = axes(label, file.grid)?;
        let mut len: u64 = 1;
        for axis in &axes {
            len = len
                .checked_mul(axis.values.len() as u64)
                .ok_or_else(|| SweepError::TooManyScenarios { file: sweep_file() })?;
        }
        Ok(Sweep {
            label: label.to_owned(),
            name,
            catalog: file.catalog.map(|c| dir.join(c)),
            base,
            axes,
            len,
        })
    }

    /// Number of scenarios (the product of the axis lengths; 1 without axes).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when the sweep has no scenario (never: an axis cannot be empty).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The base request value, before any axis is written in.
    pub fn base_value(&self) -> &Value {
        &self.base
    }

    /// The axes, outermost first.
    pub fn axes(&self) -> &[Axis] {
        &self.axes
    }

    /// Scenario `index` (below [`Sweep::len`]; larger indices wrap around).
    pub fn scenario(&self, index: u64) -> SweepScenario {
        let mut digits = vec![0usize; self.axes.len()];
        let mut rest = index;
        for (digit, axis) in digits.iter_mut().zip(&self.axes).rev() {
            let n = axis.values.len() as u64;
            *digit = (rest % n) as usize;
            rest /= n;
        }
        let mut id = self.name.clone();
        let mut request = self.base.clone();
        for (digit, axis) in digits.into_iter().zip(&self.axes) {
            let value = &axis.values[digit];
            id.push('-');
            id.push_str(&axis.key);
            id.push('=');
            id.push_str(&id_text(value));
            set_path(&mut request, &axis.path, value.clone());
        }
        SweepScenario { id, request }
    }
}

/// Writes `value` at `path`, creating (or replacing non-table) intermediate tables.
fn set_path(root: &mut Value, path: &[String], value: Value) {
    let mut node = root;
    for (i, key) in path.iter().enumerate() {
        if !node.is_object() {
            *node = Value::Object(serde_json::Map::new());
        }
        let Value::Object(map) = node else { return };
        if i + 1 == path.len() {
            map.insert(key.clone(), value);
            return;
        }
        node = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
}

fn axes(label: &str, grid: Grid) -> Result<Vec<Axis>, SweepError> {
    let file = || PathBuf::from(label);
    let mut axes = Vec::new();
    let mut push = |field: String, key: &str, path: &str, values: Vec<Value>| {
        check_values(label, field, &values)?;
        axes.push(Axis {
            key: key.to_owned(),
            path: path.split('.').map(str::to_owned).collect(),
            values,
        });
        Ok::<(), SweepError>(())
    };
    if let Some(values) = grid.regions {
        strings(label, "grid.regions", &values)?;
        push("grid.regions".into(), "region", "region", values)?;
    }
    if let Some(values) = grid.modes {
        for (index, v) in strings(label, "grid.modes", &values)?
            .into_iter()
            .enumerate()
        {
            if !Mode::ALL.iter().any(|mode| mode.as_str() == v) {
                return Err(SweepError::UnknownMode {
                    file: file(),
                    index,
                    found: v.to_owned(),
                });
            }
        }
        push("grid.modes".into(), "mode", "mode", values)?;
    }
    if let Some(values) = grid.spot_strategies {
        for (index, v) in strings(label, "grid.spot_strategies", &values)?
            .into_iter()
            .enumerate()
        {
            SpotStrategy::parse(v).map_err(|source| SweepError::UnknownSpotStrategy {
                file: file(),
                index,
                source,
            })?;
        }
        push(
            "grid.spot_strategies".into(),
            "strat",
            "spot.allocation_strategy",
            values,
        )?;
    }
    if let Some(values) = grid.targets {
        for (index, v) in values.iter().enumerate() {
            if !v.is_number() {
                return Err(SweepError::WrongType {
                    file: file(),
                    field: "grid.targets",
                    index,
                    expected: "a number",
                    found: v.clone(),
                });
            }
        }
        push("grid.targets".into(), "cap", "target.capacity", values)?;
    }
    for (name, values) in grid.constraints {
        if !CONSTRAINTS.contains(&name.as_str()) {
            let closest = CONSTRAINTS
                .iter()
                .min_by_key(|c| fleetopt_instances::suggest::edit_distance(c, &name))
                .copied()
                .unwrap_or("max_pool_share");
            return Err(SweepError::UnknownConstraint {
                file: file(),
                name,
                closest,
            });
        }
        push(
            format!("grid.constraints.{name}"),
            &name,
            &format!("constraints.{name}"),
            values,
        )?;
    }
    for (path, values) in grid.set {
        if path.split('.').any(str::is_empty) {
            return Err(SweepError::NotAFieldPath { file: file(), path });
        }
        push(format!("grid.set.{path}"), &path, &path, values)?;
    }
    Ok(axes)
}

fn strings<'a>(
    label: &str,
    field: &'static str,
    values: &'a [Value],
) -> Result<Vec<&'a str>, SweepError> {
    values
        .iter()
        .enumerate()
        .map(|(index, v)| {
            v.as_str().ok_or_else(|| SweepError::WrongType {
                file: PathBuf::from(label),
                field,
                index,
                expected: "a string",
                found: v.clone(),
            })
        })
        .collect()
}

fn check_values(label: &str, field: String, values: &[Value]) -> Result<(), SweepError> {
    if values.is_empty() {
        return Err(SweepError::EmptyAxis {
            file: PathBuf::from(label),
            field,
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for (index, v) in values.iter().enumerate() {
        if !seen.insert(id_text(v)) {
            return Err(SweepError::RepeatedValue {
                file: PathBuf::from(label),
                field,
                index,
                value: id_text(v),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn sweep(text: &str) -> Result<Sweep, SweepError> {
        Sweep::parse("s.toml", text, Syntax::Toml, Path::new("dir"), "s")
    }

    const INLINE: &str = r#"
[request]
region = "us-east-1"
target = { capacity = 10 }
"#;

    #[test]
    fn no_axes_is_one_scenario_named_after_the_file() {
        let s = sweep(INLINE).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.scenario(0).id, "s");
        assert_eq!(s.scenario(0).request["target"]["capacity"], 10);
    }

    #[test]
    fn last_axis_varies_fastest_and_values_land_in_the_request() {
        let s = sweep(&format!(
            "name = \"b\"\ncatalog = \"c.json\"\n{INLINE}\n[grid]\ntargets = [1, 2, 3]\nspot_strategies = [\"lowestPrice\", \"diversified\"]\nconstraints = {{ min_pools = [2] }}\n"
        ))
        .unwrap();
        assert_eq!(s.len(), 6);
        assert_eq!(s.catalog, Some(Path::new("dir").join("c.json")));
        let ids: Vec<String> = (0..6).map(|i| s.scenario(i).id).collect();
        assert_eq!(
            ids,
            [
                "b-strat=lowestPrice-cap=1-min_pools=2",
                "b-strat=lowestPrice-cap=2-min_pools=2",
                "b-strat=lowestPrice-cap=3-min_pools=2",
                "b-strat=diversified-cap=1-min_pools=2",
                "b-strat=diversified-cap=2-min_pools=2",
                "b-strat=diversified-cap=3-min_pools=2",
            ]
        );
        let r = s.scenario(4).request;
        assert_eq!(r["spot"]["allocation_strategy"], "diversified");
        assert_eq!(r["target"]["capacity"], 2);
        assert_eq!(r["constraints"]["min_pools"], 2);
        assert_eq!(r["region"], "us-east-1");
    }

    #[test]
    fn json_sweeps_read_like_toml_ones() {
        let json = r#"{"name": "j", "request": {"region": "us-east-1", "target": {"capacity": 10}},
            "grid": {"modes": ["aws"], "set": {"spot.pools": [1, 2]}}}"#;
        let s = Sweep::parse("s.json", json, Syntax::Json, Path::new(""), "s").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.scenario(1).id, "j-mode=aws-spot.pools=2");
        assert_eq!(s.scenario(1).request["spot"]["pools"], 2);
    }

    #[test]
    fn an_aws_request_form_cannot_be_a_base() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("fleet.json"),
            r#"{"LaunchTemplateConfigs": [], "TargetCapacitySpecification": {"TotalTargetCapacity": 4}}"#,
        )
        .unwrap();
        let error = Sweep::parse(
            "s.toml",
            "base = \"fleet.json\"",
            Syntax::Toml,
            dir.path(),
            "s",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("is an AWS request form"), "{error}");
    }

    /// Keys of the native `[constraints]` table that a `grid.constraints` axis must not sweep,
    /// each with its reason. Empty today: every constraint can be swept.
    const NOT_SWEPT: [(&str, &str); 0] = [];

    /// The request reader is the reference: for an unknown `[constraints]` key it lists every
    /// key its schema has (serde's "expected one of"). A constraint added to or removed from the
    /// native schema fails here until `CONSTRAINTS` follows it (or, if it must not be swept,
    /// until it is in `NOT_SWEPT` with its reason).
    #[test]
    fn constraint_names_are_the_keys_of_the_native_constraints_table() {
        let read = |constraints: &str| {
            fleetopt_solver::request::native::read(
                "probe.toml",
                &format!(
                    "region = \"us-east-1\"\ntarget = {{ capacity = 1 }}\n[constraints]\n{constraints}\n"
                ),
                Syntax::Toml,
            )
        };
        let probe = read("zzzzzzzzzzzzzzzzzzzz = 1").unwrap_err();
        assert_eq!(probe.field, "constraints.zzzzzzzzzzzzzzzzzzzz", "{probe}");
        let rendered = probe.to_string();
        let Some((_, listed)) = rendered.split_once("expected one of ") else {
            panic!("the reader no longer lists the schema's keys: {probe}");
        };
        let schema: BTreeSet<&str> = listed.split('`').skip(1).step_by(2).collect();
        let swept: BTreeSet<&str> = CONSTRAINTS.into_iter().collect();
        let excluded: BTreeSet<&str> = NOT_SWEPT.iter().map(|(name, _)| *name).collect();
        assert!(
            swept.is_disjoint(&excluded),
            "a constraint is both swept and excluded"
        );
        assert_eq!(
            swept.union(&excluded).copied().collect::<BTreeSet<_>>(),
            schema,
            "sweep.rs CONSTRAINTS (with NOT_SWEPT) differs from the native [constraints] table"
        );
        // Each name is read as a constraint, not refused as an unknown key (a value may still
        // be out of range: 1 is no `survive_az_loss`).
        for name in CONSTRAINTS {
            let value = if name.starts_with("single_") {
                "true"
            } else {
                "1"
            };
            if let Err(error) = read(&format!("{name} = {value}")) {
                assert!(
                    !error.to_string().contains("unknown field"),
                    "{name}: {error}"
                );
            }
        }
    }

    #[test]
    fn bad_grids_are_refused_with_the_field() {
        let e = |grid: &str| {
            sweep(&format!("{INLINE}\n[grid]\n{grid}\n"))
                .unwrap_err()
                .to_string()
        };
        assert!(e("targets = []").contains("grid.targets: an axis needs at least one value"));
        assert!(e("targets = [1, 1]").contains("grid.targets[1]: 1 appears twice"));
        assert!(e("targets = [\"a\"]").contains("grid.targets[0]: expected a number"));
        assert!(e("modes = [\"fast\"]").contains("grid.modes[0]: expected \"aws\" or \"optimal\""));
        assert!(e("spot_strategies = [\"lowestprice\"]").contains("lowestPrice"));
        assert!(
            e("constraints = { max_pool_shares = [0.1] }")
                .contains("did you mean \"max_pool_share\"")
        );
        assert!(e("set = { \"spot..pools\" = [1] }").contains("dotted field path"));
        assert!(e("colours = [1]").contains("unknown field `colours`"));
        assert!(
            sweep("name = \"x\"")
                .unwrap_err()
                .to_string()
                .contains("no base request")
        );
    }
}
