//! The fields every TCF string opens with. v1.1 and v2.x write them in the same order and widths
//! (version, two timestamps, CMP, screen, language, vendor list), so one reader serves both.

use super::bits::Bits;
use super::tcf::iso_datetime;
use super::ConsentError;
use serde::Serialize;

/// The common opening of a TCF string. Serialised flat into the string's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcfHeader {
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
}

impl TcfHeader {
    /// Reads the header of a string that must be of version `expected`.
    pub(super) fn read(bits: &mut Bits, expected: u8) -> Result<TcfHeader, ConsentError> {
        let version = bits.int(6, "version")? as u8;
        if version != expected {
            return Err(ConsentError::UnsupportedVersion { version });
        }
        let created_deciseconds = bits.int(36, "created")?;
        let last_updated_deciseconds = bits.int(36, "last updated")?;
        Ok(TcfHeader {
            version,
            created: iso_datetime(created_deciseconds / 10),
            last_updated: iso_datetime(last_updated_deciseconds / 10),
            created_deciseconds,
            last_updated_deciseconds,
            cmp_id: bits.int(12, "CMP id")? as u16,
            cmp_version: bits.int(12, "CMP version")? as u16,
            consent_screen: bits.int(6, "consent screen")? as u8,
            consent_language: bits.letters("consent language")?,
            vendor_list_version: bits.int(12, "vendor list version")? as u16,
        })
    }
}
