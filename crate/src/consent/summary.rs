//! Plain words for what a visitor agreed to: the TCF purpose names and the popup's sentences.

use super::policy::legitimate_interest_allowed;
use super::tcf::TcString;

/// The purposes of TCF v2.2, by id, in plain words (the policy's names).
pub fn purpose_name(id: u8) -> Option<&'static str> {
    Some(match id {
        1 => "Store and/or access information on a device",
        2 => "Use limited data to select advertising",
        3 => "Create profiles for personalised advertising",
        4 => "Use profiles to select personalised advertising",
        5 => "Create profiles to personalise content",
        6 => "Use profiles to select personalised content",
        7 => "Measure advertising performance",
        8 => "Measure content performance",
        9 => "Understand audiences through statistics or combinations of data from different sources",
        10 => "Develop and improve services",
        11 => "Use limited data to select content",
        _ => return None,
    })
}

/// The special features of TCF v2.2, by id.
pub fn special_feature_name(id: u8) -> Option<&'static str> {
    match id {
        1 => Some("Use precise geolocation data"),
        2 => Some("Actively scan device characteristics for identification"),
        _ => None,
    }
}

impl TcString {
    /// One or two plain sentences the popup can show about what the visitor agreed to.
    pub fn summary(&self) -> String {
        let vendors = self.vendor_consents.ids.count() as usize;
        let uses = consented_uses(&self.purposes_consent);
        let mut text = if vendors == 0 || uses.is_empty() {
            "You did not consent to any vendor using your data.".to_owned()
        } else {
            format!("You allowed {} to {}.", plural(vendors, "vendor"), join_words(&uses))
        };
        let li_vendors = self.vendor_legitimate_interests.ids.count() as usize;
        // Only the claims the policy allows: a forbidden one is named below, not repeated.
        let li_purposes: Vec<u8> = self
            .purposes_legitimate_interest
            .iter()
            .copied()
            .filter(|&p| legitimate_interest_allowed(p, self.tcf_policy_version))
            .collect();
        if li_vendors > 0 && !li_purposes.is_empty() {
            text.push_str(&format!(
                " {} may still use it for {} without asking, claiming a legitimate interest, unless you object.",
                plural(li_vendors, "vendor"),
                plural(li_purposes.len(), "purpose")
            ));
        }
        if self.special_feature_opt_ins.contains(&1) {
            text.push_str(" You allowed the use of your precise location.");
        }
        if self.special_feature_opt_ins.contains(&2) {
            text.push_str(" You allowed scanning your device's characteristics to identify it.");
        }
        for violation in &self.policy_violations {
            text.push_str(&format!(" Warning: {}.", capitalise(&violation.message)));
        }
        text
    }
}

/// What the consented purposes let vendors do, in the order a person would list them.
pub(super) fn consented_uses(purposes: &[u8]) -> Vec<&'static str> {
    let has = |id: u8| purposes.contains(&id);
    let mut uses = Vec::new();
    if has(1) {
        uses.push("store and access information on your device");
    }
    if has(3) {
        uses.push("build an advertising profile");
    }
    if has(4) {
        uses.push("show you ads based on it");
    } else if has(2) {
        uses.push("choose ads with limited data");
    }
    if has(5) || has(6) {
        uses.push("personalise content");
    }
    if has(7) || has(8) || has(9) {
        uses.push("measure ads, content and audiences");
    }
    if has(10) {
        uses.push("develop their products");
    }
    uses
}

pub(super) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

pub(super) fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
