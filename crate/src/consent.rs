//! Consent signals a page stores about the visitor: what the visitor agreed to, in the formats the
//! advertising industry reads.
//!
//! - IAB Europe TCF v2.x **TC strings** (the `euconsent-v2` cookie, `__tcfapi`): base64url bit
//!   fields, a core segment plus optional segments separated by `.`.
//! - IAB **US Privacy** strings (`usprivacy` cookie, CCPA): four characters such as `1YNN`.
//! - IAB **GPP** strings (`__gpp` cookie): a header listing section ids, then the sections,
//!   separated by `~`. The TCF EU v2 and US Privacy sections are decoded here; the others are
//!   named.
//!
//! The input comes from pages, so it is untrusted: every read is bounds-checked, malformed or
//! truncated input is a [`ConsentError`] saying what is wrong, and nothing panics. Memory is
//! bounded by the input, never by what it claims: vendor sets and publisher restrictions stay
//! ranges ([`IdRanges`]) from the decoder to the popup and the CLI, so a 33-bit entry claiming
//! vendors 1-65,535 costs 4 bytes, not 65,535 ids (issue 18: one 4 KB cookie used to cost 440 MB).
//!
//! Field layouts follow the public IAB Tech Lab specifications ("Transparency and Consent String
//! and Global Vendor List Format" v2.2, "CCPA Compliance Mechanism" US Privacy string v1, and
//! "Global Privacy Platform" v1 consent string specification).

use serde::Serialize;
use std::fmt;

/// Why a consent string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum ConsentError {
    /// The string (or one of its segments) is empty.
    Empty,
    /// A character outside the base64url alphabet.
    InvalidCharacter { position: usize, character: char },
    /// The data ends before the field it was reading.
    Truncated { field: &'static str },
    /// A TC string whose version is not 2 (version 1 strings use another layout).
    UnsupportedVersion { version: u8 },
    /// A segment type the TCF does not define.
    UnknownSegment { segment_type: u8 },
    /// A field whose value the specification does not allow.
    InvalidField { field: &'static str, value: u64 },
    /// A vendor id range that is empty, starts at 0 or goes past the declared maximum.
    InvalidRange { field: &'static str, start: u64, end: u64 },
    /// A US Privacy string that is not a version `1` followed by three of `Y`, `N` or `-`.
    InvalidUsPrivacy { reason: &'static str },
    /// A GPP string whose header does not match its sections.
    InvalidGpp { reason: &'static str },
}

impl fmt::Display for ConsentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsentError::Empty => f.write_str("the consent string is empty"),
            ConsentError::InvalidCharacter { position, character } => {
                write!(f, "character {character:?} at position {position} is not base64url")
            }
            ConsentError::Truncated { field } => write!(f, "the string ends before its {field} field"),
            ConsentError::UnsupportedVersion { version } => {
                write!(f, "TC string version {version} is not supported (only version 2)")
            }
            ConsentError::UnknownSegment { segment_type } => write!(f, "unknown TC string segment type {segment_type}"),
            ConsentError::InvalidField { field, value } => write!(f, "{field} has the invalid value {value}"),
            ConsentError::InvalidRange { field, start, end } => {
                write!(f, "{field} has the invalid vendor range {start}-{end}")
            }
            ConsentError::InvalidUsPrivacy { reason } => write!(f, "not a US Privacy string: {reason}"),
            ConsentError::InvalidGpp { reason } => write!(f, "not a GPP string: {reason}"),
        }
    }
}

impl std::error::Error for ConsentError {}

// ---------------------------------------------------------------------------------------------
// Bits

/// Base64url text as a bit sequence, most significant bit of each character first.
struct Bits {
    bytes: Vec<u8>,
    len: usize,
    pos: usize,
}

impl Bits {
    /// Standard base64 characters (`+`, `/`) and trailing `=` padding are accepted too: some
    /// CMPs write them, and they are unambiguous.
    fn from_base64url(text: &str) -> Result<Self, ConsentError> {
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

    fn bit(&mut self, field: &'static str) -> Result<bool, ConsentError> {
        if self.pos >= self.len {
            return Err(ConsentError::Truncated { field });
        }
        let bit = self.bytes[self.pos / 8] & (0x80 >> (self.pos % 8)) != 0;
        self.pos += 1;
        Ok(bit)
    }

    /// An unsigned integer of `width` bits (at most 64), read a byte at a time.
    fn int(&mut self, width: u32, field: &'static str) -> Result<u64, ConsentError> {
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
    fn flags(&mut self, count: usize, field: &'static str) -> Result<Vec<u16>, ConsentError> {
        let word = self.int(count as u32, field)?;
        Ok((1..=count).filter(|&id| word >> (count - id) & 1 == 1).map(|id| id as u16).collect())
    }

    /// The set bits among the next `count` as id ranges (1-based). Read 64 bits at a time, twice:
    /// runs are counted first (a popcount per word) so the list is allocated once at its exact
    /// size, at most one range per two bits of input.
    fn flag_ranges(&mut self, count: usize, field: &'static str) -> Result<IdRanges, ConsentError> {
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
        Ok(IdRanges { ranges })
    }

    /// Two letters of six bits each, `A` = 0 (language and country codes).
    fn letters(&mut self, field: &'static str) -> Result<String, ConsentError> {
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
    fn fibonacci(&mut self, field: &'static str) -> Result<u64, ConsentError> {
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

// ---------------------------------------------------------------------------------------------
// TCF

/// How a vendor set was written in the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorEncoding {
    BitField,
    Range,
}

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

/// A set of Global Vendor List ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorSet {
    /// The highest vendor id the section covers.
    pub max_vendor_id: u16,
    pub encoding: VendorEncoding,
    /// The vendor ids in the set.
    pub ids: IdRanges,
}

impl VendorSet {
    pub fn contains(&self, id: u16) -> bool {
        self.ids.contains(id)
    }
}

/// What a publisher restriction requires of the vendors it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionType {
    /// The purpose is not allowed for these vendors.
    NotAllowed,
    /// These vendors need consent for the purpose, even where they would claim legitimate interest.
    RequireConsent,
    /// These vendors must rely on legitimate interest for the purpose.
    RequireLegitimateInterest,
    /// Type 3, reserved by the specification.
    Undefined,
}

/// A publisher's restriction of one purpose for some vendors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublisherRestriction {
    pub purpose: u8,
    pub restriction: RestrictionType,
    pub vendors: IdRanges,
}

/// The publisher's own purposes (the optional Publisher TC segment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublisherTc {
    pub purposes_consent: Vec<u8>,
    pub purposes_legitimate_interest: Vec<u8>,
    pub custom_purposes_consent: Vec<u8>,
    pub custom_purposes_legitimate_interest: Vec<u8>,
}

/// A decoded TCF v2.x TC string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcString {
    pub version: u8,
    /// When the string was first created, ISO 8601 UTC. TCF v2.2 CMPs round it to the day.
    pub created: String,
    pub last_updated: String,
    /// The raw values: deciseconds since 1970-01-01 UTC.
    pub created_deciseconds: u64,
    pub last_updated_deciseconds: u64,
    pub cmp_id: u16,
    pub cmp_version: u16,
    pub consent_screen: u8,
    /// ISO 639-1 language of the consent screen, upper case (`EN`).
    pub consent_language: String,
    pub vendor_list_version: u16,
    pub tcf_policy_version: u8,
    pub is_service_specific: bool,
    pub use_non_standard_texts: bool,
    /// Special features opted in (1: precise geolocation, 2: active device scanning).
    pub special_feature_opt_ins: Vec<u8>,
    /// Purposes (1-24) consented to.
    pub purposes_consent: Vec<u8>,
    /// Purposes whose legitimate-interest basis was disclosed and not objected to.
    pub purposes_legitimate_interest: Vec<u8>,
    /// Purpose 1 was not disclosed because the publisher's country does not require it.
    pub purpose_one_treatment: bool,
    /// ISO 3166-1 alpha-2 country of the publisher (`AA` when unknown).
    pub publisher_country: String,
    pub vendor_consents: VendorSet,
    pub vendor_legitimate_interests: VendorSet,
    pub publisher_restrictions: Vec<PublisherRestriction>,
    /// Vendors the CMP disclosed to the visitor (optional segment 1).
    pub disclosed_vendors: Option<VendorSet>,
    /// Vendors the publisher allows (optional segment 2; out-of-band, deprecated in v2.2).
    pub allowed_vendors: Option<VendorSet>,
    pub publisher_tc: Option<PublisherTc>,
}

/// The purposes of TCF v2.2, by id, in plain words (the policy's names).
pub fn purpose_name(id: u8) -> Option<&'static str> {
    Some(match id {
        1 => "Store and/or access information on a device",
        2 => "Use limited data to select advertising",
        3 => "Create profiles for personalised advertising",
        4 => "Use profiles to select personalised advertising",
        5 => "Create profiles to personalise content",
        6 => "Use profiles to select personalised content",
        7 => "Measure advertising performance",
        8 => "Measure content performance",
        9 => "Understand audiences through statistics or combinations of data from different sources",
        10 => "Develop and improve services",
        11 => "Use limited data to select content",
        _ => return None,
    })
}

/// The special features of TCF v2.2, by id.
pub fn special_feature_name(id: u8) -> Option<&'static str> {
    match id {
        1 => Some("Use precise geolocation data"),
        2 => Some("Actively scan device characteristics for identification"),
        _ => None,
    }
}

/// Decodes a TCF v2.x TC string: the core segment and any optional segments after it.
pub fn decode_tc_string(text: &str) -> Result<TcString, ConsentError> {
    let mut segments = text.trim().split('.');
    let core = segments.next().unwrap_or_default();
    let mut tc = decode_core(core)?;
    for segment in segments {
        let mut bits = Bits::from_base64url(segment)?;
        match bits.int(3, "segment type")? as u8 {
            1 => tc.disclosed_vendors = Some(vendor_section(&mut bits, "disclosed vendors")?),
            2 => tc.allowed_vendors = Some(vendor_section(&mut bits, "allowed vendors")?),
            3 => tc.publisher_tc = Some(publisher_tc(&mut bits)?),
            segment_type => return Err(ConsentError::UnknownSegment { segment_type }),
        }
    }
    Ok(tc)
}

fn decode_core(core: &str) -> Result<TcString, ConsentError> {
    let mut bits = Bits::from_base64url(core)?;
    let version = bits.int(6, "version")? as u8;
    if version != 2 {
        return Err(ConsentError::UnsupportedVersion { version });
    }
    let created_deciseconds = bits.int(36, "created")?;
    let last_updated_deciseconds = bits.int(36, "last updated")?;
    let cmp_id = bits.int(12, "CMP id")? as u16;
    let cmp_version = bits.int(12, "CMP version")? as u16;
    let consent_screen = bits.int(6, "consent screen")? as u8;
    let consent_language = bits.letters("consent language")?;
    let vendor_list_version = bits.int(12, "vendor list version")? as u16;
    let tcf_policy_version = bits.int(6, "TCF policy version")? as u8;
    let is_service_specific = bits.bit("service-specific flag")?;
    let use_non_standard_texts = bits.bit("non-standard texts flag")?;
    let special_feature_opt_ins = narrow(bits.flags(12, "special feature opt-ins")?);
    let purposes_consent = narrow(bits.flags(24, "purposes consent")?);
    let purposes_legitimate_interest = narrow(bits.flags(24, "purposes legitimate interest")?);
    let purpose_one_treatment = bits.bit("purpose one treatment")?;
    let publisher_country = bits.letters("publisher country")?;
    let vendor_consents = vendor_section(&mut bits, "vendor consents")?;
    let vendor_legitimate_interests = vendor_section(&mut bits, "vendor legitimate interests")?;
    let publisher_restrictions = publisher_restrictions(&mut bits)?;
    Ok(TcString {
        version,
        created: iso_datetime(created_deciseconds / 10),
        last_updated: iso_datetime(last_updated_deciseconds / 10),
        created_deciseconds,
        last_updated_deciseconds,
        cmp_id,
        cmp_version,
        consent_screen,
        consent_language,
        vendor_list_version,
        tcf_policy_version,
        is_service_specific,
        use_non_standard_texts,
        special_feature_opt_ins,
        purposes_consent,
        purposes_legitimate_interest,
        purpose_one_treatment,
        publisher_country,
        vendor_consents,
        vendor_legitimate_interests,
        publisher_restrictions,
        disclosed_vendors: None,
        allowed_vendors: None,
        publisher_tc: None,
    })
}

fn narrow(ids: Vec<u16>) -> Vec<u8> {
    ids.into_iter().map(|id| id as u8).collect()
}

/// MaxVendorId, IsRangeEncoding, then a bit field or a list of ranges.
fn vendor_section(bits: &mut Bits, field: &'static str) -> Result<VendorSet, ConsentError> {
    let max_vendor_id = bits.int(16, field)? as u16;
    if !bits.bit(field)? {
        let ids = bits.flag_ranges(usize::from(max_vendor_id), field)?;
        return Ok(VendorSet { max_vendor_id, encoding: VendorEncoding::BitField, ids });
    }
    let ranges = range_entries(bits, field)?;
    if let Some(&(start, end)) = ranges.iter().find(|&&(_, end)| end > max_vendor_id) {
        return Err(ConsentError::InvalidRange { field, start: start.into(), end: end.into() });
    }
    Ok(VendorSet { max_vendor_id, encoding: VendorEncoding::Range, ids: IdRanges::from_ranges(ranges) })
}

/// NumEntries (12 bits), then per entry IsARange, StartOrOnlyVendorId and, for a range,
/// EndVendorId (16 bits each).
fn range_entries(bits: &mut Bits, field: &'static str) -> Result<Vec<(u16, u16)>, ConsentError> {
    let count = bits.int(12, field)?;
    // Each entry takes at least 17 bits: a count the rest of the string cannot hold is truncated,
    // and must not reserve memory first.
    if (bits.len - bits.pos) / 17 < count as usize {
        return Err(ConsentError::Truncated { field });
    }
    let mut ranges = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let is_range = bits.bit(field)?;
        let start = bits.int(16, field)?;
        let end = if is_range { bits.int(16, field)? } else { start };
        if start == 0 || end < start {
            return Err(ConsentError::InvalidRange { field, start, end });
        }
        ranges.push((start as u16, end as u16));
    }
    Ok(ranges)
}

fn publisher_restrictions(bits: &mut Bits) -> Result<Vec<PublisherRestriction>, ConsentError> {
    const FIELD: &str = "publisher restrictions";
    // Strings written before restrictions existed can end right after the vendor sections.
    if bits.pos == bits.len {
        return Ok(Vec::new());
    }
    let count = bits.int(12, FIELD)?;
    let mut restrictions = Vec::new();
    for _ in 0..count {
        let purpose = bits.int(6, FIELD)? as u8;
        let restriction = match bits.int(2, FIELD)? {
            0 => RestrictionType::NotAllowed,
            1 => RestrictionType::RequireConsent,
            2 => RestrictionType::RequireLegitimateInterest,
            _ => RestrictionType::Undefined,
        };
        let vendors = IdRanges::from_ranges(range_entries(bits, FIELD)?);
        restrictions.push(PublisherRestriction { purpose, restriction, vendors });
    }
    Ok(restrictions)
}

fn publisher_tc(bits: &mut Bits) -> Result<PublisherTc, ConsentError> {
    const FIELD: &str = "publisher TC";
    let purposes_consent = narrow(bits.flags(24, FIELD)?);
    let purposes_legitimate_interest = narrow(bits.flags(24, FIELD)?);
    let custom = bits.int(6, FIELD)? as usize;
    let custom_purposes_consent = narrow(bits.flags(custom, FIELD)?);
    let custom_purposes_legitimate_interest = narrow(bits.flags(custom, FIELD)?);
    Ok(PublisherTc {
        purposes_consent,
        purposes_legitimate_interest,
        custom_purposes_consent,
        custom_purposes_legitimate_interest,
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch (proleptic Gregorian calendar).
fn iso_datetime(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    // Days to civil date, after Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3_600, rest % 3_600 / 60, rest % 60)
}

impl TcString {
    /// One or two plain sentences the popup can show about what the visitor agreed to.
    pub fn summary(&self) -> String {
        let vendors = self.vendor_consents.ids.count() as usize;
        let uses = consented_uses(&self.purposes_consent);
        let mut text = if vendors == 0 || uses.is_empty() {
            "You did not consent to any vendor using your data.".to_owned()
        } else {
            format!("You allowed {} to {}.", plural(vendors, "vendor"), join_words(&uses))
        };
        let li_vendors = self.vendor_legitimate_interests.ids.count() as usize;
        let li_purposes: Vec<u8> = self.purposes_legitimate_interest.iter().copied().filter(|&p| p != 1).collect();
        if li_vendors > 0 && !li_purposes.is_empty() {
            text.push_str(&format!(
                " {} may still use it for {} without asking, claiming a legitimate interest, unless you object.",
                plural(li_vendors, "vendor"),
                plural(li_purposes.len(), "purpose")
            ));
        }
        if self.special_feature_opt_ins.contains(&1) {
            text.push_str(" You allowed the use of your precise location.");
        }
        if self.special_feature_opt_ins.contains(&2) {
            text.push_str(" You allowed scanning your device's characteristics to identify it.");
        }
        text
    }
}

/// What the consented purposes let vendors do, in the order a person would list them.
fn consented_uses(purposes: &[u8]) -> Vec<&'static str> {
    let has = |id: u8| purposes.contains(&id);
    let mut uses = Vec::new();
    if has(1) {
        uses.push("store and access information on your device");
    }
    if has(3) {
        uses.push("build an advertising profile");
    }
    if has(4) {
        uses.push("show you ads based on it");
    } else if has(2) {
        uses.push("choose ads with limited data");
    }
    if has(5) || has(6) {
        uses.push("personalise content");
    }
    if has(7) || has(8) || has(9) {
        uses.push("measure ads, content and audiences");
    }
    if has(10) {
        uses.push("develop their products");
    }
    uses
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

// ---------------------------------------------------------------------------------------------
// US Privacy

/// A decoded US Privacy (CCPA) string. `None` means `-`: not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UsPrivacy {
    pub version: u8,
    /// The visitor was given notice and the chance to opt out.
    pub notice_given: Option<bool>,
    /// The visitor opted out of the sale of personal information.
    pub opted_out_of_sale: Option<bool>,
    /// The publisher is a signatory of the IAB Limited Service Provider Agreement.
    pub lspa_covered: Option<bool>,
}

/// Decodes a US Privacy string such as `1YNN` (letters in either case).
pub fn decode_us_privacy(text: &str) -> Result<UsPrivacy, ConsentError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ConsentError::Empty);
    }
    let bytes = text.as_bytes();
    if bytes.len() != 4 {
        return Err(ConsentError::InvalidUsPrivacy { reason: "it must be 4 characters long" });
    }
    if bytes[0] != b'1' {
        return Err(ConsentError::InvalidUsPrivacy { reason: "only version 1 exists" });
    }
    let flag = |byte: u8| match byte.to_ascii_uppercase() {
        b'Y' => Ok(Some(true)),
        b'N' => Ok(Some(false)),
        b'-' => Ok(None),
        _ => Err(ConsentError::InvalidUsPrivacy { reason: "characters 2-4 must be Y, N or -" }),
    };
    Ok(UsPrivacy {
        version: 1,
        notice_given: flag(bytes[1])?,
        opted_out_of_sale: flag(bytes[2])?,
        lspa_covered: flag(bytes[3])?,
    })
}

impl UsPrivacy {
    pub fn summary(&self) -> String {
        match self.opted_out_of_sale {
            Some(true) => "You opted out of the sale of your personal information.".to_owned(),
            Some(false) if self.notice_given == Some(true) => {
                "You were told about the sale of your personal information and did not opt out.".to_owned()
            }
            Some(false) => "You have not opted out of the sale of your personal information.".to_owned(),
            None => "US privacy law (CCPA) does not apply to this visit, according to the site.".to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// GPP

/// The name of a GPP section id, as in the GPP section registry.
pub fn gpp_section_name(id: u16) -> Option<&'static str> {
    Some(match id {
        1 => "tcfeuv1",
        2 => "tcfeuv2",
        3 => "header",
        4 => "signal_integrity",
        5 => "tcfcav1",
        6 => "uspv1",
        7 => "usnat",
        8 => "usca",
        9 => "usva",
        10 => "usco",
        11 => "usut",
        12 => "usct",
        13 => "usfl",
        14 => "usmt",
        15 => "usor",
        16 => "ustx",
        17 => "usde",
        18 => "usia",
        19 => "usne",
        20 => "usnh",
        21 => "usnj",
        22 => "ustn",
        23 => "usmn",
        24 => "usmd",
        25 => "usin",
        26 => "usky",
        27 => "usri",
        _ => return None,
    })
}

/// One section of a GPP string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GppSection {
    pub id: u16,
    /// The registry name (`tcfeuv2`, `uspv1`, `usnat`…), if the id is registered.
    pub name: Option<&'static str>,
    /// The decoded section, for the formats decoded here.
    pub tcf: Option<TcString>,
    pub us_privacy: Option<UsPrivacy>,
    /// Why a section of a decoded format could not be decoded; the rest of the string still is.
    pub error: Option<String>,
}

/// A decoded GPP string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GppString {
    pub version: u8,
    /// The section ids the header lists, ascending.
    pub section_ids: Vec<u16>,
    pub sections: Vec<GppSection>,
}

/// Decodes a GPP string: the header's section ids, and each section it announces.
pub fn decode_gpp(text: &str) -> Result<GppString, ConsentError> {
    let mut parts = text.trim().split('~');
    let header = parts.next().unwrap_or_default();
    let mut bits = Bits::from_base64url(header)?;
    let kind = bits.int(6, "GPP header type")?;
    if kind != 3 {
        return Err(ConsentError::InvalidField { field: "GPP header type", value: kind });
    }
    let version = bits.int(6, "GPP version")? as u8;
    let section_ranges = fibonacci_ranges(&mut bits, "GPP section ids")?;
    let bodies: Vec<&str> = parts.collect();
    // Compared before the ids are listed: only as many ids as the string has sections.
    if bodies.len() as u64 != u64::from(section_ranges.count()) {
        return Err(ConsentError::InvalidGpp {
            reason: "the header lists a different number of sections than follow it",
        });
    }
    let section_ids: Vec<u16> = section_ranges.iter().collect();
    let sections = section_ids
        .iter()
        .zip(bodies)
        .map(|(&id, body)| {
            let mut section = GppSection { id, name: gpp_section_name(id), tcf: None, us_privacy: None, error: None };
            let decoded = match id {
                2 => decode_tc_string(body).map(|tc| section.tcf = Some(tc)),
                6 => decode_us_privacy(body).map(|usp| section.us_privacy = Some(usp)),
                _ => Ok(()),
            };
            section.error = decoded.err().map(|e| e.to_string());
            section
        })
        .collect();
    Ok(GppString { version, section_ids, sections })
}

/// NumEntries (12 bits), then per entry IsARange and Fibonacci-coded offsets: a single id is an
/// offset from the previous id; a range is a start offset and the distance to its end. Kept as
/// ranges: a few bits can claim all 65,535 ids.
fn fibonacci_ranges(bits: &mut Bits, field: &'static str) -> Result<IdRanges, ConsentError> {
    let count = bits.int(12, field)?;
    let mut ranges = Vec::new();
    let mut last = 0u64;
    for _ in 0..count {
        let is_range = bits.bit(field)?;
        let start = last + bits.fibonacci(field)?;
        let end = if is_range { start + bits.fibonacci(field)? } else { start };
        if end > u64::from(u16::MAX) {
            return Err(ConsentError::InvalidRange { field, start, end });
        }
        ranges.push((start as u16, end as u16));
        last = end;
    }
    Ok(IdRanges::from_ranges(ranges))
}

impl GppString {
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for section in &self.sections {
            if let Some(tc) = &section.tcf {
                parts.push(tc.summary());
            } else if let Some(usp) = &section.us_privacy {
                parts.push(usp.summary());
            }
        }
        let others: Vec<&str> = self
            .sections
            .iter()
            .filter(|s| s.tcf.is_none() && s.us_privacy.is_none())
            .map(|s| s.name.unwrap_or("unregistered"))
            .collect();
        if !others.is_empty() {
            parts.push(format!("The site also stored your choices for: {}.", others.join(", ")));
        }
        if parts.is_empty() {
            return "The site stored an empty consent record.".to_owned();
        }
        parts.join(" ")
    }
}

// ---------------------------------------------------------------------------------------------
// Any of them

/// A consent string of any supported format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "format")]
pub enum ConsentSignal {
    Tcf(Box<TcString>),
    UsPrivacy(UsPrivacy),
    Gpp(GppString),
}

impl ConsentSignal {
    pub fn summary(&self) -> String {
        match self {
            ConsentSignal::Tcf(tc) => tc.summary(),
            ConsentSignal::UsPrivacy(usp) => usp.summary(),
            ConsentSignal::Gpp(gpp) => gpp.summary(),
        }
    }
}

/// Decodes a consent string whose format is told by its shape: four characters starting with
/// `1` are US Privacy, a `~` or a GPP header's first character (`D`, header type 3) makes GPP,
/// and anything else is tried as a TC string (whose first character is `C` for version 2).
pub fn decode_consent(text: &str) -> Result<ConsentSignal, ConsentError> {
    let text = text.trim();
    if text.len() == 4 && text.starts_with('1') {
        return decode_us_privacy(text).map(ConsentSignal::UsPrivacy);
    }
    if text.contains('~') || text.starts_with('D') {
        return decode_gpp(text).map(ConsentSignal::Gpp);
    }
    decode_tc_string(text).map(|tc| ConsentSignal::Tcf(Box::new(tc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo site's OneTrust-style banner after "Accept all" and after "Reject all".
    const ACCEPT_ALL: &str = "CQIpoVAQIpoVAAKABBENCWFgAP_gAH_gAAYgGMgAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAIGMgAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAIAA";
    const REJECT_ALL: &str = "CQIpoVAQIpoVAAKABBENCWFgAAAAAAAAAAYgAAAAAAAA";

    /// Writes fields MSB first and encodes them as base64url, to build test strings from the
    /// specification's field tables.
    #[derive(Default)]
    struct BitWriter {
        bits: Vec<bool>,
    }

    impl BitWriter {
        fn int(&mut self, value: u64, width: u32) -> &mut Self {
            for shift in (0..width).rev() {
                self.bits.push(value >> shift & 1 == 1);
            }
            self
        }
        fn bit(&mut self, value: bool) -> &mut Self {
            self.bits.push(value);
            self
        }
        fn flags(&mut self, set: &[u16], count: u16) -> &mut Self {
            for id in 1..=count {
                self.bits.push(set.contains(&id));
            }
            self
        }
        fn letters(&mut self, code: &str) -> &mut Self {
            for b in code.bytes() {
                self.int(u64::from(b - b'A'), 6);
            }
            self
        }
        /// Fibonacci code: bits for F(1)=1, F(2)=2, F(3)=3, … then a closing 1.
        fn fibonacci(&mut self, mut value: u64) -> &mut Self {
            let mut fibs = vec![1u64, 2];
            while *fibs.last().unwrap() <= value {
                let n = fibs[fibs.len() - 1] + fibs[fibs.len() - 2];
                fibs.push(n);
            }
            let mut code = vec![false; fibs.len()];
            for i in (0..fibs.len()).rev() {
                if fibs[i] <= value {
                    code[i] = true;
                    value -= fibs[i];
                }
            }
            while code.last() == Some(&false) {
                code.pop();
            }
            self.bits.extend(code);
            self.bits.push(true);
            self
        }
        fn finish(&self) -> String {
            const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            self.bits
                .chunks(6)
                .map(|chunk| {
                    let value = (0..6).fold(0, |acc, i| acc << 1 | usize::from(chunk.get(i).copied().unwrap_or(false)));
                    ALPHABET[value] as char
                })
                .collect()
        }
    }

    /// A core segment with the given vendor sections already written by `vendors`.
    fn core(purposes: &[u16], vendors: impl FnOnce(&mut BitWriter)) -> String {
        let mut w = BitWriter::default();
        // 2023-11-15T00:00:00Z is 1,700,006,400 s.
        w.int(2, 6).int(17_000_064_000, 36).int(17_000_928_000, 36);
        w.int(28, 12).int(3, 12).int(1, 6).letters("FR").int(150, 12).int(5, 6);
        w.bit(false).bit(false).flags(&[1], 12).flags(purposes, 24).flags(&[2, 7], 24).bit(false).letters("DE");
        vendors(&mut w);
        w.finish()
    }

    #[test]
    fn the_demo_accept_all_string_decodes() {
        let tc = decode_tc_string(ACCEPT_ALL).expect("decodes");
        assert_eq!(tc.version, 2);
        assert_eq!(tc.cmp_id, 10);
        assert_eq!(tc.vendor_list_version, 150);
        assert_eq!(tc.tcf_policy_version, 5);
        assert_eq!(tc.purposes_consent, (1..=11).collect::<Vec<u8>>());
        assert_eq!(tc.vendor_consents.ids.iter().collect::<Vec<_>>(), [91, 755, 793]);
        assert_eq!(tc.vendor_consents.encoding, VendorEncoding::BitField);
        assert!(tc.created.starts_with("20"), "{}", tc.created);
        assert_eq!(tc.consent_language.len(), 2);
        let summary = tc.summary();
        assert!(
            summary.starts_with("You allowed 3 vendors to store and access information on your device"),
            "{summary}"
        );
        assert!(summary.contains("build an advertising profile"), "{summary}");
        assert_eq!(decode_consent(ACCEPT_ALL).unwrap(), ConsentSignal::Tcf(Box::new(tc)));
    }

    #[test]
    fn the_demo_reject_all_string_decodes_to_nothing() {
        let tc = decode_tc_string(REJECT_ALL).expect("decodes");
        assert_eq!((tc.version, tc.cmp_id, tc.vendor_list_version, tc.tcf_policy_version), (2, 10, 150, 5));
        assert!(tc.purposes_consent.is_empty());
        assert!(tc.purposes_legitimate_interest.is_empty());
        assert!(tc.vendor_consents.ids.is_empty());
        assert!(tc.vendor_legitimate_interests.ids.is_empty());
        assert!(tc.special_feature_opt_ins.is_empty());
        assert_eq!(tc.summary(), "You did not consent to any vendor using your data.");
    }

    #[test]
    fn every_core_field_is_read_from_its_place() {
        let text = core(&[1, 3, 4], |w| {
            w.int(6, 16).bit(false).flags(&[2, 6], 6); // consents: bit field
            w.int(0, 16).bit(false); // no legitimate interests
            w.int(0, 12); // no restrictions
        });
        let tc = decode_tc_string(&text).unwrap();
        assert_eq!(tc.created, "2023-11-15T00:00:00Z");
        assert_eq!(tc.last_updated, "2023-11-16T00:00:00Z");
        assert_eq!(tc.created_deciseconds, 17_000_064_000);
        assert_eq!((tc.cmp_id, tc.cmp_version, tc.consent_screen), (28, 3, 1));
        assert_eq!(tc.consent_language, "FR");
        assert_eq!((tc.vendor_list_version, tc.tcf_policy_version), (150, 5));
        assert!(!tc.is_service_specific && !tc.use_non_standard_texts && !tc.purpose_one_treatment);
        assert_eq!(tc.special_feature_opt_ins, [1]);
        assert_eq!(tc.purposes_consent, [1, 3, 4]);
        assert_eq!(tc.purposes_legitimate_interest, [2, 7]);
        assert_eq!(tc.publisher_country, "DE");
        assert_eq!(
            tc.vendor_consents,
            VendorSet {
                max_vendor_id: 6,
                encoding: VendorEncoding::BitField,
                ids: IdRanges::from_ranges(vec![(2, 2), (6, 6)])
            }
        );
        assert!(tc.vendor_legitimate_interests.ids.is_empty());
        assert!(tc.publisher_restrictions.is_empty());
        assert_eq!(
            tc.summary(),
            "You allowed 2 vendors to store and access information on your device, build an advertising profile \
             and show you ads based on it. You allowed the use of your precise location."
        );
    }

    #[test]
    fn range_encoding_and_publisher_restrictions() {
        let text = core(&[1], |w| {
            // Consents as ranges: 3-5 and 9, overlapping 4-5 again.
            w.int(9, 16).bit(true).int(3, 12);
            w.bit(true).int(3, 16).int(5, 16).bit(false).int(9, 16).bit(true).int(4, 16).int(5, 16);
            // Legitimate interests as a bit field.
            w.int(3, 16).bit(false).flags(&[1, 3], 3);
            // Two restrictions: purpose 2 not allowed for 7-8, purpose 7 requires consent for 1.
            w.int(2, 12);
            w.int(2, 6).int(0, 2).int(1, 12).bit(true).int(7, 16).int(8, 16);
            w.int(7, 6).int(1, 2).int(1, 12).bit(false).int(1, 16);
        });
        let tc = decode_tc_string(&text).unwrap();
        assert_eq!(tc.vendor_consents.encoding, VendorEncoding::Range);
        assert_eq!(tc.vendor_consents.ids.ranges(), [(3, 5), (9, 9)]);
        assert!(tc.vendor_consents.contains(9) && !tc.vendor_consents.contains(6));
        assert_eq!(tc.vendor_legitimate_interests.ids.ranges(), [(1, 1), (3, 3)]);
        assert_eq!(
            tc.publisher_restrictions,
            [
                PublisherRestriction {
                    purpose: 2,
                    restriction: RestrictionType::NotAllowed,
                    vendors: IdRanges::from_ranges(vec![(7, 8)])
                },
                PublisherRestriction {
                    purpose: 7,
                    restriction: RestrictionType::RequireConsent,
                    vendors: IdRanges::from_ranges(vec![(1, 1)])
                },
            ]
        );
        assert!(tc.summary().contains("2 vendors may still use it for 2 purposes without asking"), "{}", tc.summary());
    }

    #[test]
    fn optional_segments_are_decoded() {
        let text = core(&[1], |w| {
            w.int(0, 16).bit(false).int(0, 16).bit(false).int(0, 12);
        });
        let disclosed = BitWriter::default().int(1, 3).int(4, 16).bit(false).flags(&[1, 4], 4).finish();
        let allowed = BitWriter::default().int(2, 3).int(2, 16).bit(true).int(1, 12).bit(false).int(2, 16).finish();
        let publisher = BitWriter::default()
            .int(3, 3)
            .flags(&[1, 10], 24)
            .flags(&[8], 24)
            .int(2, 6)
            .flags(&[2], 2)
            .flags(&[1], 2)
            .finish();
        let tc = decode_tc_string(&format!("{text}.{disclosed}.{allowed}.{publisher}")).unwrap();
        assert_eq!(tc.disclosed_vendors.unwrap().ids.ranges(), [(1, 1), (4, 4)]);
        assert_eq!(tc.allowed_vendors.unwrap().ids.ranges(), [(2, 2)]);
        assert_eq!(
            tc.publisher_tc,
            Some(PublisherTc {
                purposes_consent: vec![1, 10],
                purposes_legitimate_interest: vec![8],
                custom_purposes_consent: vec![2],
                custom_purposes_legitimate_interest: vec![1],
            })
        );
        let unknown = BitWriter::default().int(5, 3).int(0, 16).finish();
        assert_eq!(
            decode_tc_string(&format!("{text}.{unknown}")),
            Err(ConsentError::UnknownSegment { segment_type: 5 })
        );
        assert_eq!(decode_tc_string(&format!("{text}.")), Err(ConsentError::Empty));
    }

    #[test]
    fn malformed_strings_are_clear_errors() {
        assert_eq!(decode_tc_string(""), Err(ConsentError::Empty));
        assert_eq!(decode_tc_string("CQIp*VAQ"), Err(ConsentError::InvalidCharacter { position: 4, character: '*' }));
        assert_eq!(decode_tc_string("CQIpoVAQ"), Err(ConsentError::Truncated { field: "last updated" }));
        // Version 1 (`B…`) has another layout.
        assert_eq!(
            decode_tc_string("BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA"),
            Err(ConsentError::UnsupportedVersion { version: 1 })
        );
        // A range past the declared maximum, and a range that ends before it starts.
        let past_max = core(&[], |w| {
            w.int(5, 16).bit(true).int(1, 12).bit(true).int(2, 16).int(6, 16);
        });
        assert_eq!(
            decode_tc_string(&past_max),
            Err(ConsentError::InvalidRange { field: "vendor consents", start: 2, end: 6 })
        );
        let backwards = core(&[], |w| {
            w.int(9, 16).bit(true).int(1, 12).bit(true).int(8, 16).int(3, 16);
        });
        assert_eq!(
            decode_tc_string(&backwards),
            Err(ConsentError::InvalidRange { field: "vendor consents", start: 8, end: 3 })
        );
        let message = decode_tc_string("CQIpoVAQ").unwrap_err().to_string();
        assert_eq!(message, "the string ends before its last updated field");
    }

    #[test]
    fn huge_claimed_ranges_stay_bounded() {
        // 4,095 ranges each claiming all 65,535 vendors: 20 kB of input, one 65,535-id answer.
        let text = core(&[1], |w| {
            w.int(65_535, 16).bit(true).int(4_095, 12);
            for _ in 0..4_095 {
                w.bit(true).int(1, 16).int(65_535, 16);
            }
            w.int(0, 16).bit(false).int(0, 12);
        });
        let tc = decode_tc_string(&text).unwrap();
        assert_eq!(tc.vendor_consents.ids.count(), 65_535);
        assert_eq!(tc.vendor_consents.ids.ranges(), [(1, 65_535)]);
    }

    #[test]
    fn restrictions_stay_ranges_and_serialise_small() {
        // 100 restrictions each claiming every vendor: a few hundred bytes of JSON, not 6.5 M ids.
        let text = core(&[1], |w| {
            w.int(0, 16).bit(false).int(0, 16).bit(false).int(100, 12);
            for purpose in 0..100 {
                w.int(purpose % 11 + 1, 6).int(0, 2).int(1, 12).bit(true).int(1, 16).int(65_535, 16);
            }
        });
        let tc = decode_tc_string(&text).unwrap();
        assert_eq!(tc.publisher_restrictions.len(), 100);
        assert!(tc.publisher_restrictions.iter().all(|r| r.vendors.count() == 65_535));
        let json = serde_json::to_string(&tc).unwrap();
        assert!(json.len() < 16_000, "{} bytes", json.len());
        assert!(json.contains(r#""vendors":{"count":65535,"ranges":"1-65535"}"#), "{json}");
    }

    #[test]
    fn a_bit_field_becomes_merged_ranges() {
        let text = core(&[1], |w| {
            w.int(10, 16).bit(false).flags(&[1, 2, 3, 5, 9, 10], 10);
            w.int(0, 16).bit(false).int(0, 12);
        });
        let ids = decode_tc_string(&text).unwrap().vendor_consents.ids;
        assert_eq!(ids.ranges(), [(1, 3), (5, 5), (9, 10)]);
        assert_eq!(ids.count(), 6);
        assert_eq!(ids.to_string(), "1-3,5,9-10");
        assert!(ids.contains(10) && ids.contains(5) && !ids.contains(4) && !ids.contains(11) && !ids.contains(0));
        assert_eq!(IdRanges::from_ranges(vec![(4, 6), (1, 3), (2, 2), (8, 9)]).ranges(), [(1, 6), (8, 9)]);
    }

    #[test]
    fn every_truncation_of_the_demo_strings_is_an_error_or_a_value_never_a_panic() {
        for text in [ACCEPT_ALL, REJECT_ALL] {
            for end in 0..text.len() {
                let _ = decode_tc_string(&text[..end]);
                let _ = decode_consent(&text[..end]);
            }
        }
        // Cut inside the vendor bit field: an error naming it.
        assert_eq!(decode_tc_string(&ACCEPT_ALL[..40]), Err(ConsentError::Truncated { field: "vendor consents" }));
    }

    #[test]
    fn us_privacy_strings() {
        let usp = decode_us_privacy("1YNN").unwrap();
        assert_eq!(
            usp,
            UsPrivacy {
                version: 1,
                notice_given: Some(true),
                opted_out_of_sale: Some(false),
                lspa_covered: Some(false)
            }
        );
        assert!(usp.summary().contains("did not opt out"));
        assert_eq!(decode_us_privacy("1yyn").unwrap().opted_out_of_sale, Some(true));
        assert_eq!(decode_us_privacy("1---").unwrap().opted_out_of_sale, None);
        assert!(decode_us_privacy("1YYY").unwrap().summary().starts_with("You opted out"));
        assert_eq!(decode_us_privacy(""), Err(ConsentError::Empty));
        for bad in ["1YN", "2YNN", "1YXN", "1YNNN", "1ÿN"] {
            assert!(matches!(decode_us_privacy(bad), Err(ConsentError::InvalidUsPrivacy { .. })), "{bad}");
        }
        assert_eq!(decode_consent("1YYN").unwrap(), ConsentSignal::UsPrivacy(decode_us_privacy("1YYN").unwrap()));
    }

    #[test]
    fn gpp_header_section_ids() {
        // The specification's example header `DBACNY` lists sections 2 and 6.
        let gpp = decode_gpp(&format!("DBACNY~{REJECT_ALL}~1YNN")).unwrap();
        assert_eq!(gpp.version, 1);
        assert_eq!(gpp.section_ids, [2, 6]);
        assert_eq!(gpp.sections[0].name, Some("tcfeuv2"));
        assert_eq!(gpp.sections[0].tcf.as_ref().unwrap().cmp_id, 10);
        assert_eq!(gpp.sections[1].us_privacy.unwrap().notice_given, Some(true));
        assert!(gpp.summary().contains("did not opt out"), "{}", gpp.summary());

        // Written by hand: ids 2, 3-6 (a range) and 8 → single 2, range +1..+3, single +2.
        let header = BitWriter::default()
            .int(3, 6)
            .int(1, 6)
            .int(3, 12)
            .bit(false)
            .fibonacci(2)
            .bit(true)
            .fibonacci(1)
            .fibonacci(3)
            .bit(false)
            .fibonacci(2)
            .finish();
        let gpp = decode_gpp(&format!("{header}~{ACCEPT_ALL}~x~y~z~w~BAAAAAAA")).unwrap();
        assert_eq!(gpp.section_ids, [2, 3, 4, 5, 6, 8]);
        assert!(gpp.sections[4].error.as_deref().unwrap().contains("US Privacy"));
        assert_eq!(gpp.sections[5].name, Some("usca"));
        assert!(matches!(decode_consent(&format!("{header}~a")), Err(ConsentError::InvalidGpp { .. })));
        assert_eq!(decode_gpp("DBAB"), Err(ConsentError::Truncated { field: "GPP section ids" }));
        assert_eq!(decode_gpp("CQIp"), Err(ConsentError::InvalidField { field: "GPP header type", value: 2 }));
    }

    #[test]
    fn fibonacci_codes_from_the_specification_examples() {
        // Range (Fibonacci) examples: {2} → 000000000001 0 011 and {2,3,4,5,6} → … 1 011 1011.
        for (bits, ids) in [("0000000000010011", vec![2u16]), ("00000000000110111011", vec![2, 3, 4, 5, 6])] {
            let mut w = BitWriter::default();
            for c in bits.chars() {
                w.bit(c == '1');
            }
            let mut reader = Bits::from_base64url(&w.finish()).unwrap();
            assert_eq!(fibonacci_ranges(&mut reader, "test").unwrap().iter().collect::<Vec<_>>(), ids);
        }
    }

    #[test]
    fn dates_are_iso_8601_utc() {
        assert_eq!(iso_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_datetime(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_datetime(1_700_006_400 + 3_661), "2023-11-15T01:01:01Z");
        assert_eq!(iso_datetime((1u64 << 36) / 10), "2187-10-06T10:21:13Z");
    }
}
