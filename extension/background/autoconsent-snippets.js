// The main-world snippets of autoconsent's rules, for the worker to run with
// chrome.scripting.executeScript when a rule asks (bundled by scripts/build.sh into
// extension/pkg/autoconsent-snippets.js, so the worker imports packaged code only).
export { evalSnippets } from '@duckduckgo/autoconsent';
