//! Consent signals a page stores about the visitor: what the visitor agreed to, in the formats the
//! advertising industry reads.
//!
//! - IAB Europe TCF v2.x **TC strings** (the `euconsent-v2` cookie, `__tcfapi`): base64url bit
//!   fields, a core segment plus optional segments separated by `.`; checked against the TCF 2.2
//!   policy rules ([`PolicyViolation`]). TCF v1 strings (`euconsent`) are decoded and marked
//!   obsolete.
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

mod bits;
mod gpp;
mod header;
mod policy;
mod ranges;
mod summary;
mod tcf;
mod tcf_v1;
#[cfg(test)]
mod tests;
mod usp;

pub use gpp::{decode_gpp, gpp_section_name, GppSection, GppString};
pub use header::TcfHeader;
pub use policy::PolicyViolation;
pub use ranges::IdRanges;
pub use summary::{purpose_name, special_feature_name};
pub use tcf::{
    decode_tc_string, PublisherRestriction, PublisherTc, RestrictionType, TcString, VendorEncoding, VendorSet,
};
pub use tcf_v1::{decode_tc_string_v1, TcStringV1};
pub use usp::{decode_us_privacy, UsPrivacy};

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
    /// A string of no consent format decoded here (told by its first character).
    UnknownFormat,
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
            ConsentError::UnknownFormat => f.write_str(
                "not a consent string of a known format: TC strings start with C (TCF v2) or B (TCF v1), \
                 GPP strings with D, and US Privacy strings are 4 characters such as 1YNN",
            ),
        }
    }
}

impl std::error::Error for ConsentError {}

/// A consent string of any supported format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "format")]
pub enum ConsentSignal {
    Tcf(Box<TcString>),
    TcfV1(Box<TcStringV1>),
    UsPrivacy(UsPrivacy),
    Gpp(GppString),
}

impl ConsentSignal {
    pub fn summary(&self) -> String {
        match self {
            ConsentSignal::Tcf(tc) => tc.summary(),
            ConsentSignal::TcfV1(tc) => tc.summary(),
            ConsentSignal::UsPrivacy(usp) => usp.summary(),
            ConsentSignal::Gpp(gpp) => gpp.summary(),
        }
    }
}

/// Decodes a consent string whose format is told by its shape, as the IAB formats make it
/// unambiguous: a digit first is US Privacy (`1YNN`; TC and GPP strings start with a letter), a
/// `~` or `D` (GPP header type 3) is GPP, `C` is a TCF v2 TC string (version 2 in its first six
/// bits) and `B` a TCF v1 one. Anything else is [`ConsentError::UnknownFormat`], so a malformed
/// string of one format never gets another format's error.
pub fn decode_consent(text: &str) -> Result<ConsentSignal, ConsentError> {
    let text = text.trim();
    match text.as_bytes().first() {
        None => Err(ConsentError::Empty),
        Some(b'0'..=b'9') => decode_us_privacy(text).map(ConsentSignal::UsPrivacy),
        _ if text.contains('~') => decode_gpp(text).map(ConsentSignal::Gpp),
        Some(b'D') => decode_gpp(text).map(ConsentSignal::Gpp),
        Some(b'C') => decode_tc_string(text).map(|tc| ConsentSignal::Tcf(Box::new(tc))),
        Some(b'B') => decode_tc_string_v1(text).map(|tc| ConsentSignal::TcfV1(Box::new(tc))),
        Some(_) => Err(ConsentError::UnknownFormat),
    }
}
