// The manifest asks for what the features need and nothing more, with a strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8'));

test('permissions are exactly the justified ones', () => {
  // webRequest: observe requests to classify them; storage: per-tab reports in storage.session;
  // cookies: read the cookies a page and its third parties hold, to classify them, and delete
  // those of the purposes the user asked to delete;
  // declarativeNetRequest: block, strip cookies, add Sec-GPC and remove tracking parameters with
  // rules compiled by the core (modifyHeaders and redirect need the host permissions below);
  // scripting: register the switchable MAIN-world GPC script and run consent rules' page snippets.
  assert.deepEqual(manifest.permissions, ['webRequest', 'storage', 'cookies', 'declarativeNetRequest', 'scripting']);
  // Every site, because trackers can be anywhere; requests are observed, never sent anywhere.
  assert.deepEqual(manifest.host_permissions, ['<all_urls>']);
  assert.equal(manifest.optional_permissions, undefined);
});

test('extension pages may run only packaged code, plus compiling the packaged wasm', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
  assert.equal(manifest.background.type, 'module');
});

test('content scripts: storage probe and page signals, consent-banner decliner (every frame), fingerprinting probe (page world) and its isolated relay', () => {
  const web = ['http://*/*', 'https://*/*'];
  assert.deepEqual(manifest.content_scripts, [
    // After load, the top frame's own signals (title, meta, headings, JSON-LD types, text) for the core's page context.
    { matches: web, js: ['extension/content/storage-probe.js', 'extension/content/page-signals.js'], run_at: 'document_idle', all_frames: false },
    // Consent platforms often render in iframes (Sourcepoint, TrustArc), hence every frame.
    { matches: web, js: ['extension/pkg/autoconsent-content.js'], run_at: 'document_start', all_frames: true },
    // The probe must run in the page's world, before page scripts, to see the APIs they call.
    { matches: web, js: ['extension/content/fingerprint-probe.js'], run_at: 'document_start', world: 'MAIN', all_frames: false },
    { matches: web, js: ['extension/content/lasting-listeners.js', 'extension/content/fingerprint-relay.js', 'extension/content/keylog-watch.js'], run_at: 'document_start', all_frames: false },
  ]);
  // The only page-world script from the manifest is the read-only fingerprinting probe: the GPC
  // script is registered at run time, so the user can switch it off.
  assert.deepEqual(manifest.content_scripts.filter((script) => script.world === 'MAIN').map((s) => s.js), [['extension/content/fingerprint-probe.js']]);
});

test('the EasyPrivacy static ruleset is packaged, off until the user subscribes', () => {
  assert.deepEqual(manifest.declarative_net_request, {
    rule_resources: [{ id: 'easyprivacy', enabled: false, path: 'extension/pkg/easyprivacy-rules.json' }],
  });
  assert.deepEqual(manifest.options_ui, { page: 'extension/options/options.html', open_in_tab: true });
});
