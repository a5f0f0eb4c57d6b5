//! Fixed-width little-endian sections of an engine snapshot.
//!
//! The engine's large arrays (filters, index keys, filter ids) would each cost a varint per
//! field in postcard, decoded and pushed one value at a time: 5 ms for EasyList + EasyPrivacy.
//! Written instead as one byte string of fixed-width records, an array loads as a single pass
//! over contiguous bytes that the compiler turns into wide copies. Every record is still
//! checked as it is read (an enum byte out of range is a corrupt snapshot, never a panic).
//!
//! Used through `#[serde(with = "section")]` on a `Vec` of a [`Record`] type.

use serde::de::{Deserializer, Error, Visitor};
use serde::Serializer;
use std::fmt;
use std::marker::PhantomData;

/// A value stored as exactly `SIZE` bytes.
pub(super) trait Record: Sized {
    const SIZE: usize;
    fn write(&self, out: &mut Vec<u8>);
    /// `None` when the bytes are no valid record.
    fn read(bytes: &[u8]) -> Option<Self>;
}

impl Record for u32 {
    const SIZE: usize = 4;

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }

    fn read(bytes: &[u8]) -> Option<u32> {
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    }
}

impl Record for (u32, u32) {
    const SIZE: usize = 8;

    fn write(&self, out: &mut Vec<u8>) {
        self.0.write(out);
        self.1.write(out);
    }

    fn read(bytes: &[u8]) -> Option<(u32, u32)> {
        Some((u32::read(bytes.get(..4)?)?, u32::read(bytes.get(4..)?)?))
    }
}

pub(super) fn serialize<T: Record, S: Serializer>(records: &[T], serializer: S) -> Result<S::Ok, S::Error> {
    let mut bytes = Vec::with_capacity(records.len() * T::SIZE);
    for record in records {
        record.write(&mut bytes);
    }
    serializer.serialize_bytes(&bytes)
}

pub(super) fn deserialize<'de, T: Record, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    deserializer.deserialize_bytes(Records(PhantomData))
}

struct Records<T>(PhantomData<T>);

impl<T: Record> Visitor<'_> for Records<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a byte string of {}-byte records", T::SIZE)
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<T>, E> {
        if bytes.len() % T::SIZE != 0 {
            return Err(E::custom(format!(
                "a section of {} bytes is no whole number of {}-byte records",
                bytes.len(),
                T::SIZE
            )));
        }
        // Sized up front: collecting into a Result cannot know the length and grows by copying.
        let mut records = Vec::with_capacity(bytes.len() / T::SIZE);
        for (at, record) in bytes.chunks_exact(T::SIZE).enumerate() {
            records.push(T::read(record).ok_or_else(|| E::custom(format!("record {at} of a section is invalid")))?);
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sections {
        #[serde(with = "super")]
        ids: Vec<u32>,
        #[serde(with = "super")]
        ranges: Vec<(u32, u32)>,
    }

    #[test]
    fn records_round_trip_and_a_torn_section_is_refused() {
        let value = Sections { ids: vec![0, 7, u32::MAX], ranges: vec![(1, 2), (u32::MAX, 0)] };
        let bytes = postcard::to_allocvec(&value).unwrap();
        assert_eq!(postcard::from_bytes::<Sections>(&bytes).unwrap(), value);
        // The first section's length byte says 12; make it 11 and shift nothing: the section no
        // longer holds whole records, and the rest no longer lines up.
        let mut torn = bytes.clone();
        assert_eq!(torn[0], 12);
        torn[0] = 11;
        assert!(postcard::from_bytes::<Sections>(&torn).is_err());
    }
}
