// Declines consent banners with DuckDuckGo's autoconsent rules (bundled at build time by
// scripts/build.sh into extension/pkg/autoconsent-content.js). The rules travel in this bundle;
// the worker answers `init` with the configuration for this site (off where protection is paused
// or the site is trusted; automatic or on one click) and runs the rules' main-world snippets.
import AutoConsent from '@duckduckgo/autoconsent';
// The rules (257 KB, three quarters of this script, parsed in every frame) come in as JSON
// text and are read with JSON.parse: V8 scans a string literal and parses JSON much faster
// than it compiles the same data written as an object literal, as the bundler would inline it.
import compactRules from '@duckduckgo/autoconsent/rules/compact-rules.json' with { type: 'text' };

const compact = JSON.parse(compactRules);

const consent = new AutoConsent((message) => chrome.runtime.sendMessage(message), null, { autoconsent: [], compact });
chrome.runtime.onMessage.addListener((message, sender) => {
  // Only the extension's worker talks to content scripts; pages cannot reach this listener.
  if (sender.id !== chrome.runtime.id) return undefined;
  consent.receiveMessageCallback(message);
  return undefined;
});
