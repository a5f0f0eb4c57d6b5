// Every key TrackLens keeps in chrome.storage, defined once, each with its one writer. Pages
// read some of them; only the worker writes. (The CLI's audit reads `tab:` reports, `coreStatus`
// and `protectionStatus` through the browser; crate/src/bin/tracklens/audit checks its copies
// against this file in a test.)

// chrome.storage.session (gone when the browser closes):
/** Per-tab page reports, `tab:<tabId>`; written by the recorder. */
export const TAB_KEY_PREFIX = 'tab:';
/** Whether the core started: { ok, lists, loadMs, warning, at } or { ok: false, error }; the worker. */
export const CORE_STATUS_KEY = 'coreStatus';
/** Whether the settings are in effect (rules installed): { ok, rules, added, removed, at }; controls.js. */
export const PROTECTION_STATUS_KEY = 'protectionStatus';
/** What could not be read of the stored settings, for the options page; the settings store. */
export const PROBLEMS_KEY = 'settingsProblems';

// chrome.storage.local (durable):
/** The settings (protection and history preferences, protection.rs); the worker's settings store only. */
export const SETTINGS_KEY = 'settings';
/** Per-site history records, `site:<site>`; history.js. */
export const SITE_KEY_PREFIX = 'site:';
/** When the history was last pruned; history.js. */
export const PRUNED_AT_KEY = 'historyPrunedAt';

export function tabKey(tabId) {
  return `${TAB_KEY_PREFIX}${tabId}`;
}

export function siteKey(site) {
  return `${SITE_KEY_PREFIX}${site}`;
}
