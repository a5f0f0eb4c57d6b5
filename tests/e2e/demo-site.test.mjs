// End to end: the built extension in headless Chromium, on the demo news site. Checks what the
// service worker recorded, what the popup shows, and what the demo servers really received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_URL, BASELINE_URL } from '../demo/server.mjs';
import { OBSERVE_ONLY, readSession, stopWorker, visit, waitForReport } from '../support/browser.mjs';
import { BROWSER_OWN, demoSession } from '../support/demo-session.mjs';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

// Observation only: protection is paused on the demo's sites (tests/e2e/control.test.mjs covers it).
const session = demoSession({ settings: OBSERVE_ONLY });

// What the demo page embeds, and what TrackLens must say about each company.
const EXPECTED = {
  Google: { tracker: true, categories: ['advertising', 'analytics', 'tag_manager'] },
  Meta: { tracker: true, categories: ['advertising'] },
  Hotjar: { tracker: true, categories: ['session_replay'] },
  Optimizely: { tracker: true, categories: ['personalization'] },
  X: { tracker: true, categories: ['social'] },
  Fingerprint: { tracker: true, categories: ['fingerprinting'] },
  OneTrust: { tracker: false, categories: ['consent'] },
  Cloudflare: { tracker: false, categories: ['cdn'] },
  jsDelivr: { tracker: false, categories: ['cdn'] },
};

test('the service worker classifies every vendor of the demo page by company and purpose', async () => {
  const { tabId, page } = await visit(session.browser, DEMO_URL);
  // Hotjar posts its recording a moment after its script runs: wait until the report has it.
  const { report } = await waitForReport(session.browser, { tabId }, (r) => r.companies.Hotjar?.hosts.includes('in.hotjar.com'));
  await page.close();
  assert.equal(report.site, 'news.example');
  assert.equal(report.errors, 0);
  assert.deepEqual(Object.keys(report.companies).sort(), Object.keys(EXPECTED).sort());
  for (const [name, expected] of Object.entries(EXPECTED)) {
    const company = report.companies[name];
    assert.equal(company.tracker, expected.tracker, `${name} tracker`);
    assert.equal(company.party, 'third_party', `${name} party`);
    for (const category of expected.categories) assert.ok(company.categories.includes(category), `${name}: ${category}`);
    assert.ok(company.reasons.every((r) => r.includes('third party on news.example')), `${name}: ${company.reasons}`);
  }
  // The publisher itself is first party, never a company in the list.
  assert.ok(report.requests > report.thirdPartyRequests);
  // Hotjar's collector really received the recording, and the extension attributed it.
  assert.ok(session.demo.received('in.hotjar.com').length >= 1);
  assert.ok(report.companies.Hotjar.hosts.includes('in.hotjar.com'));
  // The DoubleClick pixel set its third-party identifier cookie, and the extension saw it.
  assert.ok(report.companies.Google.cookiesSet.includes('IDE'));
  // The filter engine ran in the worker: Google Analytics' hit matches an EasyPrivacy rule,
  // named with its line, while the CDN font matches none.
  assert.ok(report.companies.Google.reasons.some((r) => /matches EasyPrivacy \(line \d+\) rule \S+/.test(r)), report.companies.Google.reasons.join('\n'));
  assert.ok(report.companies.jsDelivr.reasons.every((r) => !r.includes('EasyPrivacy')));
});

test('the service worker loads the EasyPrivacy engine snapshot, not a fallback', async () => {
  const { coreStatus } = await readSession(session.browser, 'coreStatus');
  assert.equal(coreStatus.ok, true);
  assert.equal(coreStatus.warning, null);
  assert.equal(coreStatus.lists.length, 1);
  assert.equal(coreStatus.lists[0].name, 'EasyPrivacy');
  assert.ok(coreStatus.lists[0].filters > 50000, `${coreStatus.lists[0].filters} filters`);
});

test('a third-party cookie set on one visit is sent back on the next, and TrackLens shows it', async () => {
  const first = await visit(session.browser, DEMO_URL);
  await first.page.reload({ waitUntil: 'load' });
  const { report } = await waitForReport(session.browser, first, (r) => r.companies.Google?.cookiesSent.includes('IDE'));
  assert.ok(report.companies.Google.cookiesSent.includes('IDE'));
  // What really left the browser: DoubleClick received its IDE cookie from a news.example page.
  const withCookie = session.demo.received('googleads.g.doubleclick.net', 'IDE');
  assert.ok(withCookie.length >= 1, 'DoubleClick got its cookie back');
  assert.match(withCookie.at(-1).headers.referer ?? '', /^https:\/\/news\.example\//);
  await first.page.close();
});

test('the popup groups trackers by company with their purposes', async () => {
  const { tabId, page } = await visit(session.browser, DEMO_URL);
  const popup = await session.browser.context.newPage();
  await popup.setViewportSize({ width: 380, height: 900 });
  await popup.goto(session.browser.popupUrl(tabId));
  await popup.waitForSelector('body[data-ready="true"]');

  assert.equal(await popup.locator('#site').textContent(), 'news.example');
  // Protection is paused here: nothing was stopped, and the sentence says so.
  assert.equal(await popup.locator('#summary').textContent(), '6 companies tried to track you here; TrackLens stopped none of them.');
  const trackers = await popup.locator('#trackers > li').evaluateAll((items) =>
    items.map((li) => ({ name: li.dataset.company, categories: [...li.querySelectorAll('.categories li')].map((c) => c.dataset.category) })));
  assert.deepEqual(trackers.map((t) => t.name).sort(), ['Fingerprint', 'Google', 'Hotjar', 'Meta', 'Optimizely', 'X']);
  for (const { name, categories } of trackers) {
    for (const category of EXPECTED[name].categories) assert.ok(categories.includes(category), `${name} shows ${category}`);
  }
  const others = await popup.locator('#others > li').evaluateAll((items) => items.map((li) => li.dataset.company));
  assert.deepEqual(others.sort(), ['Cloudflare', 'OneTrust', 'jsDelivr']);
  // Every company explains itself.
  const hotjar = popup.locator('#trackers > li[data-company="Hotjar"]');
  // The popup fills its "why" views after the first paint: wait for the text, then it is there.
  await hotjar.locator('.reasons', { hasText: /static\.hotjar\.com is Hotjar's domain hotjar\.com \(Session replay\)/ }).waitFor({ state: 'attached' });
  assert.match(await hotjar.locator('.categories').textContent(), /Session replay/);

  mkdirSync(ARTIFACTS, { recursive: true });
  await popup.screenshot({ path: `${ARTIFACTS}/popup-demo.png`, fullPage: true });
  await popup.close();
  await page.close();
});

test('a page without third parties shows no trackers (baseline)', async () => {
  const { tabId, report, page } = await visit(session.browser, BASELINE_URL);
  assert.equal(report.thirdPartyRequests, 0);
  assert.deepEqual(report.companies, {});
  const popup = await session.browser.context.newPage();
  await popup.goto(session.browser.popupUrl(tabId));
  await popup.waitForSelector('body[data-ready="true"]');
  assert.equal(await popup.locator('#summary').textContent(), 'No tracking company on this page.');
  assert.equal(await popup.locator('#trackers-section').isHidden(), true);
  await popup.close();
  await page.close();
});

test('stopping the service worker mid-visit loses nothing already recorded', async () => {
  const { page, tabId } = await visit(session.browser, DEMO_URL);
  // The demo page's last request of its own is Hotjar's recording, a moment after load.
  const { report: before } = await waitForReport(session.browser, { tabId }, (r) => r.companies.Hotjar?.hosts.includes('in.hotjar.com'));
  // Resolves once the worker target is gone, so the request below wakes a fresh one.
  await stopWorker(session.browser, page);

  // The page goes on tracking; the new request wakes a fresh worker, which must add to the
  // stored report rather than start over.
  await page.evaluate(() => fetch('https://www.google-analytics.com/g/collect?v=2&en=scroll', { mode: 'no-cors' }));
  const { report: after } = await waitForReport(session.browser, { tabId }, (r) => r.requests > before.requests);
  assert.equal(after.requests, before.requests + 1);
  assert.deepEqual(Object.keys(after.companies).sort(), Object.keys(before.companies).sort());
  assert.equal(after.companies.Google.requests, before.companies.Google.requests + 1);
  assert.deepEqual(after.companies.Hotjar, before.companies.Hotjar);
  await page.close();
});

test('a decorated link: the landing page report names its tracking parameters, and the popup says so', async () => {
  const { page } = await visit(session.browser, DEMO_URL);
  await Promise.all([page.waitForURL(/shop\.example/), page.click('#deal')]);
  const { tabId, report } = await waitForReport(session.browser, { pageUrl: page.url() }, (r) => r.trackingParams);
  assert.deepEqual(report.trackingParams.map((p) => p.name).sort(), ['gclid', 'utm_campaign', 'utm_medium', 'utm_source']);
  assert.equal(report.trackingParams.find((p) => p.name === 'gclid').company, 'Google');
  // What really arrived at the shop: the click id, as the browser sent it.
  assert.match(session.demo.received('shop.example').find((r) => r.path === '/deal.html')?.query ?? '', /gclid=Cj0KCQiA-demo-click-id/);
  const popup = await session.browser.context.newPage();
  await popup.goto(session.browser.popupUrl(tabId));
  await popup.waitForSelector('body[data-ready="true"]');
  assert.match(await popup.locator('#params').textContent(), /gclid \(Google\)/);
  await popup.close();
  await page.close();
});

test('the extension itself sends nothing anywhere', () => {
  // Every request the servers received came from the demo pages (their hosts) or from Chromium.
  const unexpected = session.demo.requests.filter((r) => !session.demo.hosts.includes(r.host) && !BROWSER_OWN.has(r.host));
  assert.deepEqual(unexpected.map((r) => `${r.host}${r.path}`), []);
});
