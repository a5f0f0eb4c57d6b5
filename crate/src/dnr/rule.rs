//! Chrome's declarativeNetRequest rule schema, serialised exactly as the API takes it.

use crate::request::ResourceType;
use serde::{Deserialize, Serialize};

/// One DNR rule, serialised exactly as Chrome's `declarativeNetRequest.Rule`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// Unique, from 1, in output order.
    pub id: u32,
    pub priority: u32,
    pub action: RuleAction,
    pub condition: RuleCondition,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleAction {
    #[serde(rename = "type")]
    pub kind: ActionType,
    /// For `redirect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
    /// For `modifyHeaders`: headers of the request, then of the response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<HeaderInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_headers: Vec<HeaderInfo>,
}

impl RuleAction {
    /// An action that needs nothing but its type (block, allow, allowAllRequests, upgradeScheme).
    pub fn of(kind: ActionType) -> RuleAction {
        RuleAction { kind, redirect: None, request_headers: Vec::new(), response_headers: Vec::new() }
    }
}

/// Chrome's `Redirect`, as far as removing query parameters needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redirect {
    pub transform: UrlTransform,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlTransform {
    pub query_transform: QueryTransform,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryTransform {
    pub remove_params: Vec<String>,
}

/// Chrome's `ModifyHeaderInfo`: `value` only for `set` and `append`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HeaderInfo {
    pub header: String,
    pub operation: HeaderOperation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HeaderOperation {
    Set,
    Append,
    Remove,
}

/// Chrome's `RuleActionType`. The list compiler makes the first three; the settings compiler
/// (`protection.rs`) the others too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionType {
    Block,
    Allow,
    AllowAllRequests,
    UpgradeScheme,
    Redirect,
    ModifyHeaders,
}

/// Chrome's `DomainType`: the request's site against the site of the frame that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DomainType {
    FirstParty,
    ThirdParty,
}

/// Chrome's `RuleCondition`. Absent fields (and empty lists, which Chrome refuses) are left out.
/// Without `resourceTypes` or `excludedResourceTypes` a rule matches every type but main_frame.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_url_filter_case_sensitive: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiator_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_initiator_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_request_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<ResourceType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_resource_types: Vec<ResourceType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<DomainType>,
}
