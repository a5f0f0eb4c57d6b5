// The browser adapter (extension/shared/platform.js) and the manifest overlay merge: what the
// Firefox package changes, checked without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { blockSignal, distinctCookies, fitRules, headerSpec, pageCookieQueries, removalOf, requestInitiator } from '../../extension/shared/platform.js';
import { mergePatch } from '../../scripts/merge-manifest.mjs';

const read = (file) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

test('extraHeaders is asked for only where the browser lists it', () => {
  assert.deepEqual(headerSpec({ REQUEST_HEADERS: 'requestHeaders', EXTRA_HEADERS: 'extraHeaders' }, ['requestHeaders']), ['requestHeaders', 'extraHeaders']);
  assert.deepEqual(headerSpec({ REQUESTHEADERS: 'requestHeaders' }, ['requestHeaders']), ['requestHeaders']);
  assert.deepEqual(headerSpec(undefined, ['responseHeaders']), ['responseHeaders']);
});

test('a block is told from the error where the browser says it, asked of the core where it is an abort', () => {
  assert.equal(blockSignal('net::ERR_BLOCKED_BY_CLIENT'), 'blocked');
  assert.equal(blockSignal('NS_ERROR_ABORT'), 'aborted');
  assert.equal(blockSignal('net::ERR_ABORTED'), null, "Chrome's own aborts are never blocks: it names those");
  assert.equal(blockSignal('NS_ERROR_UNKNOWN_HOST'), null);
  assert.equal(blockSignal(undefined), null);
});

test('a request is judged from its initiator, a navigation from itself', () => {
  assert.equal(requestInitiator({ type: 'main_frame', url: 'https://news.example/', originUrl: 'https://search.example/' }), 'https://news.example/');
  assert.equal(requestInitiator({ type: 'script', url: 'https://t.example/a.js', initiator: 'https://news.example' }), 'https://news.example');
  assert.equal(requestInitiator({ type: 'image', url: 'https://t.example/p.gif', originUrl: 'https://news.example/a', documentUrl: 'https://frame.example/' }), 'https://news.example/a');
  assert.equal(requestInitiator({ type: 'image', url: 'https://t.example/p.gif' }), '');
});

const FIREFOX_TYPES = ['main_frame', 'sub_frame', 'script', 'image', 'imageset', 'ping', 'beacon', 'xmlhttprequest', 'other', 'xslt'];

test('rules for Chrome lose the types Firefox lacks and gain its finer ones', () => {
  const rules = [
    { id: 1, action: { type: 'block' }, condition: { requestDomains: ['a.example'], resourceTypes: ['script', 'ping', 'webtransport'] } },
    { id: 2, action: { type: 'block' }, condition: { resourceTypes: ['webtransport', 'webbundle'] } },
    { id: 3, action: { type: 'block' }, condition: { excludedResourceTypes: ['webbundle'] } },
    { id: 4, action: { type: 'block' }, condition: { resourceTypes: ['image', 'other'] } },
  ];
  const fitted = fitRules(rules, FIREFOX_TYPES);
  assert.deepEqual(fitted.map((r) => r.id), [1, 3, 4], 'a rule left with no type would match every type: dropped');
  assert.deepEqual(fitted[0].condition.resourceTypes, ['script', 'ping', 'beacon']);
  assert.equal('excludedResourceTypes' in fitted[1].condition, false);
  assert.deepEqual(fitted[2].condition.resourceTypes, ['image', 'imageset', 'other', 'xslt']);
  assert.deepEqual(rules[0].condition.resourceTypes, ['script', 'ping', 'webtransport'], 'the input is not changed');
  // Chrome's own list (every type it has, none of Firefox's extras) leaves rules as they are.
  const chrome = ['main_frame', 'sub_frame', 'script', 'image', 'ping', 'other', 'webtransport', 'webbundle'];
  assert.deepEqual(fitRules(rules, chrome), rules);
  assert.deepEqual(fitRules(rules, []), rules, 'no list from the browser: nothing to fit');
});

test('cookie queries reach the page\'s partition, and removal names the cookie\'s own', () => {
  assert.deepEqual(pageCookieQueries({ domain: 'doubleclick.net' }, 'news.example'), [
    { domain: 'doubleclick.net' }, { domain: 'doubleclick.net', partitionKey: { topLevelSite: 'https://news.example' } }]);
  const plain = { name: 'IDE', domain: '.doubleclick.net', path: '/', storeId: '0' };
  const inPartition = { ...plain, partitionKey: { topLevelSite: 'https://news.example' } };
  assert.deepEqual(distinctCookies([plain, inPartition, { ...plain }, { ...inPartition }]), [plain, inPartition]);
  const partitioned = { name: 'IDE', domain: '.doubleclick.net', path: '/', secure: true, storeId: 'firefox-default', partitionKey: { topLevelSite: 'https://news.example' } };
  assert.deepEqual(removalOf(partitioned), { url: 'https://doubleclick.net/', name: 'IDE', storeId: 'firefox-default', partitionKey: { topLevelSite: 'https://news.example' } });
  assert.equal('partitionKey' in removalOf({ ...partitioned, partitionKey: undefined, secure: false }), false);
});

test('the Firefox manifest is the shared one with the overlay merged (RFC 7396)', () => {
  const base = read('manifest.json');
  const firefox = mergePatch(base, read('manifest.firefox.json'));
  assert.deepEqual(firefox.background, { type: 'module', scripts: [base.background.service_worker] });
  assert.equal('minimum_chrome_version' in firefox, false);
  assert.match(firefox.browser_specific_settings.gecko.id, /^[\w.-]+@[\w.-]+$/);
  assert.deepEqual(firefox.browser_specific_settings.gecko.data_collection_permissions, { required: ['none'] });
  // Everything else is shared: same permissions, pages, content scripts and CSP.
  for (const key of ['permissions', 'host_permissions', 'content_scripts', 'content_security_policy', 'action', 'options_ui', 'declarative_net_request']) {
    assert.deepEqual(firefox[key], base[key], key);
  }
  assert.deepEqual(mergePatch({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: null }, d: [2] }), { a: { c: 2 }, d: [2] });
});
