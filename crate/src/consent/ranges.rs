//! Sets of ids (vendors, sections) kept as ranges, never expanded: a few bits of a string can
//! claim 65,535 ids, and what it costs must follow the input, not the claim.

use serde::Serialize;
use std::fmt;

/// A set of ids kept as inclusive ranges: ascending, disjoint and never adjacent, so two equal
/// sets are equal values whatever encoding the string used. Serialised as
/// `{"count": 4, "ranges": "3-5,9"}`: its size follows the input, not the ids claimed, and it is one
/// string for JavaScript to receive, not an array per range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdRanges {
    ranges: Vec<(u16, u16)>,
}

impl IdRanges {
    /// Sorts and merges inclusive `(start, end)` ranges (each with `start <= end`).
    pub fn from_ranges(mut ranges: Vec<(u16, u16)>) -> Self {
        ranges.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(start) <= u32::from(last.1) + 1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged.shrink_to_fit();
        IdRanges { ranges: merged }
    }

    /// Ranges already ascending, disjoint and not adjacent (a bit field's runs).
    pub(super) fn from_sorted(ranges: Vec<(u16, u16)>) -> Self {
        debug_assert!(ranges.windows(2).all(|w| u32::from(w[0].1) + 1 < u32::from(w[1].0)));
        IdRanges { ranges }
    }

    /// The ids from 1 to `max` that are not in the set (TCF v1 range sections list exceptions).
    pub fn complement(&self, max: u16) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = 1u32;
        for &(start, end) in &self.ranges {
            if u32::from(start) > next {
                out.push((next as u16, start - 1));
            }
            next = u32::from(end) + 1;
        }
        if next <= u32::from(max) {
            out.push((next as u16, max));
        }
        IdRanges { ranges: out }
    }

    /// How many ids the set holds (up to 65,535).
    pub fn count(&self) -> u32 {
        self.ranges.iter().map(|&(start, end)| u32::from(end - start) + 1).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn contains(&self, id: u16) -> bool {
        let after = self.ranges.partition_point(|&(start, _)| start <= id);
        after > 0 && self.ranges[after - 1].1 >= id
    }

    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }

    /// The ids one by one, ascending (for callers that want a few; the set can hold 65,535).
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.ranges.iter().flat_map(|&(start, end)| start..=end)
    }
}

impl Serialize for IdRanges {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("IdRanges", 2)?;
        out.serialize_field("count", &self.count())?;
        out.serialize_field("ranges", &self.to_string())?;
        out.end()
    }
}

/// `3-5,9`: the ranges, a lone id without its dash.
impl fmt::Display for IdRanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, &(start, end)) in self.ranges.iter().enumerate() {
            let comma = if index == 0 { "" } else { "," };
            if start == end {
                write!(f, "{comma}{start}")?;
            } else {
                write!(f, "{comma}{start}-{end}")?;
            }
        }
        Ok(())
    }
}
