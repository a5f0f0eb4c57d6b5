// Declines consent banners with DuckDuckGo's autoconsent rules (bundled at build time by
// scripts/build.sh into extension/pkg/autoconsent-content.js). The rules travel in this bundle;
// the worker answers `init` with the configuration for this site (off where protection is paused
// or the site is trusted; automatic or on one click) and runs the rules' main-world snippets.
import AutoConsent from '@duckduckgo/autoconsent';
import compact from '@duckduckgo/autoconsent/rules/compact-rules.json';

const consent = new AutoConsent((message) => chrome.runtime.sendMessage(message), null, { autoconsent: [], compact });
chrome.runtime.onMessage.addListener((message, sender) => {
  // Only the extension's worker talks to content scripts; pages cannot reach this listener.
  if (sender.id !== chrome.runtime.id) return undefined;
  consent.receiveMessageCallback(message);
  return undefined;
});
