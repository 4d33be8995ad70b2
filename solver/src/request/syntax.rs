//! Request text → a JSON value with paths, for every reader: the syntax layer beneath the native
//! schema and the AWS forms, so neither reader borrows the other's parser.
//!
//! Every syntax is parsed into a [`serde_json::Value`]: TOML and YAML values are converted key
//! by key, so a NaN, an infinity, a date or a non-string key is reported with its path. Typed
//! parts of a value are then deserialised through `serde_path_to_error` ([`from_value`]), so an
//! error always names the full field path and says what was expected and what was found, in
//! plain words (serde's private type names and Rust type names are replaced).

use fleetopt_instances::suggest::{self, Case};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{RequestError, RequestErrorKind};

/// The syntax of a request file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// TOML.
    Toml,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// The message for a file without a single key, whatever its syntax.
const EMPTY: &str = "the file is empty; a request needs at least `region` and `target.capacity`";

/// The character at a 1-based line and column (in characters), if there is one.
fn char_at(text: &str, line: usize, column: usize) -> Option<char> {
    text.lines()
        .nth(line.checked_sub(1)?)?
        .chars()
        .nth(column.checked_sub(1)?)
}

/// Refuses JSON text whose objects repeat a key (serde_json would keep the last silently),
/// naming the repeated member's path.
pub(crate) fn refuse_duplicate_keys(label: &str, text: &str) -> Result<(), RequestError> {
    match fleetopt_instances::json::find_duplicate_key(text) {
        Some(duplicate) => Err(RequestError::new(
            label,
            duplicate.path.clone(),
            RequestErrorKind::DuplicateKey(duplicate),
        )),
        None => Ok(()),
    }
}

/// Parses a request text into its JSON value (TOML and YAML converted key by key), without
/// reading it as a request yet: batch sweeps edit this value before reading it.
pub fn parse_value(label: &str, text: &str, syntax: Syntax) -> Result<Value, RequestError> {
    match syntax {
        Syntax::Json => {
            refuse_duplicate_keys(label, text)?;
            serde_json::from_str::<Value>(text)
                .map_err(|e| RequestError::new(label, "", RequestErrorKind::Json(e)))
        }
        Syntax::Toml => {
            let table: toml::Table = toml::from_str(text).map_err(|e| {
                let (line, column) = e
                    .span()
                    .map_or((1, 1), |span| line_column(text, span.start));
                RequestError::new(
                    label,
                    "",
                    RequestErrorKind::Toml {
                        line,
                        column,
                        source: Box::new(e),
                    },
                )
            })?;
            if table.is_empty() {
                return Err(RequestError::new(label, "", EMPTY));
            }
            toml_to_json(label, "", toml::Value::Table(table))
        }
        Syntax::Yaml => {
            if let Some((line, column)) = too_deep_flow(text, YAML_MAX_FLOW_DEPTH) {
                let limit = YAML_MAX_FLOW_DEPTH;
                let kind = RequestErrorKind::YamlTooDeep {
                    line,
                    column,
                    limit,
                };
                return Err(RequestError::new(label, "", kind));
            }
            let value: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
                let kind = match e.location() {
                    // YAML forbids tabs in indentation; the parser's own words ("found character
                    // that cannot start any token") do not say that the character is a tab.
                    Some(at) if char_at(text, at.line(), at.column()) == Some('\t') => {
                        RequestErrorKind::YamlTab {
                            line: at.line(),
                            column: at.column(),
                            source: e,
                        }
                    }
                    _ => RequestErrorKind::Yaml(e),
                };
                RequestError::new(label, "", kind)
            })?;
            if value.is_null() {
                return Err(RequestError::new(label, "", EMPTY));
            }
            yaml_to_json(label, "", value)
        }
    }
}

/// The deepest nesting of YAML flow collections read: the YAML parser's own recursion limit
/// (128, which refuses anything deeper anyway, and JSON's limit in `serde_json`).
pub const YAML_MAX_FLOW_DEPTH: usize = 128;

/// Where the flow collections of a YAML text (`[`, `{`, outside quotes and comments) first nest
/// deeper than `limit`, as a 1-based line and column, if they do.
///
/// Why before parsing: libyaml's scanner (under `serde_norway`) keeps one possible simple key
/// per flow level and re-examines them all at every token, so `[[[…` 10,000 deep took 6 s and
/// 100,000 deep (a 200 kB file) ten minutes before the parser's recursion limit refused it.
/// This pass is linear. A bracket inside a plain scalar (`name: a[1]`) counts too; a balanced
/// one cancels out, so only a text the parser would refuse or one with over a hundred unclosed
/// brackets in plain scalars is refused here.
fn too_deep_flow(text: &str, limit: usize) -> Option<(usize, usize)> {
    #[derive(PartialEq)]
    enum In {
        Plain,
        Single,
        Double,
        Comment,
    }
    let mut state = In::Plain;
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut previous = '\n';
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        column += 1;
        match (&state, c) {
            (_, '\n') => {
                line += 1;
                column = 0;
                if state == In::Comment {
                    state = In::Plain;
                }
            }
            (In::Plain, '#') if previous.is_whitespace() => state = In::Comment,
            // A quote opens a quoted scalar only where a scalar can start (`it's` is plain).
            (In::Plain, '\'') if starts_scalar(previous) => state = In::Single,
            (In::Plain, '"') if starts_scalar(previous) => state = In::Double,
            (In::Plain, '[' | '{') => {
                depth += 1;
                if depth > limit {
                    return Some((line, column));
                }
            }
            (In::Plain, ']' | '}') => depth = depth.saturating_sub(1),
            // `''` inside single quotes is an escaped quote, not the end.
            (In::Single, '\'') if chars.clone().next() == Some('\'') => {
                chars.next();
                column += 1;
            }
            (In::Single, '\'') | (In::Double, '"') => state = In::Plain,
            (In::Double, '\\') => {
                // An escaped character cannot close the string (a newline here is a line
                // continuation, still counted as a line).
                if chars.clone().next() == Some('\n') {
                    line += 1;
                    column = 0;
                }
                chars.next();
                column += 1;
            }
            _ => {}
        }
        previous = c;
    }
    None
}

/// Whether a scalar may start after `previous`: after whitespace (a line start included) or a
/// flow indicator.
fn starts_scalar(previous: char) -> bool {
    previous.is_whitespace() || matches!(previous, '[' | '{' | ',')
}

/// Deserialises `value` (found at `prefix`) through `serde_path_to_error`, so the error names
/// the full field path.
pub(super) fn from_value<T: DeserializeOwned>(
    label: &str,
    prefix: &str,
    value: Value,
) -> Result<T, RequestError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let field = match (prefix.is_empty(), inner == ".") {
            (_, true) => prefix.to_owned(),
            (true, false) => inner,
            (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
            (false, false) => format!("{prefix}.{inner}"),
        };
        RequestError::new(label, field, RequestErrorKind::Schema(e.into_inner()))
    })
}

/// A short description of a JSON value's kind, for "found …".
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a table".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Messages of the typed syntax and schema errors (`RequestErrorKind`'s Display)

/// `invalid JSON at line L, column C: …` (or `unexpected end of JSON …`).
pub(super) fn json_syntax_message(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Eof => "unexpected end of JSON",
        _ => "invalid JSON",
    };
    format!(
        "{what} at line {}, column {}: {}",
        error.line(),
        error.column(),
        strip_position(&error.to_string())
    )
}

/// `invalid YAML at line L, column C: …` (the position only when the parser knows it).
pub(super) fn yaml_syntax_message(error: &serde_norway::Error) -> String {
    let position = error
        .location()
        .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
        .unwrap_or_default();
    format!(
        "invalid YAML{position}: {}",
        strip_position(&error.to_string())
    )
}

/// serde's message for a value that does not fit the schema, in plain words.
pub(super) fn schema_message(error: &serde_json::Error) -> String {
    plain_types(&suggest_field(&error.to_string()))
        .replace("expected a sequence", "expected a list")
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number ≥ 0")
        .replace("expected u64", "expected a whole number ≥ 0")
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, last)| last)
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Drops the " at line L column C" tail serde_json and serde_norway append (the position is
/// already given in fleetopt's own wording).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Replaces serde's "expected struct TargetTable" (private type names) with "expected a table".
fn plain_types(message: &str) -> String {
    const STRUCT: &str = "expected struct ";
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find(STRUCT) {
        out.push_str(&rest[..at]);
        out.push_str("expected a table");
        rest =
            rest[at + STRUCT.len()..].trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
    }
    out.push_str(rest);
    out
}

/// Shortens serde's "unknown field `x`, expected one of `a`, `b`, …" to a suggestion when one
/// listed field is close (`MemoryMib` → `MemoryMiB`); otherwise keeps the full list.
fn suggest_field(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_owned();
    };
    let Some((unknown, listed)) = rest.split_once('`') else {
        return message.to_owned();
    };
    // At most 3 edits without case, and fewer edits than the unknown name has bytes (so a
    // one-letter key is not "corrected" into an unrelated one).
    let Some(max_distance) = unknown.len().checked_sub(1).map(|below| below.min(3)) else {
        return message.to_owned();
    };
    let listed = listed.split('`').skip(1).step_by(2);
    match suggest::closest(unknown, listed, Case::IgnoredThenSensitive, max_distance) {
        Some(name) => format!("unknown field `{unknown}`; did you mean `{name}`?"),
        None => message.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Syntax → serde_json::Value

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn finite_number(label: &str, path: &str, value: f64) -> Result<Value, RequestError> {
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| {
            RequestError::new(
                label,
                path,
                format!("expected a finite number, found {value}"),
            )
        })
}

fn toml_to_json(label: &str, path: &str, value: toml::Value) -> Result<Value, RequestError> {
    Ok(match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => finite_number(label, path, f)?,
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => {
            return Err(RequestError::new(
                label,
                path,
                format!("expected a number, string or table, found the date-time {d}"),
            ));
        }
        toml::Value::Array(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| toml_to_json(label, &format!("{path}[{i}]"), item))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, item)| {
                    let converted = toml_to_json(label, &child(path, &key), item)?;
                    Ok((key, converted))
                })
                .collect::<Result<_, RequestError>>()?,
        ),
    })
}

fn yaml_to_json(
    label: &str,
    path: &str,
    value: serde_norway::Value,
) -> Result<Value, RequestError> {
    use serde_norway::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                finite_number(label, path, n.as_f64().unwrap_or(f64::NAN))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(label, &format!("{path}[{i}]"), item))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut object = serde_json::Map::new();
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(RequestError::new(
                            label,
                            path,
                            format!("expected string keys, found the key {other:?}"),
                        ));
                    }
                };
                let converted = yaml_to_json(label, &child(path, &key), item)?;
                if object.insert(key.clone(), converted).is_some() {
                    return Err(RequestError::new(
                        label,
                        child(path, &key),
                        "the key is given twice",
                    ));
                }
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => {
            return Err(RequestError::new(
                label,
                path,
                format!("YAML tags are not supported, found `{}`", tagged.tag),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    //! The syntax layer seen through the native reader: its errors reach users with the
    //! native schema's field paths.

    use super::*;
    use crate::request::FleetRequest;
    use crate::request::native::read;

    fn with(extra: &str) -> Result<FleetRequest, RequestError> {
        read(
            "req.toml",
            &format!("region = \"us-east-1\"\n[target]\ncapacity = 10\n{extra}"),
            Syntax::Toml,
        )
    }

    fn error(result: Result<FleetRequest, RequestError>) -> String {
        match result {
            Ok(request) => panic!("expected an error, got {request:#?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn deep_yaml_flow_nesting_is_refused_before_parsing() {
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let error = parse_value("r.yaml", &deep, Syntax::Yaml).unwrap_err();
        assert_eq!(
            error.to_string(),
            "r.yaml: invalid YAML at line 1, column 132: flow collections (`[` or `{`) nested \
             more than 128 deep"
        );
        // Brackets in quotes, comments and plain scalars are not nesting.
        let quoted = format!(
            "a: '{0}'\nb: \"{0}\\\"\"\n# {0}\nc: it's {1}\nd: [[1], {{e: [2]}}]\n",
            "[".repeat(200),
            "[]".repeat(200)
        );
        let value = parse_value("r.yaml", &quoted, Syntax::Yaml).unwrap();
        assert_eq!(value["d"], serde_json::json!([[1], {"e": [2]}]));
        // Nor can an escaped quote inside single quotes.
        let escaped = format!("x: 'a''['\ny: {}{}\n", "[".repeat(129), "]".repeat(129));
        let error = parse_value("r.yaml", &escaped, Syntax::Yaml).unwrap_err();
        assert!(error.to_string().contains("line 2, column"), "{error}");
        // A quote inside a plain scalar opens nothing, so it cannot hide the nesting after it.
        let hidden = format!("x: it's\ny: {}{}\n", "{a: ".repeat(129), "}".repeat(129));
        let error = parse_value("r.yaml", &hidden, Syntax::Yaml).unwrap_err();
        assert!(error.to_string().contains("line 2, column"), "{error}");
        // 128 deep is what the parser itself still reads.
        assert!(too_deep_flow(&format!("{}{}", "[".repeat(128), "]".repeat(128)), 128).is_none());
    }

    #[test]
    fn json_and_yaml_errors_carry_positions_and_paths() {
        let json = read(
            "r.json",
            "{\"region\": \"us-east-1\",\n \"target\": {\"capacity\": }}",
            Syntax::Json,
        );
        assert_eq!(
            error(json),
            "r.json: invalid JSON at line 2, column 25: expected value"
        );
        let yaml = read(
            "r.yaml",
            "region: us-east-1\ntarget:\n  capacity: [\n",
            Syntax::Yaml,
        );
        assert!(error(yaml).starts_with("r.yaml: invalid YAML at line 4, column 1:"),);
        let yaml = read(
            "r.yaml",
            "region: us-east-1\ntarget:\n  capacity: 10\nspot:\n  pools: -1\n",
            Syntax::Yaml,
        );
        assert_eq!(
            error(yaml),
            "r.yaml: spot.pools: invalid value: integer `-1`, expected a whole number ≥ 0"
        );
        let yaml = read(
            "r.yaml",
            "region: us-east-1\ntarget:\n  capacity: .inf\n",
            Syntax::Yaml,
        );
        assert_eq!(
            error(yaml),
            "r.yaml: target.capacity: expected a finite number, found inf"
        );
        assert!(error(read("r.yaml", "", Syntax::Yaml)).contains("the file is empty"));
    }

    #[test]
    fn an_empty_toml_file_says_so_like_yaml() {
        for text in ["", "\n\n", "# only a comment\n"] {
            assert_eq!(
                error(read("r.toml", text, Syntax::Toml)),
                "r.toml: the file is empty; a request needs at least `region` and `target.capacity`",
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_tab_in_yaml_is_named_as_a_tab() {
        let text = "region: us-east-1\ntarget:\n\tcapacity: 4\n";
        let message = error(read("r.yaml", text, Syntax::Yaml));
        assert!(
            message.starts_with("r.yaml: invalid YAML at line 3, column 1: a tab character; YAML indents with spaces only"),
            "{message}"
        );
    }

    #[test]
    fn toml_dates_and_yaml_tags_are_rejected_with_a_path() {
        assert_eq!(
            error(with("[solver]\nmip_gap = 1979-05-27\n")),
            "req.toml: solver.mip_gap: expected a number, string or table, found the date-time 1979-05-27"
        );
        let yaml = read(
            "r.yaml",
            "region: us-east-1\ntarget:\n  capacity: !big 10\n",
            Syntax::Yaml,
        );
        assert!(error(yaml).starts_with("r.yaml: target.capacity: YAML tags are not supported"));
    }

    #[test]
    fn syntax_errors_carry_their_parser_error() {
        let json = parse_value("r.json", "{\"a\": }", Syntax::Json).unwrap_err();
        assert!(matches!(json.kind, RequestErrorKind::Json(_)), "{json:?}");
        assert_eq!(json.field, "");
        let toml = parse_value("r.toml", "a = 1\n[b\n", Syntax::Toml).unwrap_err();
        assert!(
            matches!(toml.kind, RequestErrorKind::Toml { line: 2, .. }),
            "{toml:?}"
        );
        let yaml = parse_value("r.yaml", "a: [\n", Syntax::Yaml).unwrap_err();
        assert!(matches!(yaml.kind, RequestErrorKind::Yaml(_)), "{yaml:?}");
        let schema = error(with("[spot]\npools = \"two\"\n"));
        assert_eq!(
            schema,
            "req.toml: spot.pools: invalid type: string \"two\", expected a whole number ≥ 0"
        );
    }

    #[test]
    fn close_field_names_are_suggested_and_far_ones_listed() {
        // `Case::IgnoredThenSensitive`: `Single_Type` is one edit from `single_type` without
        // case; a one-letter key is never "corrected".
        assert_eq!(
            error(with("[constraints]\nSingle_Type = true\n")),
            "req.toml: constraints.Single_Type: unknown field `Single_Type`; did you mean `single_type`?"
        );
        assert!(
            error(with("[constraints]\nx = 1\n"))
                .starts_with("req.toml: constraints.x: unknown field `x`, expected one of")
        );
    }
}
