//! The extension's storage keys the audit reads through the browser. They are defined once, in
//! extension/shared/state-keys.js; these are copies (the audit drives the browser from Rust), and
//! the test below fails when one drifts from that file.

/// Per-tab page reports in chrome.storage.session: `tab:<tabId>`.
pub const TAB_KEY_PREFIX: &str = "tab:";
/// The worker's "core started" status.
pub const CORE_STATUS_KEY: &str = "coreStatus";
/// The controls' "settings in effect" status.
pub const PROTECTION_STATUS_KEY: &str = "protectionStatus";

/// The protection settings in chrome.storage.local (one owner: background/settings.js).
pub const SETTINGS_KEY: &str = "settings";

/// A script that resolves to chrome.storage.session's value for `key`, or null.
pub fn read_session(key: &str) -> String {
    format!("chrome.storage.session.get('{key}').then((r) => r['{key}'] ?? null)")
}

/// A script that resolves to chrome.storage.local's value for `key`, or null.
pub fn read_local(key: &str) -> String {
    format!("chrome.storage.local.get('{key}').then((r) => r['{key}'] ?? null)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copies_match_the_extension_definitions() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../extension/shared/state-keys.js");
        let source = std::fs::read_to_string(path).expect("extension/shared/state-keys.js");
        for (name, value) in [
            ("TAB_KEY_PREFIX", TAB_KEY_PREFIX),
            ("CORE_STATUS_KEY", CORE_STATUS_KEY),
            ("PROTECTION_STATUS_KEY", PROTECTION_STATUS_KEY),
            ("SETTINGS_KEY", SETTINGS_KEY),
        ] {
            let line = format!("export const {name} = '{value}';");
            assert!(source.contains(&line), "state-keys.js no longer says `{line}`");
        }
    }
}
