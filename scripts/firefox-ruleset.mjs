// Rewrites a declarativeNetRequest static ruleset built for Chrome (tracklens dnr) for Firefox,
// whose rule validation refuses Chrome-only resource types: the same translation the background
// applies to its dynamic rules at run time (extension/shared/platform.js fitRules).
// Usage: node scripts/firefox-ruleset.mjs <rules.json>   (rewritten in place)
import { readFileSync, writeFileSync } from 'node:fs';
import { fitRules } from '../extension/shared/platform.js';

// Firefox's declarativeNetRequest ResourceType enum, as its schema (declarative_net_request.json
// in Firefox 153 ESR) lists it; the background reads the same list from the running browser.
const FIREFOX_RESOURCE_TYPES = [
  'main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'object', 'object_subrequest', 'xmlhttprequest', 'xslt',
  'ping', 'beacon', 'xml_dtd', 'font', 'media', 'websocket', 'csp_report', 'imageset', 'web_manifest', 'speculative', 'json', 'other',
];

const [file] = process.argv.slice(2);
const rules = JSON.parse(readFileSync(file, 'utf8'));
const fitted = fitRules(rules, FIREFOX_RESOURCE_TYPES);
writeFileSync(file, JSON.stringify(fitted));
console.error(`firefox ruleset: ${fitted.length} of ${rules.length} rules in ${file}`);
