//! Errors for everything that reads input: which file, where inside it, what was expected.
//!
//! A [`LoadError`] always names the file (or the label the caller gave for in-memory input),
//! a [`Location`] inside it, and a lowercase message saying what was expected and what was
//! found. Loaders never panic on bad input; they return one of these.

use std::fmt;

/// Where inside an input file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON path in the file's own key spelling, e.g. `InstanceTypes[12].VCpuInfo.DefaultVCpus`,
    /// with the line and column when the parser knows them.
    JsonPath {
        /// The path; `.` for the document root.
        path: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
    },
    /// A line and column (syntax errors, where no path exists yet).
    LineColumn {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A CSV record: its 1-based line and, when the problem is one field, the column name.
    CsvRecord {
        /// 1-based line in the file.
        line: u64,
        /// Header name of the offending field.
        column: Option<String>,
    },
    /// The file as a whole (unreadable, empty, wrong kind).
    File,
}

impl Location {
    /// A JSON path without line information.
    pub fn path(path: impl Into<String>) -> Location {
        Location::JsonPath {
            path: path.into(),
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::JsonPath { path, line, column } => {
                write!(f, "at {path}")?;
                if let (Some(line), Some(column)) = (line, column) {
                    write!(f, " (line {line}, column {column})")?;
                }
                Ok(())
            }
            Location::LineColumn { line, column } => write!(f, "at line {line}, column {column}"),
            Location::CsvRecord { line, column } => {
                write!(f, "at line {line}")?;
                if let Some(column) = column {
                    write!(f, ", column `{column}`")?;
                }
                Ok(())
            }
            Location::File => f.write_str("in the file"),
        }
    }
}

/// A problem with one input file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {location}: {message}")]
pub struct LoadError {
    /// The file's path as the user gave it (or a label for in-memory input).
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// What was expected and what was found.
    pub message: String,
}

impl LoadError {
    /// A new error.
    pub fn new(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        LoadError {
            file: file.into(),
            location,
            message: message.into(),
        }
    }

    /// An error about the file as a whole.
    pub fn whole_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError::new(file, Location::File, message)
    }

    /// An error at a JSON path.
    pub fn at_path(
        file: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        LoadError::new(file, Location::path(path), message)
    }

    /// Converts a `serde_path_to_error` failure into an error naming the path and line.
    pub fn from_json(file: &str, error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return LoadError::new(
                file,
                Location::LineColumn {
                    line: inner.line(),
                    column: inner.column(),
                },
                format!("not valid JSON: {}", strip_position(&inner)),
            );
        }
        LoadError::new(
            file,
            Location::JsonPath {
                path,
                line: Some(inner.line()),
                column: Some(inner.column()),
            },
            strip_position(&inner),
        )
    }
}

/// serde_json's message in user terms: without the " at line L column C" it appends (the
/// location already says it), Rust type names replaced by what they mean, and end-of-file
/// named as a cut-off file.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let mut text = match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    };
    for (rust, plain) in [
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
    ] {
        if text.ends_with(rust) {
            text.truncate(text.len() - rust.len());
            text.push_str(plain);
        }
    }
    if let Some(rest) = text.strip_prefix("EOF while parsing") {
        text = format!("the file ends early (cut off?) while parsing{rest}");
    }
    text
}

/// Reads a whole file as UTF-8 (opened once, within the input size limit of
/// [`crate::read`]), naming the file on failure.
pub fn read_to_string(path: &std::path::Path) -> Result<String, LoadError> {
    let label = path.display().to_string();
    crate::read::read_text(path).map_err(|e| LoadError::whole_file(&label, e.to_string()))
}

/// Parses JSON into `T`, reporting failures with the JSON path.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, LoadError> {
    if let Some(duplicate) = crate::json::find_duplicate_key(text) {
        return Err(LoadError::new(
            file,
            Location::JsonPath {
                path: duplicate.path.clone(),
                line: Some(duplicate.line),
                column: Some(duplicate.column),
            },
            duplicate.to_string(),
        ));
    }
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(deserializer)
        .map_err(|e| LoadError::from_json(file, e))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, non_snake_case)]
    struct Outer {
        InstanceTypes: Vec<Inner>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, non_snake_case)]
    struct Inner {
        VCpuInfo: VCpu,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, non_snake_case)]
    struct VCpu {
        DefaultVCpus: u32,
    }

    #[test]
    fn json_errors_name_the_path_and_line() {
        let text = "{\"InstanceTypes\": [{\"VCpuInfo\": {\"DefaultVCpus\": 2}},\n {\"VCpuInfo\": {\"DefaultVCpus\": \"two\"}}]}";
        let error = parse_json::<Outer>("types.json", text).unwrap_err();
        assert_eq!(
            error.to_string(),
            "types.json: at InstanceTypes[1].VCpuInfo.DefaultVCpus (line 2, column 36): \
             invalid type: string \"two\", expected a whole number"
        );
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = parse_json::<Outer>("types.json", "{\"InstanceTypes\": [\n,]}").unwrap_err();
        assert_eq!(
            error.to_string(),
            "types.json: at line 2, column 1: not valid JSON: expected value"
        );
    }
}
