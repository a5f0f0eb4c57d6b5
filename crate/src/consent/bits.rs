//! Base64url text read as a bit sequence: the field reader every IAB format uses.

use super::ranges::IdRanges;
use super::ConsentError;

/// Base64url text as a bit sequence, most significant bit of each character first.
pub(super) struct Bits {
    bytes: Vec<u8>,
    pub(super) len: usize,
    pub(super) pos: usize,
}

impl Bits {
    /// Standard base64 characters (`+`, `/`) and trailing `=` padding are accepted too: some
    /// CMPs write them, and they are unambiguous.
    pub(super) fn from_base64url(text: &str) -> Result<Self, ConsentError> {
        let text = text.trim_end_matches('=');
        if text.is_empty() {
            return Err(ConsentError::Empty);
        }
        let mut bytes = Vec::with_capacity((text.len() * 6).div_ceil(8));
        let (mut pending, mut pending_bits) = (0u32, 0u32);
        for (position, byte) in text.bytes().enumerate() {
            let value = match byte {
                b'A'..=b'Z' => byte - b'A',
                b'a'..=b'z' => byte - b'a' + 26,
                b'0'..=b'9' => byte - b'0' + 52,
                b'-' | b'+' => 62,
                b'_' | b'/' => 63,
                _ => {
                    let character = text[position..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                    return Err(ConsentError::InvalidCharacter {
                        position: text[..position].chars().count(),
                        character,
                    });
                }
            };
            pending = pending << 6 | u32::from(value);
            pending_bits += 6;
            if pending_bits >= 8 {
                pending_bits -= 8;
                bytes.push((pending >> pending_bits) as u8);
            }
        }
        if pending_bits > 0 {
            bytes.push((pending << (8 - pending_bits)) as u8);
        }
        Ok(Bits { bytes, len: text.len() * 6, pos: 0 })
    }

    pub(super) fn bit(&mut self, field: &'static str) -> Result<bool, ConsentError> {
        if self.pos >= self.len {
            return Err(ConsentError::Truncated { field });
        }
        let bit = self.bytes[self.pos / 8] & (0x80 >> (self.pos % 8)) != 0;
        self.pos += 1;
        Ok(bit)
    }

    /// An unsigned integer of `width` bits (at most 64), read a byte at a time.
    pub(super) fn int(&mut self, width: u32, field: &'static str) -> Result<u64, ConsentError> {
        if self.len - self.pos < width as usize {
            return Err(ConsentError::Truncated { field });
        }
        let mut value = 0u64;
        let mut remaining = width;
        while remaining > 0 {
            let available = 8 - (self.pos % 8) as u32;
            let take = available.min(remaining);
            let chunk = u64::from(self.bytes[self.pos / 8] >> (available - take)) & ((1 << take) - 1);
            value = value << take | chunk;
            self.pos += take as usize;
            remaining -= take;
        }
        Ok(value)
    }

    /// The ids (1-based) of the set bits among the next `count` (at most 64: purposes, features).
    pub(super) fn flags(&mut self, count: usize, field: &'static str) -> Result<Vec<u16>, ConsentError> {
        let word = self.int(count as u32, field)?;
        Ok((1..=count).filter(|&id| word >> (count - id) & 1 == 1).map(|id| id as u16).collect())
    }

    /// The set bits among the next `count` as id ranges (1-based). Read 64 bits at a time, twice:
    /// runs are counted first (a popcount per word) so the list is allocated once at its exact
    /// size, at most one range per two bits of input.
    pub(super) fn flag_ranges(&mut self, count: usize, field: &'static str) -> Result<IdRanges, ConsentError> {
        if self.len - self.pos < count {
            return Err(ConsentError::Truncated { field });
        }
        // Words left-aligned: the first id of a word is its most significant bit. At most 1,024
        // words (65,535 bits): 16 kB, freed on return.
        let mut chunks = Vec::with_capacity(count.div_ceil(64));
        let mut left = count;
        while left > 0 {
            let width = left.min(64) as u32;
            left -= width as usize;
            chunks.push((self.int(width, field)? << (64 - width), width));
        }
        let mut runs = 0u32;
        let mut previous = false;
        for &(word, width) in &chunks {
            let starts = word & !(word >> 1 | u64::from(previous) << 63);
            runs += starts.count_ones();
            previous = word >> (64 - width) & 1 == 1;
        }
        let mut ranges = Vec::with_capacity(runs as usize);
        let mut open: Option<u16> = None;
        let mut id = 0u32;
        for (word, width) in chunks {
            match word {
                0 if open.is_none() => id += width,
                _ if width == 64 && word == u64::MAX && open.is_some() => id += 64,
                _ => {
                    for shift in (64 - width..64).rev() {
                        id += 1;
                        match (word >> shift & 1 == 1, open) {
                            (true, None) => open = Some(id as u16),
                            (false, Some(start)) => {
                                ranges.push((start, (id - 1) as u16));
                                open = None;
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        if let Some(start) = open {
            ranges.push((start, id as u16));
        }
        Ok(IdRanges::from_sorted(ranges))
    }

    /// Two letters of six bits each, `A` = 0 (language and country codes).
    pub(super) fn letters(&mut self, field: &'static str) -> Result<String, ConsentError> {
        let mut out = String::with_capacity(2);
        for _ in 0..2 {
            let value = self.int(6, field)?;
            if value > 25 {
                return Err(ConsentError::InvalidField { field, value });
            }
            out.push((b'A' + value as u8) as char);
        }
        Ok(out)
    }

    /// A Fibonacci-coded positive integer (GPP): bit `i` stands for the `i`-th Fibonacci number
    /// (1, 2, 3, 5, 8…) and two consecutive ones end the code.
    pub(super) fn fibonacci(&mut self, field: &'static str) -> Result<u64, ConsentError> {
        let (mut weight, mut next) = (1u64, 2u64);
        let mut value = 0u64;
        let mut last_was_one = false;
        // 32 bits already reach past any 16-bit id; a longer code is malformed.
        for _ in 0..32 {
            let bit = self.bit(field)?;
            if bit && last_was_one {
                return Ok(value);
            }
            if bit {
                value += weight;
            }
            last_was_one = bit;
            (weight, next) = (next, weight + next);
        }
        Err(ConsentError::InvalidField { field, value })
    }
}
