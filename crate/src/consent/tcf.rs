//! IAB Europe TCF v2.x TC strings: the core segment and the optional disclosed-vendors,
//! allowed-vendors and publisher segments ("Transparency and Consent String and Global Vendor
//! List Format" v2.2).

use super::bits::Bits;
use super::header::TcfHeader;
use super::policy::{self, PolicyViolation};
use super::ranges::IdRanges;
use super::ConsentError;
use serde::Serialize;

/// How a vendor set was written in the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorEncoding {
    BitField,
    Range,
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
    #[serde(flatten)]
    pub header: TcfHeader,
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
    /// The TCF policy rules the string breaks ([`policy`]), in plain words; empty when none.
    pub policy_violations: Vec<PolicyViolation>,
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
    tc.policy_violations = policy::check(&tc);
    Ok(tc)
}

fn decode_core(core: &str) -> Result<TcString, ConsentError> {
    let mut bits = Bits::from_base64url(core)?;
    let header = TcfHeader::read(&mut bits, 2)?;
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
        header,
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
        policy_violations: Vec::new(),
    })
}

pub(super) fn narrow(ids: Vec<u16>) -> Vec<u8> {
    ids.into_iter().map(|id| id as u8).collect()
}

/// MaxVendorId, IsRangeEncoding, then a bit field or a list of ranges.
pub(super) fn vendor_section(bits: &mut Bits, field: &'static str) -> Result<VendorSet, ConsentError> {
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
pub(super) fn range_entries(bits: &mut Bits, field: &'static str) -> Result<Vec<(u16, u16)>, ConsentError> {
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
pub(super) fn iso_datetime(seconds: u64) -> String {
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
