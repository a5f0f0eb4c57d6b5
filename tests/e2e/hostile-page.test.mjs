// End to end: a hostile page (tests/demo/site/shop.example/static/hostile.js) tries every way to
// forge or erase TrackLens' evidence: probe events under the old and under guessed channel names,
// a second handshake, spying on the page world's events, rewritten built-ins and stacks, messages
// in the worker's format, text set by script with a synthetic input event, and synthetic or
// scripted submits right after a real leak. A second page (hostile-open.html) replaces its root
// element and rewrites itself with document.open(), which erases the document's and the window's
// listeners, then forges again in the new document. The pages log each step to their server (the
// witness); the forged findings must be absent from the report, the real ones present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OBSERVE_ONLY, openExtensionPage, readSession, visit, waitForReport } from '../support/browser.mjs';
import { demoSession } from '../support/demo-session.mjs';

const session = demoSession({ settings: OBSERVE_ONLY });
const HOSTILE_URL = 'https://shop.example/hostile.html';
const HOSTILE_SCRIPT = 'https://shop.example/static/hostile.js';

/** The steps the hostile page logged to its server, in order. */
function steps() {
  return session.demo.received('shop.example').filter((r) => r.path === '/hostile-log')
    .map((r) => new URLSearchParams(r.query).get('step'));
}

async function waitForStep(prefix, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = steps().find((s) => s.startsWith(prefix));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the hostile page never logged "${prefix}"; it logged ${JSON.stringify(steps())}`);
}

test('forged fingerprinting events, channels, stacks and messages are dropped; the real read-backs are kept', async () => {
  const { page, tabId } = await visit(session.browser, HOSTILE_URL, { waitForCookies: false });
  // The page forged on every name it learned, then read the canvas a second time: once that
  // second read-back is in the report, everything the page dispatched before it has been relayed.
  const learned = await waitForStep('forged-fingerprint:');
  const { report } = await waitForReport(session.browser, { tabId },
    (r) => r.fingerprinting?.[HOSTILE_SCRIPT]?.usage.canvas_readback >= 2, { timeoutMs: 10000 });
  // Spying on the page world learned no name but the one the page made up for its own hello.
  assert.equal(learned, 'forged-fingerprint:tracklens:fingerprint-forged');
  // Only what really happened: two read-backs by hostile.js, one by a call whose stack the page
  // rewrote (attributed to the page, not to the script the rewritten stack named).
  assert.deepEqual(Object.keys(report.fingerprinting).sort(), [HOSTILE_URL, HOSTILE_SCRIPT]);
  assert.equal(report.fingerprinting[HOSTILE_SCRIPT].usage.canvas_readback, 2);
  assert.equal(report.fingerprinting[HOSTILE_URL].usage.canvas_readback, 1);
  for (const entry of Object.values(report.fingerprinting)) {
    assert.equal(entry.usage.fonts, 0);
    assert.notEqual(entry.company, 'Google');
  }
  assert.ok(!JSON.stringify(report).includes('google-analytics'), 'no forged Google finding anywhere in the report');
  const popup = await openExtensionPage(session.browser, `extension/popup/popup.html?tab=${tabId}`);
  assert.doesNotMatch(await popup.locator('body').textContent(), /Google/);
  await popup.close();
  await page.close();
});

test('text set by script with a synthetic input event or inserted by execCommand is no leak; a real leak survives synthetic and scripted submits', async () => {
  const { page, tabId } = await visit(session.browser, HOSTILE_URL, { waitForCookies: false });
  // The key logger uploaded the scripted address, then tried both submits; the upload is recorded.
  await waitForStep('forged-submit:forged.victim@example.org');
  assert.ok(session.demo.received('rs.fullstory.com').some((r) => r.body === 'v=forged.victim@example.org'));
  // Then it inserted an address with execCommand, which the browser announced with a trusted
  // input event, and uploaded that too.
  assert.equal(await waitForStep('exec-command:'), 'exec-command:true');
  assert.equal(await waitForStep('exec-input:'), 'exec-input:trusted=true,type=insertText');
  await waitForStep('forged-submit:exec.victim@example.org');
  assert.ok(session.demo.received('rs.fullstory.com').some((r) => r.body === 'v=exec.victim@example.org'));
  // Once both uploads are in the tab's report, each has been checked for leaks.
  const { report: before } = await waitForReport(session.browser, { tabId }, (r) => r.companies?.FullStory?.requests >= 2);
  assert.equal(before.companies.FullStory.requests, 2);
  assert.deepEqual(before.leaks ?? [], []);

  // Now the visitor types, key by key; the logger uploads it and at once submits, synthetically
  // and by script.
  await page.locator('#email').clear();
  await page.locator('#email').pressSequentially('jane.roe@example.com');
  await waitForStep('forged-submit:jane.roe@example.com');
  assert.ok(session.demo.received('rs.fullstory.com').some((r) => r.body === 'v=jane.roe@example.com'));
  const { report } = await waitForReport(session.browser, { tabId }, (r) => r.leaks?.length > 0, { timeoutMs: 10000 });
  assert.deepEqual(report.leaks, [{ field: 'email', host: 'rs.fullstory.com', company: 'FullStory', encoding: 'plain', location: 'body' }]);
  const stored = JSON.stringify(await readSession(session.browser));
  assert.ok(!stored.includes('jane.roe'), 'the typed value is never stored');
  await page.close();
});

test('a page rewritten with document.open() cannot blind the probe or the key-logging watch, nor forge in the new document', async () => {
  const OPEN_URL = 'https://shop.example/hostile-open.html';
  const BEFORE = 'https://shop.example/static/hostile-open.js';
  const LATE = 'https://shop.example/static/hostile-late.js';
  const { page, tabId } = await visit(session.browser, OPEN_URL, { waitForCookies: false });
  await waitForReport(session.browser, { tabId }, (r) => r.fingerprinting?.[BEFORE]?.usage.canvas_readback >= 1, { timeoutMs: 10000 });
  // The visitor's click makes the page replace its root element and rewrite itself in the same
  // window; the rewritten page forges, then reads a canvas for real.
  await page.click('#reopen');
  await waitForStep('reopened');
  await waitForStep('late-forged');
  const { report } = await waitForReport(session.browser, { tabId },
    (r) => r.fingerprinting?.[LATE]?.usage.canvas_readback >= 1, { timeoutMs: 10000 });
  assert.deepEqual(Object.keys(report.fingerprinting).sort(), [BEFORE, LATE].sort());
  assert.equal(report.fingerprinting[LATE].usage.canvas_readback, 1);
  assert.ok(!JSON.stringify(report).includes('google-analytics'), 'no forged Google finding anywhere in the report');

  // What the visitor types into the rewritten page's form, and its key logger uploads, is a leak.
  await page.locator('#email').pressSequentially('rewritten@example.com');
  await waitForStep('late-upload:rewritten@example.com');
  const { report: typed } = await waitForReport(session.browser, { tabId }, (r) => r.leaks?.length > 0, { timeoutMs: 10000 });
  assert.deepEqual(typed.leaks, [{ field: 'email', host: 'rs.fullstory.com', company: 'FullStory', encoding: 'plain', location: 'body' }]);
  await page.close();
});
