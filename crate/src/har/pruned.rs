//! An entry's JSON read into a value that keeps only the fields an analysis reads.
//!
//! A devtools entry is mostly what `analyze` never looks at: timings, cache, query strings,
//! request bodies, sizes, and response bodies of every type. Building a full `serde_json::Value`
//! of each (a map and a string per field) was most of the reading time. The fields listed here
//! are read into values exactly as before, so the lenient reader in `entry.rs` sees the same
//! thing and warns the same way; every other field is only checked for syntax and skipped.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

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

/// Reads one entry of `log.entries`, pruned.
pub(super) struct EntrySeed;

impl<'de> DeserializeSeed<'de> for EntrySeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(Pruned(ENTRY))
    }
}

/// An object with only `fields` kept; any other JSON value as it is.
struct Pruned(&'static [(&'static str, Keep)]);

impl<'de> DeserializeSeed<'de> for Pruned {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut kept = Map::new();
        while let Some(field) = map.next_key_seed(FieldSeed(self.0))? {
            let Some((name, keep)) = field else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let value = match keep {
                Keep::All => map.next_value::<Value>()?,
                Keep::Fields(fields) => map.next_value_seed(Pruned(fields))?,
            };
            // A repeated key: the last one counts, as in `serde_json::Value`.
            kept.insert(name.to_owned(), value);
        }
        Ok(Value::Object(kept))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn pruned(json: &str) -> Value {
        EntrySeed.deserialize(&mut serde_json::Deserializer::from_str(json)).unwrap()
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
        assert!(EntrySeed.deserialize(&mut serde_json::Deserializer::from_str(broken)).is_err());
    }
}
