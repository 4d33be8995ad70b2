//! Duplicate keys in JSON: `serde_json` keeps the last of a repeated key without a word, while
//! TOML and YAML refuse them. Every JSON reader of fleetopt (loaders, requests, plans, sweeps,
//! batch lines) runs [`find_duplicate_key`] first and refuses a repeated key with its JSON path,
//! line and column.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A key repeated inside one JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The JSON path of the repeated member (`InstanceTypes[1].VCpuInfo`).
    pub path: String,
    /// The key.
    pub key: String,
    /// Line of the second occurrence (1-based).
    pub line: usize,
    /// Column just after it.
    pub column: usize,
}

impl fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "duplicate key `{}` (a JSON object may name a key once; TOML and YAML refuse it too)",
            crate::escape::escape_controls(&self.key)
        )
    }
}

/// The first key repeated within one object of `text`, if any. Text that is not valid JSON
/// gives `None`: the caller's own parser reports it.
///
/// One pass over the text that allocates only each object's key set; the JSON path is built
/// only for the duplicate found (a path string per value made this pass as slow as parsing the
/// embedded catalogue itself).
pub fn find_duplicate_key(text: &str) -> Option<DuplicateKey> {
    let found = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = Walk {
        at: &Step::Root,
        found: &found,
    };
    match seed.deserialize(&mut deserializer) {
        Ok(()) => None,
        Err(error) => found.into_inner().map(|(path, key)| DuplicateKey {
            path,
            key,
            line: error.line(),
            column: error.column(),
        }),
    }
}

/// Where a value sits: a chain of steps from the document's root, kept on the stack.
enum Step<'a> {
    Root,
    Index(&'a Step<'a>, usize),
    Key(&'a Step<'a>, &'a str),
}

impl Step<'_> {
    /// The JSON path of the step (`InstanceTypes[1].VCpuInfo`; the root is empty).
    fn path(&self) -> String {
        match self {
            Step::Root => String::new(),
            Step::Index(parent, index) => format!("{}[{index}]", parent.path()),
            Step::Key(parent, key) => match parent.path() {
                path if path.is_empty() => (*key).to_owned(),
                path => format!("{path}.{key}"),
            },
        }
    }
}

struct Walk<'a> {
    at: &'a Step<'a>,
    found: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let at = Step::Index(self.at, index);
            let seed = Walk {
                at: &at,
                found: self.found,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let path = Step::Key(self.at, &key).path();
                *self.found.borrow_mut() = Some((path, key));
                return Err(de::Error::custom("duplicate key"));
            }
            let at = Step::Key(self.at, &key);
            map.next_value_seed(Walk {
                at: &at,
                found: self.found,
            })?;
            seen.insert(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_repeated_key_with_its_path_and_line() {
        let text = "{\"a\": [1, {\"b\": 1,\n \"c\": 2, \"b\": 3}], \"d\": 4}";
        let found = find_duplicate_key(text).unwrap();
        assert_eq!(found.path, "a[1].b");
        assert_eq!(found.key, "b");
        assert_eq!(found.line, 2);
        assert_eq!(
            found.to_string(),
            "duplicate key `b` (a JSON object may name a key once; TOML and YAML refuse it too)"
        );
        assert_eq!(
            find_duplicate_key("{\"a\": 1, \"a\": 1}").unwrap().path,
            "a"
        );
    }

    #[test]
    fn distinct_keys_and_invalid_json_find_nothing() {
        assert_eq!(
            find_duplicate_key("{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}]}"),
            None
        );
        assert_eq!(find_duplicate_key("{\"a\": "), None);
        assert_eq!(
            find_duplicate_key(
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
            ),
            None
        );
    }
}
