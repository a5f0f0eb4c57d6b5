//! IAB Europe TCF v1.1 consent strings ("Consent string and vendor list formats" v1.1). TCF v1
//! ended in August 2020, but old CMPs still write these strings; they are decoded so the report
//! can say what they claim, and marked obsolete: no vendor may rely on them any more.

use super::bits::Bits;
use super::header::TcfHeader;
use super::ranges::IdRanges;
use super::tcf::{narrow, VendorEncoding, VendorSet};
use super::ConsentError;
use serde::Serialize;

/// A decoded TCF v1 consent string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcStringV1 {
    #[serde(flatten)]
    pub header: TcfHeader,
    /// Always true: TCF v1 was switched off on 15 August 2020.
    pub obsolete: bool,
    /// The v1 purposes allowed (1 storage and access, 2 personalisation, 3 ad selection,
    /// 4 content selection, 5 measurement).
    pub purposes_allowed: Vec<u8>,
    pub vendor_consents: VendorSet,
}

/// Decodes a TCF v1 consent string (version 1, first character `B`).
pub fn decode_tc_string_v1(text: &str) -> Result<TcStringV1, ConsentError> {
    let mut bits = Bits::from_base64url(text.trim())?;
    let header = TcfHeader::read(&mut bits, 1)?;
    let purposes_allowed = narrow(bits.flags(24, "purposes allowed")?);
    const FIELD: &str = "vendor consents";
    let max_vendor_id = bits.int(16, FIELD)? as u16;
    let vendor_consents = if !bits.bit(FIELD)? {
        VendorSet {
            max_vendor_id,
            encoding: VendorEncoding::BitField,
            ids: bits.flag_ranges(usize::from(max_vendor_id), FIELD)?,
        }
    } else {
        // A range section lists the exceptions to a default: with DefaultConsent set, the ranges
        // are the vendors *without* consent.
        let default_consent = bits.bit(FIELD)?;
        let ranges = super::tcf::range_entries(&mut bits, FIELD)?;
        if let Some(&(start, end)) = ranges.iter().find(|&&(_, end)| end > max_vendor_id) {
            return Err(ConsentError::InvalidRange { field: FIELD, start: start.into(), end: end.into() });
        }
        let listed = IdRanges::from_ranges(ranges);
        let ids = if default_consent { listed.complement(max_vendor_id) } else { listed };
        VendorSet { max_vendor_id, encoding: VendorEncoding::Range, ids }
    };
    Ok(TcStringV1 { header, obsolete: true, purposes_allowed, vendor_consents })
}

impl TcStringV1 {
    pub fn summary(&self) -> String {
        let vendors = self.vendor_consents.ids.count() as usize;
        let has = |id: u8| self.purposes_allowed.contains(&id);
        let mut uses = Vec::new();
        if has(1) {
            uses.push("store and access information on your device");
        }
        if has(2) || has(3) {
            uses.push("personalise and choose ads");
        }
        if has(4) {
            uses.push("choose content");
        }
        if has(5) {
            uses.push("measure");
        }
        let claim = if vendors == 0 || uses.is_empty() {
            "It records no consent.".to_owned()
        } else {
            format!(
                "It says you allowed {} to {}.",
                super::summary::plural(vendors, "vendor"),
                super::summary::join_words(&uses)
            )
        };
        format!("This is an obsolete TCF v1 string (TCF v1 ended in August 2020); no vendor may rely on it. {claim}")
    }
}
