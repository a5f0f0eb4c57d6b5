//! The one taxonomy of purposes TrackLens uses for third parties.
//!
//! Every tracker domain in the knowledge base carries one or more of these. The names are the
//! wire format (JSON, wasm, knowledge-base files), so renaming a variant is a format change.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a third party is on the page: what it does with what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Ad serving, ad measurement, retargeting and audience building.
    Advertising,
    /// Visitor statistics and product analytics.
    Analytics,
    /// Social networks' widgets, buttons and logins.
    Social,
    /// Identifies the browser from its characteristics rather than from a stored identifier.
    Fingerprinting,
    /// Records what the visitor does on the page (mouse, keys, scrolling) to replay it.
    SessionReplay,
    /// A/B testing, recommendations and content tailored to the visitor.
    Personalization,
    /// Loads other third parties on the site owner's behalf.
    TagManager,
    /// Consent banners and consent-management platforms.
    Consent,
    /// Chat, support and feedback widgets.
    CustomerInteraction,
    /// Embedded audio and video players.
    AudioVideo,
    /// Bot and fraud protection (CAPTCHAs): the site needs it to let the visitor in.
    Security,
    /// Content delivery (fonts, libraries, images): needed by the page, not a tracker.
    Cdn,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 12] = [
        Category::Advertising,
        Category::Analytics,
        Category::Social,
        Category::Fingerprinting,
        Category::SessionReplay,
        Category::Personalization,
        Category::TagManager,
        Category::Consent,
        Category::CustomerInteraction,
        Category::AudioVideo,
        Category::Security,
        Category::Cdn,
    ];

    /// The wire name, as in JSON and in the knowledge-base files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Advertising => "advertising",
            Category::Analytics => "analytics",
            Category::Social => "social",
            Category::Fingerprinting => "fingerprinting",
            Category::SessionReplay => "session_replay",
            Category::Personalization => "personalization",
            Category::TagManager => "tag_manager",
            Category::Consent => "consent",
            Category::CustomerInteraction => "customer_interaction",
            Category::AudioVideo => "audio_video",
            Category::Security => "security",
            Category::Cdn => "cdn",
        }
    }

    /// Whether a request in this category tracks the visitor. Content delivery and consent
    /// management do not: they still see the visitor's IP address, and a consent platform stores
    /// the visitor's choice, but neither builds a profile; nor does bot protection, which the
    /// site needs to let the visitor in. Ghostery and Privacy Badger leave both
    /// unblocked by default for the same reason (blocking a consent platform breaks sites).
    pub fn is_tracking(self) -> bool {
        !matches!(self, Category::Cdn | Category::Consent | Category::Security)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_serde() {
        for category in Category::ALL {
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(json, format!("\"{}\"", category.as_str()));
            let back: Category = serde_json::from_str(&json).unwrap();
            assert_eq!(back, category);
        }
    }

    #[test]
    fn only_cdn_consent_and_security_are_not_tracking() {
        let not_tracking: Vec<_> = Category::ALL.into_iter().filter(|c| !c.is_tracking()).collect();
        assert_eq!(not_tracking, vec![Category::Consent, Category::Security, Category::Cdn]);
    }
}
