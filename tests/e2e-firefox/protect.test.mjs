// End to end in headless Firefox with the Firefox package and its default protection: blocking,
// the blocks the report counts, and GPC checked against what the demo server received (the
// witness), and settings that survive a restart of the background page.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_URL } from '../demo/server.mjs';
import { readLocal, saveSettings, visit, waitForReport, waitUntil } from '../support/browser.mjs';
import { restartBackground } from '../support/firefox.mjs';
import { demoSession, disagreements } from '../support/demo-session.mjs';

// Hosts the default settings block on the demo page (advertising, session replay, fingerprinting).
const BLOCKED = ['googleads.g.doubleclick.net', 'connect.facebook.net', 'static.hotjar.com', 'api.fpjs.io'];
// The companies all of whose requests on the demo page those blocks stop.
const STOPPED = ['Meta', 'Hotjar', 'Fingerprint'];

describe('on firefox, protecting on the demo news page', () => {
  const session = demoSession({ browser: 'firefox' });

  test('blocking keeps advertising hosts from the server, the report counts those blocks, and GPC reaches it', async () => {
    const mark = Date.now();
    const { page, tabId } = await visit(session.browser, DEMO_URL, { waitForCookies: false });
    // The page's own script ran to its end: its last request is in the demo's log.
    await waitUntil(() => session.demo.received('www.google-analytics.com').length, 'the analytics hit');
    for (const host of BLOCKED) assert.equal(session.demo.received(host).length, 0, `${host} reached the server`);
    // Firefox reports those blocks as plain aborts; the report counts them as blocks because the
    // core says TrackLens' rules stop them. It agrees with the server on what reached each company.
    let last = [];
    const { report } = await waitForReport(session.browser, { tabId }, (r) => {
      last = disagreements(session.demo, r, mark);
      return ['Google', ...STOPPED].every((name) => r.companies[name]) && last.length === 0;
    }).catch((error) => { throw new Error(`${error.message}; report against server: ${JSON.stringify(last)}`); });
    for (const name of STOPPED) assert.equal(report.companies[name].state, 'blocked', name);
    assert.ok(report.blockedRequests >= BLOCKED.length);
    assert.equal(report.companies.Google.requests > report.companies.Google.blocked, true, 'Google\'s analytics loaded');
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
