//! The events a page report is built from, as the service worker (or the CLI) sees them.
//!
//! JSON shape: an object with `kind` and the event's fields in camelCase, e.g.
//! `{"kind": "blocked", "host": "www.google-analytics.com"}`. Events carry facts, never
//! decisions about the report: the verdict on a request comes from the engine, the report decides
//! what it means for the page.

use super::{CookieEntry, Declined, FingerprintVerdict};
use crate::{Party, Verdict};

/// The party as the verdict serialises it (`first_party`, `same_entity`, `third_party`).
fn party_name(party: Party) -> String {
    serde_json::to_value(party).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Event {
    /// A new page in the tab: starts a fresh report (what the previous page did is done). Its
    /// site and the tracking parameters in its address are the core's to work out.
    #[serde(rename_all = "camelCase")]
    Page { url: String, started_at: f64 },
    /// A request the page made, with the engine's verdict on it. `before_consent`, when the
    /// source knows it (the audit), overrides what the report infers from the consent events.
    #[serde(rename_all = "camelCase")]
    Request {
        url: String,
        verdict: RequestVerdict,
        #[serde(default)]
        before_consent: Option<bool>,
        /// Its `Referer` header, when the source saw it (a HAR, the audit).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        referer: Option<String>,
    },
    /// A request that could not be classified.
    Unclassified,
    /// Cookie names a request to `host` carried (`sent`) or its response set (`set`).
    #[serde(rename_all = "camelCase")]
    Cookies { host: String, sent: bool, names: Vec<String> },
    /// TrackLens' rules stopped a request to `host` (after its `request` event).
    Blocked { host: String },
    /// The cookies the page and its third parties hold now (replaces the earlier reading).
    PageCookies { entries: Vec<CookieEntry> },
    /// The page's storage keys now (replaces the earlier reading).
    Storage { entries: Vec<CookieEntry> },
    /// The page's own consent string (`euconsent-v2`), or none.
    ConsentString { value: Option<String> },
    /// Whether `Sec-GPC: 1` went out with the page's own request.
    Gpc { sent: bool },
    /// A script's fingerprinting, as the probe counted it and the core scored it.
    Fingerprinting { script: String, host: String, usage: serde_json::Value, verdict: FingerprintVerdict },
    /// Text typed into `field` left in a request to `host`.
    Leak { field: String, host: String, encoding: String, location: String },
    /// The consent banner TrackLens found or acted on; fields given replace the earlier ones.
    Declined(Declined),
    /// A banner button clicked (the audit's `--consent accept|reject`).
    ConsentClick { action: ConsentAction },
    /// The page's own signals (title, meta tags, headings, schema.org types, text), read from
    /// `source` (`page`, `html` or `url`): the core decides what the page is about. Replaces an
    /// earlier reading.
    PageSignals { signals: crate::context::PageSignals, source: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAction {
    Accept,
    Reject,
}

/// The engine's verdict on a request, as it crosses into the report (the serialised
/// [`Verdict`], owned; fields the report does not use are ignored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestVerdict {
    pub host: String,
    pub site: String,
    /// `first_party` or `third_party`.
    pub party: String,
    pub entity: Option<VerdictEntity>,
    pub categories: Vec<String>,
    pub tracker: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerdictEntity {
    pub name: String,
    pub parent: Option<String>,
    pub privacy_policy: Option<String>,
    pub opt_out: Option<String>,
}

impl RequestVerdict {
    pub fn is_third_party(&self) -> bool {
        self.party == "third_party"
    }
}

impl From<&Verdict> for RequestVerdict {
    fn from(verdict: &Verdict) -> Self {
        RequestVerdict {
            host: verdict.host.clone(),
            site: verdict.site.clone(),
            party: party_name(verdict.party),
            entity: verdict.entity.map(|e| VerdictEntity {
                name: e.name.to_owned(),
                parent: e.parent.map(str::to_owned),
                privacy_policy: e.privacy_policy.map(str::to_owned),
                opt_out: e.opt_out.map(str::to_owned),
            }),
            categories: verdict.categories.iter().map(|c| c.as_str().to_owned()).collect(),
            tracker: verdict.tracker,
            reason: verdict.reason.clone(),
        }
    }
}
