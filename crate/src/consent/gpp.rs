//! IAB GPP strings ("Global Privacy Platform" v1): a header listing section ids, then the
//! sections, separated by `~`. The TCF EU v2 and US Privacy sections are decoded; the others are
//! named.

use super::bits::Bits;
use super::ranges::IdRanges;
use super::tcf::{decode_tc_string, TcString};
use super::tcf_v1::{decode_tc_string_v1, TcStringV1};
use super::usp::{decode_us_privacy, UsPrivacy};
use super::ConsentError;
use serde::Serialize;

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
    /// Section 1, the obsolete TCF EU v1.
    pub tcf_v1: Option<TcStringV1>,
    pub us_privacy: Option<UsPrivacy>,
    /// Why a section of a decoded format could not be decoded; the rest of the string still is.
    pub error: Option<String>,
}

/// A decoded GPP string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GppString {
    pub version: u8,
    /// The section ids the header lists (ranges: a few header bits can claim every id).
    pub section_ids: IdRanges,
    /// The string is a header alone (`DBAA`, `DBABM`): CMPs write one before the visitor chose,
    /// or to say which sections apply. No section is decoded then.
    pub header_only: bool,
    pub sections: Vec<GppSection>,
}

/// Decodes a GPP string: the header's section ids, and each section it announces.
pub fn decode_gpp(text: &str) -> Result<GppString, ConsentError> {
    let (header, body) = match text.trim().split_once('~') {
        Some((header, body)) => (header, Some(body)),
        None => (text.trim(), None),
    };
    let mut bits = Bits::from_base64url(header)?;
    let kind = bits.int(6, "GPP header type")?;
    if kind != 3 {
        return Err(ConsentError::InvalidField { field: "GPP header type", value: kind });
    }
    let version = bits.int(6, "GPP version")? as u8;
    let section_ids = fibonacci_ranges(&mut bits, "GPP section ids")?;
    let Some(bodies) = body else {
        return Ok(GppString { version, section_ids, header_only: true, sections: Vec::new() });
    };
    // Compared before any section is read: work follows the sections the string has.
    if bodies.split('~').count() as u64 != u64::from(section_ids.count()) {
        return Err(ConsentError::InvalidGpp {
            reason: "the header lists a different number of sections than follow it",
        });
    }
    let sections = section_ids
        .iter()
        .zip(bodies.split('~'))
        .map(|(id, body)| {
            let mut section =
                GppSection { id, name: gpp_section_name(id), tcf: None, tcf_v1: None, us_privacy: None, error: None };
            let decoded = match id {
                1 => decode_tc_string_v1(body).map(|tc| section.tcf_v1 = Some(tc)),
                2 => decode_tc_string(body).map(|tc| section.tcf = Some(tc)),
                6 => decode_us_privacy(body).map(|usp| section.us_privacy = Some(usp)),
                _ => Ok(()),
            };
            section.error = decoded.err().map(|e| e.to_string());
            section
        })
        .collect();
    Ok(GppString { version, section_ids, header_only: false, sections })
}

/// NumEntries (12 bits), then per entry IsARange and Fibonacci-coded offsets: a single id is an
/// offset from the previous id; a range is a start offset and the distance to its end. Kept as
/// ranges: a few bits can claim all 65,535 ids.
pub(super) fn fibonacci_ranges(bits: &mut Bits, field: &'static str) -> Result<IdRanges, ConsentError> {
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
        if self.header_only {
            let listed: Vec<&str> =
                self.section_ids.iter().take(8).map(|id| gpp_section_name(id).unwrap_or("unregistered")).collect();
            return if listed.is_empty() {
                "The site stored an empty consent record.".to_owned()
            } else {
                format!("The site stored a GPP header naming {} but no choice in it.", listed.join(", "))
            };
        }
        let mut parts: Vec<String> = Vec::new();
        let mut others: Vec<&str> = Vec::new();
        for section in &self.sections {
            match (&section.tcf, &section.tcf_v1, &section.us_privacy) {
                (Some(tc), _, _) => parts.push(tc.summary()),
                (_, Some(tc), _) => parts.push(tc.summary()),
                (_, _, Some(usp)) => parts.push(usp.summary()),
                _ => others.push(section.name.unwrap_or("unregistered")),
            }
        }
        if !others.is_empty() {
            parts.push(format!("The site also stored your choices for: {}.", others.join(", ")));
        }
        if parts.is_empty() {
            return "The site stored an empty consent record.".to_owned();
        }
        parts.join(" ")
    }
}
