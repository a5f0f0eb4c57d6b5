// End to end: a hostile page floods TrackLens with requests to 100,000 distinct hosts (issue 18)
// while another tab is open. Its report stays within its bounds and counts what it left out; the
// session storage stays within its budget; and a page opened afterwards is fully recorded, as the
// demo server's log (the witness) says it should be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSession, visit, waitForReport } from '../support/browser.mjs';
import { BROWSER_OWN, demoSession } from '../support/demo-session.mjs';

const FLOOD = 100_000;
const session = demoSession();

test('a page requesting 100,000 hosts blinds no other tab', { timeout: 540_000 }, async () => {
  const { browser, demo } = session;
  const errors = [];
  browser.context.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  browser.worker.on?.('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });

  const flood = await browser.context.newPage();
  await flood.goto(`https://news.example/flood.html?n=${FLOOD}`);
  await flood.waitForFunction((n) => document.title === `flooded ${n}`, FLOOD, { timeout: 400_000 });
  // Every request was recorded (counted), though not every host listed.
  const { report } = await waitForReport(browser, { pageUrl: flood.url() }, (r) => r.requests >= FLOOD + 2, { timeoutMs: 400_000 });
  const google = report.companies.Google;
  assert.equal(google.requests, FLOOD);
  assert.equal(google.hosts.length, 50);
  assert.equal(google.omittedHosts, FLOOD - 50);
  assert.ok(Object.keys(report.hostOwners).length <= 1000);
  assert.ok(report.omitted.hostOwners > 0 && report.omitted.trackingRequests > 0, JSON.stringify(report.omitted));

  // The flooding tab is still open; a new page on another site is recorded in full: every third
  // party the demo server saw it reach is in its report.
  const before = demo.requests.length;
  const { tabId } = await visit(browser, 'https://shop.example/', { waitForCookies: false });
  const shop = (await waitForReport(browser, { tabId }, (r) => r.companies.Google && r.companies.Meta && r.cookies?.length > 0, { timeoutMs: 15_000 })).report;
  const served = new Set(demo.requests.slice(before).map((r) => r.host)
    .filter((host) => host !== 'shop.example' && !BROWSER_OWN.has(host) && !/^h\d+\.doubleclick\.net$/.test(host)));
  assert.ok(served.size >= 2, [...served].join(' '));
  const listed = new Set([...Object.values(shop.companies).flatMap((c) => c.hosts), ...Object.keys(shop.unknownThirdParties)]);
  for (const host of served) assert.ok(listed.has(host), `${host} reached the server but is not in the shop's report`);
  assert.ok(!shop.omitted.trimmedForSpace, 'the new page is not cut');

  // The popup of the flooding tab tells the user what was counted but not listed.
  const floodTab = (await waitForReport(browser, { pageUrl: flood.url() })).tabId;
  const popup = await browser.context.newPage();
  await popup.goto(browser.popupUrl(floodTab));
  await popup.waitForSelector('#omitted:not([hidden])');
  assert.match(await popup.textContent('#omitted'), new RegExp(`${FLOOD - 50} more requests to hosts of listed companies`));
  await popup.close();

  const bytes = await browser.statePage.evaluate(() => chrome.storage.session.getBytesInUse(null));
  assert.ok(bytes < 8_500_000, `storage.session holds ${bytes} bytes`);
  assert.deepEqual(errors.filter((e) => /quota/i.test(e)), []);
  const all = await readSession(browser);
  assert.ok(Object.keys(all).filter((k) => k.startsWith('tab:')).length >= 2);
  await flood.close();
});
