//! An entry's JSON read into a small value that keeps only the fields an analysis reads.
//!
//! A devtools entry is mostly what `analyze` never looks at: timings, cache, query strings,
//! request bodies, sizes, and response bodies of every type. The fields listed here are read
//! into a [`Raw`] value, which the lenient reader in `entry.rs` takes apart and warns about;
//! every other field is only checked for syntax and skipped. A `Raw` borrows its strings from
//! the input where they need no unescaping and keeps an object's fields as a list: building a
//! `serde_json::Value` (a map, a key and a string allocated per field) and dropping it again was
//! most of the reading time.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use std::borrow::Cow;
use std::fmt;

/// A JSON value as the reader keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Raw<'de> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'de, str>),
    List(Vec<Raw<'de>>),
    /// Fields in their order; of a repeated key the last counts (see [`Raw::get`]).
    Object(Vec<(Cow<'de, str>, Raw<'de>)>),
}

impl<'de> Raw<'de> {
    /// The field `key` of an object: the last one of that name, as in `serde_json::Value`.
    pub fn get(&self, key: &str) -> Option<&Raw<'de>> {
        match self {
            Raw::Object(fields) => fields.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    /// The value as text: strings as they are, numbers and booleans written out (recorders put
    /// numbers where HAR says strings), anything else none.
    pub fn text(&self) -> Option<String> {
        match self {
            Raw::Str(s) => Some(s.to_string()),
            Raw::Number(n) => Some(n.to_string()),
            Raw::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// What the value is, for warnings.
    pub fn kind(&self) -> &'static str {
        match self {
            Raw::Null => "null",
            Raw::Bool(_) => "a boolean",
            Raw::Number(_) => "a number",
            Raw::Str(_) => "a string",
            Raw::List(_) => "a list",
            Raw::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Raw::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Raw::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Raw::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Raw::Object(_))
    }
}

/// Reads one JSON value: an entry of `log.entries` pruned ([`RawSeed::ENTRY`]) or any value
/// whole ([`RawSeed::ALL`]).
#[derive(Clone, Copy)]
pub(super) struct RawSeed(Keep);

impl RawSeed {
    pub const ENTRY: RawSeed = RawSeed(Keep::Fields(ENTRY));
    pub const ALL: RawSeed = RawSeed(Keep::All);
}

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = Raw<'de>;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Raw<'de>, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RawSeed {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
        let mut kept = Vec::new();
        match self.0 {
            Keep::All => {
                while let Some(Text(name)) = map.next_key()? {
                    kept.push((name, map.next_value_seed(RawSeed::ALL)?));
                }
            }
            Keep::Fields(fields) => {
                while let Some(field) = map.next_key_seed(FieldSeed(fields))? {
                    let Some((name, keep)) = field else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    kept.push((Cow::Borrowed(name), map.next_value_seed(RawSeed(keep))?));
                }
            }
        }
        Ok(Raw::Object(kept))
    }

    /// A list is kept whole, whatever was asked of an object in its place (for the warning).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(RawSeed::ALL)? {
            items.push(item);
        }
        Ok(Raw::List(items))
    }

    fn visit_unit<E>(self) -> Result<Raw<'de>, E> {
        Ok(Raw::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw<'de>, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw<'de>, E> {
        Ok(Raw::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw<'de>, E> {
        Ok(Raw::Number(v.into()))
    }
    /// A float that JSON cannot hold (none parse as such) would be null, as in `serde_json::Value`.
    fn visit_f64<E>(self, v: f64) -> Result<Raw<'de>, E> {
        Ok(Number::from_f64(v).map_or(Raw::Null, Raw::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Borrowed(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Owned(v)))
    }
}

/// A key of an object kept whole: borrowed from the input when it can be.
struct Text<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        match RawSeed::ALL.deserialize(de)? {
            Raw::Str(text) => Ok(Text(text)),
            _ => Err(serde::de::Error::custom("a key that is not text")),
        }
    }
}

/// What to keep of a field's value.
#[derive(Clone, Copy)]
enum Keep {
    /// The whole value.
    All,
    /// If it is an object, only these fields (other shapes are kept whole, for the warning).
    Fields(&'static [(&'static str, Keep)]),
}

/// Every field `entry::read_entry` reads, and nothing else.
const ENTRY: &[(&str, Keep)] = &[
    ("pageref", Keep::All),
    ("startedDateTime", Keep::All),
    ("_resourceType", Keep::All),
    ("_request_type", Keep::All),
    ("request", Keep::Fields(REQUEST)),
    ("response", Keep::Fields(RESPONSE)),
];
const REQUEST: &[(&str, Keep)] =
    &[("url", Keep::All), ("method", Keep::All), ("headers", Keep::All), ("cookies", Keep::All)];
const RESPONSE: &[(&str, Keep)] = &[
    ("status", Keep::All),
    ("headers", Keep::All),
    ("cookies", Keep::All),
    ("redirectURL", Keep::All),
    ("_error", Keep::All),
    ("content", Keep::Fields(CONTENT)),
];
const CONTENT: &[(&str, Keep)] = &[("mimeType", Keep::All), ("encoding", Keep::All), ("text", Keep::All)];

/// A key of an object: which of `fields` it is, or `None` for one to skip (read without
/// allocating: most keys of an entry are skipped).
struct FieldSeed(&'static [(&'static str, Keep)]);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Option<(&'static str, Keep)>;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Option<(&'static str, Keep)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().find(|(name, _)| *name == key).copied())
    }
}

/// The bridge to `serde_json::Value`, for tests: to compare with `json!`, and to read a whole
/// parsed file the reference way.
#[cfg(test)]
impl Raw<'_> {
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Raw::Null => Value::Null,
            Raw::Bool(b) => Value::Bool(*b),
            Raw::Number(n) => Value::Number(n.clone()),
            Raw::Str(s) => Value::String(s.to_string()),
            Raw::List(items) => Value::Array(items.iter().map(Raw::to_value).collect()),
            Raw::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect()),
        }
    }

    pub fn of_value(value: &serde_json::Value) -> Raw<'_> {
        use serde_json::Value;
        match value {
            Value::Null => Raw::Null,
            Value::Bool(b) => Raw::Bool(*b),
            Value::Number(n) => Raw::Number(n.clone()),
            Value::String(s) => Raw::Str(Cow::Borrowed(s)),
            Value::Array(items) => Raw::List(items.iter().map(Raw::of_value).collect()),
            Value::Object(fields) => {
                Raw::Object(fields.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Raw::of_value(v))).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn pruned(json: &str) -> Value {
        RawSeed::ENTRY.deserialize(&mut serde_json::Deserializer::from_str(json)).unwrap().to_value()
    }

    #[test]
    fn only_the_fields_an_analysis_reads_are_kept_in_their_shape() {
        let entry = pruned(
            r#"{"pageref": "p1", "time": 12.5, "timings": {"wait": 1}, "cache": {},
                "request": {"url": "https://a.example/", "url": "https://b.example/", "queryString": [{"name": "q"}],
                            "headers": [{"name": "Referer", "value": "x"}], "postData": {"text": "..."}},
                "response": {"status": 200, "content": {"size": 3, "mimeType": "text/html", "text": "<p>"},
                             "cookies": null, "bodySize": 3},
                "_resourceType": 7}"#,
        );
        let expected = serde_json::json!({"pageref": "p1", "_resourceType": 7,
            "request": {"url": "https://b.example/", "headers": [{"name": "Referer", "value": "x"}]},
            "response": {"status": 200, "content": {"mimeType": "text/html", "text": "<p>"}, "cookies": null}});
        assert_eq!(entry, expected);
    }

    #[test]
    fn other_shapes_stay_whole_for_the_reader_to_warn_about() {
        assert_eq!(pruned(r#"["a", 1]"#), serde_json::json!(["a", 1]));
        assert_eq!(
            pruned(r#"{"request": "https://a.example/"}"#),
            serde_json::json!({"request": "https://a.example/"})
        );
        assert_eq!(pruned("null"), Value::Null);
        assert_eq!(pruned("-1.5"), serde_json::json!(-1.5));
    }

    #[test]
    fn skipped_fields_are_still_checked_for_syntax() {
        let broken = r#"{"timings": {"wait": }, "request": {"url": "https://a.example/"}}"#;
        assert!(RawSeed::ENTRY.deserialize(&mut serde_json::Deserializer::from_str(broken)).is_err());
    }
}
