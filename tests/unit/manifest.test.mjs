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

test('the only content script is the storage probe, in top frames of web pages, isolated', () => {
  assert.deepEqual(manifest.content_scripts, [{
    matches: ['http://*/*', 'https://*/*'], js: ['extension/content/storage-probe.js'], run_at: 'document_idle', all_frames: false,
  }]);
});
