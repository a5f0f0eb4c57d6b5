// The manifest asks for what the features need and nothing more, with a strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8'));

test('permissions are exactly the justified ones', () => {
  // webRequest: observe requests to classify them; storage: per-tab reports in storage.session;
  // cookies: read (never change) the cookies a page and its third parties hold, to classify them.
  assert.deepEqual(manifest.permissions, ['webRequest', 'storage', 'cookies']);
  // Every site, because trackers can be anywhere; requests are observed, never sent anywhere.
  assert.deepEqual(manifest.host_permissions, ['<all_urls>']);
  assert.equal(manifest.optional_permissions, undefined);
});

test('extension pages may run only packaged code, plus compiling the packaged wasm', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
  assert.equal(manifest.background.type, 'module');
});

test('content scripts: the storage probe, the fingerprinting probe (page world) and its isolated relay, top frames only', () => {
  const web = ['http://*/*', 'https://*/*'];
  assert.deepEqual(manifest.content_scripts, [
    { matches: web, js: ['extension/content/storage-probe.js'], run_at: 'document_idle', all_frames: false },
    // The probe must run in the page's world, before page scripts, to see the APIs they call.
    { matches: web, js: ['extension/content/fingerprint-probe.js'], run_at: 'document_start', world: 'MAIN', all_frames: false },
    { matches: web, js: ['extension/content/fingerprint-relay.js', 'extension/content/keylog-watch.js'], run_at: 'document_start', all_frames: false },
  ]);
});
