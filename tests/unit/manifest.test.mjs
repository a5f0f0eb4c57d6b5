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

test('the declared content scripts are the storage probe and the consent-banner decliner, isolated', () => {
  assert.deepEqual(manifest.content_scripts, [{
    matches: ['http://*/*', 'https://*/*'], js: ['extension/content/storage-probe.js'], run_at: 'document_idle', all_frames: false,
  }, {
    // Consent platforms often render in iframes (Sourcepoint, TrustArc), hence every frame.
    matches: ['http://*/*', 'https://*/*'], js: ['extension/pkg/autoconsent-content.js'], run_at: 'document_start', all_frames: true,
  }]);
  // No content script runs in the page's own world from the manifest: the GPC script is
  // registered at run time, so the user can switch it off.
  assert.ok(manifest.content_scripts.every((script) => script.world === undefined));
});

test('the EasyPrivacy static ruleset is packaged, off until the user subscribes', () => {
  assert.deepEqual(manifest.declarative_net_request, {
    rule_resources: [{ id: 'easyprivacy', enabled: false, path: 'extension/pkg/easyprivacy-rules.json' }],
  });
  assert.deepEqual(manifest.options_ui, { page: 'extension/options/options.html', open_in_tab: true });
});
