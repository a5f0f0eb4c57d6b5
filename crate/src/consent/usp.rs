//! IAB US Privacy strings ("CCPA Compliance Mechanism", version 1): four characters such as `1YNN`.

use super::ConsentError;
use serde::Serialize;

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
