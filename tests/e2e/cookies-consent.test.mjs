// End to end: the cookies the demo page and its third parties hold once the visitor accepts the
// consent banner, as the service worker classifies them from the browser's cookie store, the
// decoded IAB consent string, and how the popup shows both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_URL } from '../demo/server.mjs';
import { OBSERVE_ONLY, visit, waitForReport } from '../support/browser.mjs';
import { BROWSER_OWN, demoSession } from '../support/demo-session.mjs';

// What the core says about each demo cookie (checked with `tracklens cookie NAME --page ...`).
const EXPECTED = [
  { name: '_ga', purpose: 'analytics', vendor: /Google/, thirdParty: false },
  { name: '_fbp', purpose: 'advertising', vendor: /Meta/, thirdParty: false },
  { name: 'IDE', purpose: 'advertising', vendor: /Google/, thirdParty: true },
  { name: 'SESSIONID', purpose: 'necessary', thirdParty: false },
  { name: 'optimizelyEndUserId', purpose: 'personalization', vendor: /Optimizely/, thirdParty: false },
  { name: /^_hjSession_/, purpose: 'analytics', vendor: /Hotjar/, thirdParty: false },
];
const named = (cookies, name) => cookies.find((c) => (typeof name === 'string' ? c.name === name : name.test(c.name)));
const complete = (report) => report.consent && EXPECTED.every(({ name }) => named(report.cookies ?? [], name));

// Observation only: protection is paused on the demo's sites (tests/e2e/control.test.mjs covers it).
const session = demoSession({ settings: OBSERVE_ONLY });

test('after "Accept all", the report classifies the page\'s cookies and decodes its consent string', async () => {
  const { page, tabId } = await visit(session.browser, DEMO_URL);
  await page.click('#onetrust-accept-btn-handler');
  await page.reload({ waitUntil: 'load' });
  const { report } = await waitForReport(session.browser, { tabId }, complete, { timeoutMs: 10000 });

  for (const expected of EXPECTED) {
    const cookie = named(report.cookies, expected.name);
    assert.equal(cookie.purpose, expected.purpose, `${cookie.name}: ${cookie.reason}`);
    assert.equal(cookie.thirdParty, expected.thirdParty, `${cookie.name} third party`);
    if (expected.vendor) assert.match(cookie.vendor ?? '', expected.vendor, cookie.name);
    assert.ok(cookie.reason.length > 0, `${cookie.name} has a reason`);
  }
  assert.equal(named(report.cookies, 'IDE').domain, '.doubleclick.net');
  assert.equal(named(report.cookies, '_ga').identifier, true);

  // The consent string the banner wrote: CMP 10, three vendors, purposes 1 to 11.
  assert.equal(report.consent.format, 'tcf');
  assert.equal(report.consent.cmpId, 10);
  assert.equal(report.consent.vendors, 3);
  assert.deepEqual(report.consent.purposes, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.match(report.consent.summary, /^You allowed 3 vendors to /);

  // Names and verdicts only: no cookie value is ever stored.
  const stored = JSON.stringify(report);
  const values = (await session.browser.context.cookies()).map((c) => c.value).filter((v) => v.length >= 8);
  assert.ok(values.length >= 5, 'the browser holds the demo cookies');
  for (const value of values) assert.ok(!stored.includes(value), `a cookie value is in the report: ${value.slice(0, 12)}...`);
  assert.ok(report.cookies.every((c) => !('value' in c)));
  await page.close();
});

test('the content script reports the page\'s storage keys, classified, without their values', async () => {
  const { page, tabId } = await visit(session.browser, DEMO_URL);
  const hasKeys = (report) => ['_hjid', 'theme'].every((key) => report.storage?.some((s) => s.name === key))
    && report.storage.some((s) => s.name.startsWith('optimizely_data$$'));
  const { report } = await waitForReport(session.browser, { tabId }, hasKeys, { timeoutMs: 10000 });
  const key = (name) => report.storage.find((s) => s.name === name || s.name.startsWith(name));
  assert.deepEqual([key('_hjid').purpose, key('_hjid').vendor, key('_hjid').domain], ['analytics', 'Hotjar', 'localStorage']);
  assert.deepEqual([key('optimizely_data$$').purpose, key('optimizely_data$$').vendor], ['personalization', 'Optimizely']);
  assert.equal(key('theme').purpose, 'preferences');
  // The visitor id Hotjar stored is in the page, never in TrackLens' report.
  const hotjarId = await page.evaluate(() => localStorage.getItem('_hjid'));
  assert.ok(hotjarId.length >= 8 && !JSON.stringify(report).includes(hotjarId));
  await page.close();
});

test('the popup lists the cookies by purpose and the consent summary', async () => {
  const { page, tabId } = await visit(session.browser, DEMO_URL);
  await waitForReport(session.browser, { tabId }, complete, { timeoutMs: 10000 });
  const popup = await session.browser.context.newPage();
  await popup.setViewportSize({ width: 380, height: 900 });
  await popup.goto(session.browser.popupUrl(tabId));
  await popup.waitForSelector('body[data-ready="true"]');

  assert.equal(await popup.locator('#cookies-section').isHidden(), false);
  const shown = await popup.locator('#cookie-groups li.cookie').evaluateAll((items) => items.map((li) => ({
    name: li.dataset.cookie,
    group: li.closest('.cookie-group').dataset.purpose,
    vendor: li.querySelector('.vendor').textContent,
    identifier: li.querySelector('.identifier').textContent,
    party: li.querySelector('.party').textContent,
    reason: li.querySelector('.reason').textContent,
  })));
  for (const expected of EXPECTED) {
    const cookie = named(shown, expected.name);
    assert.ok(cookie, `the popup shows ${expected.name}`);
    assert.equal(cookie.group, expected.purpose, cookie.name);
    if (expected.vendor) assert.match(cookie.vendor, expected.vendor, cookie.name);
    assert.match(cookie.identifier, /^(can recognise you|no identifier)$/);
    assert.equal(cookie.party, expected.thirdParty ? 'third party' : '', cookie.name);
    assert.ok(cookie.reason.length > 0);
  }
  assert.equal(named(shown, '_ga').identifier, 'can recognise you');
  // Tracking purposes come before what the site needs.
  const groups = await popup.locator('#cookie-groups .cookie-group').evaluateAll((els) => els.map((el) => el.dataset.purpose));
  assert.ok(groups.indexOf('advertising') < groups.indexOf('necessary'), groups.join(', '));
  // The site's TCF record in one line, in words (no platform numbers).
  assert.match(await popup.locator('#tcf-result').textContent(), /^The site's consent record says: consent for \d+ purposes, 3 vendors\. You allowed 3 vendors to .*[^)]$/s);
  assert.equal(await popup.locator('#consent').isHidden(), true, 'said once');
  await popup.close();
  await page.close();
});

test('reading cookies makes no request of the extension\'s own', () => {
  const own = session.demo.requests.filter((r) => !session.demo.hosts.includes(r.host) && !BROWSER_OWN.has(r.host));
  assert.deepEqual(own.map((r) => `${r.host}${r.path}`), []);
});
