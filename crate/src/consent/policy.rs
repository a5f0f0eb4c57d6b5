//! The TCF policy's rules on what a TC string may claim, checked on every decoded string and
//! reported in plain words. A CMP that writes a forbidden claim still gets its string decoded
//! (vendors read it as written); the report says what is wrong and the summary does not repeat
//! the claim.
//!
//! Rules (TCF Policies, Appendix A, and the v2.2 changes of May 2023, policy version 4 and up):
//! - Purpose 1 (storing and accessing information on a device) can never rest on legitimate
//!   interest.
//! - From policy version 4 (TCF 2.2), purposes 3 to 6 (building and using profiles for
//!   personalised ads and content) can no longer rest on legitimate interest either, for vendors
//!   and for the publisher, and a publisher restriction cannot require it for them.
//! - Restriction type 3 is reserved: no restriction of that type exists.

use super::tcf::{RestrictionType, TcString};
use serde::Serialize;

/// One rule of the TCF policy that a string breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyViolation {
    /// A stable name for the rule (`li_personalised_ads`…), for tests and filters.
    pub rule: &'static str,
    /// The sentence shown to the person reading the report.
    pub message: String,
}

/// The first TCF policy version of TCF 2.2.
pub const TCF_2_2_POLICY_VERSION: u8 = 4;

/// The purposes TCF 2.2 forbids legitimate interest for, grouped as the policy names them.
const PROFILE_PURPOSES: [(&[u8], &str, &str); 2] = [
    (&[3, 4], "li_personalised_ads", "personalised ads"),
    (&[5, 6], "li_personalised_content", "personalised content"),
];

/// Whether the policy lets purpose `id` rest on legitimate interest under `policy_version`.
pub fn legitimate_interest_allowed(id: u8, policy_version: u8) -> bool {
    id != 1 && !(policy_version >= TCF_2_2_POLICY_VERSION && (3..=6).contains(&id))
}

pub(super) fn check(tc: &TcString) -> Vec<PolicyViolation> {
    let mut out = Vec::new();
    let tcf_2_2 = tc.tcf_policy_version >= TCF_2_2_POLICY_VERSION;
    let mut claims = vec![("this CMP claims", "", &tc.purposes_legitimate_interest)];
    if let Some(publisher) = &tc.publisher_tc {
        claims.push(("the publisher claims", "publisher_", &publisher.purposes_legitimate_interest));
    }
    for (who, prefix, purposes) in claims {
        if purposes.contains(&1) {
            out.push(PolicyViolation {
                rule: if prefix.is_empty() { "li_device_storage" } else { "publisher_li_device_storage" },
                message: format!(
                    "{who} legitimate interest for storing and accessing information on your device \
                     (purpose 1), which the TCF never allows"
                ),
            });
        }
        if !tcf_2_2 {
            continue;
        }
        for (ids, rule, what) in PROFILE_PURPOSES {
            let claimed: Vec<String> = ids.iter().filter(|id| purposes.contains(id)).map(u8::to_string).collect();
            if !claimed.is_empty() {
                out.push(PolicyViolation {
                    rule: if prefix.is_empty() { rule } else { publisher_rule(rule) },
                    message: format!(
                        "{who} legitimate interest for {what} (purpose {}), which TCF 2.2 forbids",
                        claimed.join(" and ")
                    ),
                });
            }
        }
    }
    for restriction in &tc.publisher_restrictions {
        let purpose = restriction.purpose;
        match restriction.restriction {
            RestrictionType::RequireLegitimateInterest
                if !legitimate_interest_allowed(purpose, tc.tcf_policy_version) =>
            {
                out.push(PolicyViolation {
                    rule: "restriction_requires_forbidden_li",
                    message: format!(
                        "a publisher restriction requires legitimate interest for purpose {purpose}, which {} forbids",
                        if purpose == 1 { "the TCF" } else { "TCF 2.2" }
                    ),
                });
            }
            RestrictionType::Undefined => out.push(PolicyViolation {
                rule: "undefined_restriction_type",
                message: format!(
                    "a publisher restriction on purpose {purpose} has the reserved type 3, which means nothing"
                ),
            }),
            _ => {}
        }
    }
    out
}

fn publisher_rule(rule: &'static str) -> &'static str {
    match rule {
        "li_personalised_ads" => "publisher_li_personalised_ads",
        _ => "publisher_li_personalised_content",
    }
}
