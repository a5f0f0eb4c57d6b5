// End to end: the settings have one writer (the worker) and every page's change sticks, in the
// order a user would make them across pages: dashboard (history preferences) → popup (a
// protection control, cookies kept deleted) → options (export) → a reset → options (import) →
// popup (trust the site). After each step the stored settings and the installed DNR rules are
// checked; each wait is on an explicit signal (the worker's protectionStatus written after the
// rules are installed, a page's status line, a download). Then a web page tries to reach the
// settings and another tab's report through what it can touch: it reaches neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO_URL } from '../demo/server.mjs';
import { openExtensionPage, saveSettings, settingsInEffect, visit, waitForReport } from '../support/browser.mjs';
import { demoSession } from '../support/demo-session.mjs';

const session = demoSession();
const SHOP_URL = DEMO_URL.replace('news.example', 'shop.example');

const inEffect = (mark) => settingsInEffect(session.browser, mark);

const onDomain = (rules, domain) => rules.filter((r) => (r.condition.requestDomains ?? []).includes(domain));
const kinds = (rules) => rules.map((r) => `${r.priority}:${r.action.type}`).sort();

async function openPopup(tabId) {
  const popup = await openExtensionPage(session.browser, `extension/popup/popup.html?tab=${tabId}`, { width: 700 });
  await popup.waitForSelector('#site-switch .switch');
  return popup;
}

async function click(popup, selector) {
  const mark = Date.now();
  await popup.click(selector);
  await popup.locator('#controls-status', { hasText: /Saved|Deleted/ }).waitFor();
  return inEffect(mark);
}

test('a change in each page sticks and keeps the others: dashboard, popup, options export and import', async () => {
  const { page, tabId } = await visit(session.browser, DEMO_URL);
  const start = await inEffect(0);
  assert.equal(start.settings.historyEnabled, true);

  // 1. Dashboard: keep the history 7 days, then turn it off.
  const dashboard = await openExtensionPage(session.browser, 'extension/dashboard/dashboard.html', { width: 1100 });
  let mark = Date.now();
  await dashboard.fill('#retention', '7');
  await dashboard.locator('#retention').dispatchEvent('change');
  let now = await inEffect(mark);
  assert.equal(now.settings.retentionDays, 7);
  mark = Date.now();
  await dashboard.uncheck('#history-enabled');
  now = await inEffect(mark);
  assert.equal(now.settings.historyEnabled, false);
  assert.equal(now.settings.retentionDays, 7);
  assert.deepEqual(kinds(now.rules), kinds(start.rules), 'history preferences change no rule');
  await dashboard.close();

  // 2. Popup: block X everywhere (this save used to be refused), then keep cookies deleted.
  let popup = await openPopup(tabId);
  assert.equal(await popup.locator('#trackers > li[data-company="X"]').getAttribute('data-treatment'), 'none');
  await popup.locator('#trackers > li[data-company="X"] details.why > summary').click();
  now = await click(popup, '#trackers > li[data-company="X"] button[data-scope="all"][data-treatment="block"]');
  assert.equal(now.settings.companies.X, 'block');
  assert.deepEqual([now.settings.historyEnabled, now.settings.retentionDays], [false, 7]);
  const xBlocks = now.rules.filter((r) => r.priority === 20 && r.action.type === 'block');
  assert.ok(xBlocks.some((r) => r.condition.requestDomains.includes('twitter.com')), 'a company rule blocks X');
  const xRow = popup.locator('#trackers > li[data-company="X"][data-treatment="block"]');
  await xRow.waitFor();
  assert.equal(await xRow.locator('.source').textContent(), 'Blocked by your choice for X everywhere. Set by: your company setting.');
  const boxes = popup.locator('.delete-cookies input[name="purpose"]');
  if (await boxes.count()) {
    for (const box of await boxes.all()) await box.check();
    now = await click(popup, 'button[data-action="delete-cookies"]');
    assert.ok(now.settings.sites['news.example'].deleteCookies.length > 0);
    assert.deepEqual([now.settings.historyEnabled, now.settings.retentionDays], [false, 7], 'history stays off');
  }
  await popup.close();

  // 3. Options: export what is stored now.
  const options = await openExtensionPage(session.browser, 'extension/options/options.html', { width: 900 });
  const [download] = await Promise.all([options.waitForEvent('download'), options.click('#export')]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(exported, now.settings);

  // 4. A reset, then the import of the exported file through the options page.
  mark = Date.now();
  await saveSettings(session.browser, { version: 1 });
  now = await inEffect(mark);
  assert.equal(now.settings.historyEnabled, true);
  assert.equal(now.rules.filter((r) => r.priority === 20).length, 0, 'no company rule after the reset');
  mark = Date.now();
  await options.setInputFiles('#import', { name: 'exported.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await options.locator('#status', { hasText: 'Imported exported.json' }).waitFor();
  now = await inEffect(mark);
  assert.deepEqual(now.settings, exported);
  assert.deepEqual(kinds(now.rules.filter((r) => r.priority === 20)), kinds(xBlocks));
  await options.close();

  // 5. Popup: X is still blocked; trusting the site keeps everything else.
  popup = await openPopup(tabId);
  assert.equal(await popup.locator('#trackers > li[data-company="X"]').getAttribute('data-treatment'), 'block');
  now = await click(popup, 'button[data-action="site-mode"][data-mode="trusted"]');
  assert.equal(now.settings.sites['news.example'].mode, 'trusted');
  assert.deepEqual([now.settings.historyEnabled, now.settings.retentionDays, now.settings.companies.X], [false, 7, 'block']);
  assert.deepEqual(kinds(onDomain(now.rules, 'news.example')), ['70:allowAllRequests']);
  await popup.locator('#trackers > li[data-company="X"][data-treatment="allow"]').waitFor();
  assert.match(await popup.locator('#trackers > li[data-company="X"] .source').textContent(), /you trust this site/);
  await popup.close();
  await page.close();
  await saveSettings(session.browser, { version: 1 });
});

test('a web page can neither send a settings message nor put findings into another tab\'s report', async () => {
  await saveSettings(session.browser, { version: 1 });
  const before = await inEffect(0);
  const victim = await visit(session.browser, DEMO_URL);
  const attacker = await visit(session.browser, SHOP_URL);
  const forged = 'https://forged.example/fp.js';
  const attempts = await attacker.page.evaluate(async ({ extensionId, victimTab, script }) => {
    const results = [];
    // The extension's own message API: not exposed to pages (no externally_connectable).
    for (const type of ['tracklens/settings/save', 'tracklens/settings/change', 'tracklens/cookies/delete', 'tracklens/clear-history']) {
      try {
        await globalThis.chrome?.runtime?.sendMessage?.(extensionId, { type, settings: { version: 1, gpc: false }, tabId: victimTab });
        results.push(globalThis.chrome?.runtime?.sendMessage ? `${type}: sent` : `${type}: no API`);
      } catch (error) {
        results.push(`${type}: ${error.message}`);
      }
    }
    // What our content scripts listen to, with another tab's id and a settings payload inside.
    const detail = JSON.stringify({
      type: 'tracklens/settings/save', tabId: victimTab, settings: { version: 1, gpc: false },
      scripts: [{ script, canvas_readback: 3, webgl_unmasked: 1, audio: 1, fonts: 40, navigator: ['userAgent'], screen: ['width'] }],
    });
    document.dispatchEvent(new CustomEvent('tracklens:fingerprint', { detail }));
    window.postMessage({ type: 'tracklens/settings/save', settings: { version: 1, gpc: false }, tabId: victimTab }, '*');
    // Then a real canvas read-back (attributed to the page itself): once it is in the report,
    // everything dispatched before it has been through the relay.
    const canvas = document.createElement('canvas');
    canvas.getContext('2d').fillText('TrackLens', 2, 10);
    canvas.toDataURL();
    return results;
  }, { extensionId: session.browser.extensionId, victimTab: victim.tabId, script: forged });
  for (const line of attempts) assert.doesNotMatch(line, /: sent$/, line);

  const attackerUrl = attacker.page.url();
  const { report: attackerReport } = await waitForReport(session.browser, { tabId: attacker.tabId },
    (r) => r.fingerprinting?.[attackerUrl]?.usage?.canvas_readback >= 1);
  assert.ok(!JSON.stringify(attackerReport).includes('forged.example'), 'the forged finding is dropped');
  const { report: victimReport } = await waitForReport(session.browser, { tabId: victim.tabId });
  assert.ok(!JSON.stringify(victimReport).includes('forged.example'), 'nothing in the other tab');
  const after = await inEffect(0);
  assert.deepEqual(after.settings, before.settings, 'the settings are untouched');
  assert.deepEqual(kinds(after.rules), kinds(before.rules));
  await attacker.page.close();
  await victim.page.close();
});
