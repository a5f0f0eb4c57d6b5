// End to end in headless Firefox with the Firefox package and its default protection: blocking
// and GPC checked against what the demo server received (the witness), and settings that survive
// a restart of the background page.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_URL } from '../demo/server.mjs';
import { readLocal, saveSettings, visit, waitForReport, waitUntil } from '../support/browser.mjs';
import { restartBackground } from '../support/firefox.mjs';
import { demoSession } from '../support/demo-session.mjs';

// Hosts the default settings block on the demo page (advertising, session replay, fingerprinting).
const BLOCKED = ['googleads.g.doubleclick.net', 'connect.facebook.net', 'static.hotjar.com', 'api.fpjs.io'];

describe('on firefox, protecting on the demo news page', () => {
  const session = demoSession({ browser: 'firefox' });

  test('blocking keeps advertising hosts from the server, and GPC reaches it', async () => {
    const { page, tabId } = await visit(session.browser, DEMO_URL, { waitForCookies: false });
    // The page's own script ran to its end: its last request is in the demo's log.
    await waitUntil(() => session.demo.received('www.google-analytics.com').length, 'the analytics hit');
    await waitForReport(session.browser, { tabId }, (r) => r.companies.Google && r.companies.Meta);
    for (const host of BLOCKED) assert.equal(session.demo.received(host).length, 0, `${host} reached the server`);
    assert.ok(session.demo.received('www.googletagmanager.com').length >= 1, 'an unblocked tracker loads');
    // Sec-GPC on the page's subresources, as the server saw them, and never doubled.
    const gpc = session.demo.received('news.example').filter((r) => r.path.startsWith('/static/')).map((r) => r.headers['sec-gpc']);
    assert.ok(gpc.length >= 1);
    assert.deepEqual([...new Set(gpc)], ['1']);
    assert.equal(await page.evaluate(() => navigator.globalPrivacyControl), true);
    await page.close();
  });

  test('settings survive a restart of the background page', async () => {
    const { settings } = await readLocal(session.browser, 'settings');
    const changed = { ...settings, sites: { ...settings.sites, 'shop.example': { mode: 'paused' } } };
    await saveSettings(session.browser, changed);
    const status = await restartBackground(session.browser);
    assert.equal(status.ok, true);
    const { settings: after } = await readLocal(session.browser, 'settings');
    assert.equal(after.sites['shop.example']?.mode, 'paused');
    // And they are in effect again: the new background installed the rules and still blocks.
    const before = session.demo.received('www.google-analytics.com').length;
    const { page } = await visit(session.browser, DEMO_URL, { waitForCookies: false });
    await waitUntil(() => session.demo.received('www.google-analytics.com').length > before, 'the analytics hit after the restart');
    for (const host of BLOCKED) assert.equal(session.demo.received(host).length, 0, `${host} reached the server after the restart`);
    await page.close();
  });
});
