// End to end: fingerprinting detection (the page-world probe, the relay, the core's score) and
// key-logging detection (typed text found in a third-party request body before submit), on the
// demo sites, with the demo servers' request log as the witness of what left the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BASELINE_URL, DEMO_URL } from '../demo/server.mjs';
import { OBSERVE_ONLY, openExtensionPage, readSession, visit, waitForReport } from '../support/browser.mjs';
import { demoSession } from '../support/demo-session.mjs';

// Observation only: protection paused on the demo sites, so every tracker loads as it would without TrackLens' controls.
const session = demoSession({ settings: OBSERVE_ONLY });
const LOADER = 'https://fpnpmcdn.net/v3/demo/loader_v3.js';
const fingerprinted = (report) => report.fingerprinting?.[LOADER]?.verdict;

test('the demo fingerprinting script is detected, scored high and attributed to its company', async () => {
  const { page, tabId } = await visit(session.browser, DEMO_URL);
  const { report } = await waitForReport(session.browser, { tabId }, fingerprinted, { timeoutMs: 10000 });
  const entry = report.fingerprinting[LOADER];
  assert.equal(entry.company, 'Fingerprint');
  assert.equal(entry.host, 'fpnpmcdn.net');
  assert.equal(entry.verdict.level, 'high');
  // What the demo script does: canvas read-back, 25 font probes, navigator and screen traits.
  for (const technique of ['canvas', 'fonts', 'navigator', 'screen']) assert.ok(entry.verdict.techniques.includes(technique), technique);
  assert.equal(entry.usage.fonts, 25);
  assert.ok(entry.usage.canvas_readback >= 1);
  assert.ok(entry.usage.navigator.includes('userAgent'));
  // The fingerprint really left: the vendor's collector received the hash.
  assert.ok(session.demo.received('api.fpjs.io').some((r) => r.method === 'POST'));
  // No other demo script reads canvases or probes fonts.
  for (const [script, other] of Object.entries(report.fingerprinting)) {
    if (script !== LOADER) assert.notEqual(other.verdict.level, 'high', script);
  }

  const popup = await openExtensionPage(session.browser, `extension/popup/popup.html?tab=${tabId}`);
  const fp = popup.locator('#trackers > li[data-company="Fingerprint"]');
  assert.match(await fp.locator('.collected').textContent(), /fingerprinting \(high: canvas.*fonts/);
  assert.match(await fp.locator('.reasons').textContent(), /probed 25 font families/);
  await popup.close();
  await page.close();
});

test('a page without scripts records no fingerprinting (baseline)', async () => {
  const { page, tabId } = await visit(session.browser, BASELINE_URL);
  const report = (await readSession(session.browser))[`tab:${tabId}`];
  assert.deepEqual(Object.keys(report.fingerprinting ?? {}), []);
  await page.close();
});

test('audio rendering, font checks and pixel reads are each counted, attributed to the page when no script file calls them', async () => {
  const { page, tabId } = await visit(session.browser, BASELINE_URL);
  await page.evaluate(async () => {
    const audio = new OfflineAudioContext(1, 44100, 44100);
    const oscillator = audio.createOscillator();
    oscillator.connect(audio.destination);
    oscillator.start(0);
    await audio.startRendering();
    for (let i = 0; i < 30; i++) document.fonts.check(`12px "Probe Font ${i}"`);
    const canvas = document.createElement('canvas');
    canvas.getContext('2d').getImageData(0, 0, 1, 1);
  });
  const { report } = await waitForReport(session.browser, { tabId }, (r) => r.fingerprinting?.[BASELINE_URL]?.usage.audio > 0);
  const { usage, verdict, company } = report.fingerprinting[BASELINE_URL];
  assert.equal(usage.fonts, 30);
  assert.equal(usage.canvas_readback, 1);
  assert.equal(company, null);
  assert.deepEqual(verdict.techniques, ['canvas', 'audio', 'fonts']);
  assert.equal(verdict.level, 'high');
  await page.close();
});

test('an e-mail address hashed and sent by a replay script before submit is flagged, without keeping it', async () => {
  const email = '  Jane.Doe@Example.com';
  const { page, tabId } = await visit(session.browser, 'https://shop.example/');
  await page.fill('#email', email);
  const { report } = await waitForReport(session.browser, { tabId }, (r) => r.leaks?.length > 0, { timeoutMs: 10000 });
  assert.deepEqual(report.leaks, [{ field: 'email', host: 'rs.fullstory.com', company: 'FullStory', encoding: 'sha256', location: 'body' }]);
  // The witness: the collector received the SHA-256 of the trimmed, lower-cased address, before any submit.
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  assert.ok(session.demo.received('rs.fullstory.com').some((r) => r.body?.includes(digest)));
  assert.equal(session.demo.received('shop.example').filter((r) => r.path === '/subscribed.html').length, 0);
  // Neither the address nor its hash is stored anywhere by TrackLens.
  const stored = JSON.stringify(await readSession(session.browser)) + JSON.stringify(await session.browser.statePage.evaluate(() => chrome.storage.local.get(null)));
  assert.ok(!stored.toLowerCase().includes('jane.doe'));
  assert.ok(!stored.includes(digest));

  const popup = await openExtensionPage(session.browser, `extension/popup/popup.html?tab=${tabId}`);
  assert.equal(await popup.locator('#leaks-section').isHidden(), false);
  assert.match(await popup.locator('#leaks li').textContent(), /"email" went to FullStory \(rs\.fullstory\.com\), hashed with SHA-256/);
  assert.match(await popup.locator('#trackers > li[data-company="FullStory"] .collected').textContent(), /session replay.*what you typed in "email"/);
  await popup.close();
  await page.close();
});

test('text the replay script does not send is not flagged (baseline)', async () => {
  const { page, tabId } = await visit(session.browser, 'https://shop.example/');
  const before = session.demo.received('rs.fullstory.com').length;
  await page.fill('#email', 'no-at-sign-here'); // the demo script uploads addresses only
  // The recorder marks its decision on the field: it saw the keystroke and armed no upload.
  await page.waitForSelector('#email[data-replay="ignored"]', { state: 'attached' });
  assert.equal(session.demo.received('rs.fullstory.com').length, before);
  const report = (await readSession(session.browser))[`tab:${tabId}`];
  assert.deepEqual(report.leaks ?? [], []);
  await page.close();
});

test('tracker requests name what they carried: client ID, page address', async () => {
  const { page, tabId } = await visit(session.browser, DEMO_URL);
  const carried = (r) => r.companies.Google?.sent?.some((p) => p.name === 'cid') && r.companies.Meta?.sent?.some((p) => p.name === 'fbp');
  const { report } = await waitForReport(session.browser, { tabId }, carried);
  const google = Object.fromEntries(report.companies.Google.sent.map((p) => [p.name, p.kind]));
  assert.equal(google.cid, 'identifier');
  assert.equal(google.dl, 'page');
  const meta = Object.fromEntries(report.companies.Meta.sent.map((p) => [p.name, p.kind]));
  assert.equal(meta.fbp, 'identifier');
  await page.close();
});
