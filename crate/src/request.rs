//! What kind of resource a request fetches, in the browser's own vocabulary.

use serde::{Deserialize, Serialize};

/// Chrome's `webRequest` resource types. Anything else, including types a newer browser adds,
/// reads as `Other` instead of failing the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    // Aliases: the names filter lists, HAR files and request corpora use for the same types.
    #[serde(alias = "document")]
    MainFrame,
    #[serde(alias = "subdocument")]
    SubFrame,
    Stylesheet,
    Script,
    Image,
    Font,
    Object,
    #[serde(alias = "xhr", alias = "fetch")]
    Xmlhttprequest,
    #[serde(alias = "beacon")]
    Ping,
    CspReport,
    Media,
    Websocket,
    Webtransport,
    Webbundle,
    #[default]
    #[serde(other)]
    Other,
}

impl ResourceType {
    /// Parses a type name as Chrome spells it; unknown names are `Other`.
    pub fn from_name(name: &str) -> Self {
        serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chrome_names_and_tolerates_new_ones() {
        assert_eq!(ResourceType::from_name("main_frame"), ResourceType::MainFrame);
        assert_eq!(ResourceType::from_name("xmlhttprequest"), ResourceType::Xmlhttprequest);
        assert_eq!(ResourceType::from_name("speculative"), ResourceType::Other);
        assert_eq!(ResourceType::from_name("fetch"), ResourceType::Xmlhttprequest);
        assert_eq!(ResourceType::from_name("document"), ResourceType::MainFrame);
        let parsed: ResourceType = serde_json::from_str("\"csp_report\"").unwrap();
        assert_eq!(parsed, ResourceType::CspReport);
    }
}
