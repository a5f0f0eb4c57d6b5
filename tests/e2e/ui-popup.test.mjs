// End to end: the popup on the demo news site as a user sees it: companies with purposes, state,
// what each collected and why; cookies with lifetimes; the badge; keyboard use; widths from 320
// to 800 px; light and dark screenshots (tests/artifacts/); hostile names shown as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_URL } from '../demo/server.mjs';
import { OBSERVE_ONLY, openExtensionPage, visit, waitForReport } from '../support/browser.mjs';
import { demoSession } from '../support/demo-session.mjs';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
// Observation only: protection paused on the demo sites, so every tracker loads as it would without TrackLens' controls.
const session = demoSession({ settings: OBSERVE_ONLY });
const popupPath = (tabId) => `extension/popup/popup.html?tab=${tabId}`;

// The report is complete once cookies, storage and the fingerprinting verdict are in.
const complete = (r) => ['_ga', '_fbp', 'IDE', 'SESSIONID'].every((name) => r.cookies?.some((c) => c.name === name))
  && r.storage?.some((s) => s.name === '_hjid') && Object.keys(r.fingerprinting ?? {}).length;

// The demo page, visited once before the first test that needs it (after demoSession's hook).
let visited = null;
const visitDemo = () => (visited ??= (async () => {
  const tab = await visit(session.browser, DEMO_URL);
  return { ...tab, report: (await waitForReport(session.browser, { tabId: tab.tabId }, complete, { timeoutMs: 10000 })).report };
})());

test('each tracking company shows purposes, requests, state, what it collected and why', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  const companies = await popup.locator('#trackers > li').evaluateAll((items) => Object.fromEntries(items.map((li) => [li.dataset.company, {
    state: li.querySelector('.state').textContent,
    requests: li.querySelector('.requests').textContent,
    purposes: [...li.querySelectorAll('.categories li')].map((c) => c.textContent),
    collected: li.querySelector('.collected').textContent,
    kinds: li.querySelector('.collected').dataset.kinds ?? '',
    reasons: [...li.querySelectorAll('.reasons li')].map((r) => r.textContent),
    sent: [...li.querySelectorAll('.sent li')].map((r) => r.textContent),
  }])));
  assert.deepEqual(Object.keys(companies).sort(), ['Fingerprint', 'Google', 'Hotjar', 'Meta', 'Optimizely', 'X']);
  for (const [name, company] of Object.entries(companies)) {
    // Nothing is blocked on this branch: every company says so in words, not colour alone.
    assert.equal(company.state, 'Allowed', name);
    assert.equal(company.requests, `${demo.report.companies[name].requests} request${demo.report.companies[name].requests === 1 ? '' : 's'}`);
    assert.ok(company.reasons.length > 0, `${name} explains itself`);
  }
  assert.deepEqual(companies.Google.purposes.sort(), ['Advertising', 'Analytics', 'Tag managers']);
  assert.match(companies.Google.collected, /cookies .*_ga.*identifiers \(cid\).*address of the page you are on/);
  assert.ok(companies.Google.sent.includes('dl: the address of the page you are on'));
  assert.match(companies.Meta.collected, /_fbp.*identifiers \(fbp\)/);
  assert.ok(companies.Fingerprint.kinds.split(' ').includes('fingerprinting'));
  assert.ok(companies.Hotjar.kinds.split(' ').includes('replay'));
  assert.ok(companies.Hotjar.purposes.includes('Session replay'));
  assert.match(companies.Google.reasons.join('\n'), /matches EasyPrivacy/);

  // Cookies by purpose with first/third party and lifetime.
  const cookies = await popup.locator('li.cookie').evaluateAll((items) => Object.fromEntries(items.map((li) => [li.dataset.cookie, {
    lifetime: li.querySelector('.lifetime').textContent, party: li.querySelector('.party').textContent, group: li.closest('.cookie-group').dataset.purpose,
  }])));
  assert.deepEqual(cookies.IDE, { lifetime: 'Lasts 1.1 years', party: 'third party', group: 'advertising' });
  assert.equal(cookies._fbp.lifetime, 'Lasts 3 months');
  assert.equal(cookies.SESSIONID.lifetime, 'Lasts until the browser closes');
  assert.equal(cookies._hjid.lifetime, 'Lasts until cleared');
  assert.match(await popup.locator('#summary-detail').textContent(), /identifiers stored · fingerprinted by 1 script owner/);
  assert.equal(await popup.locator('#controls').count(), 1, 'the inline controls slot is there');
  assert.equal(await popup.locator('#leaks-section').isHidden(), true);
  await popup.close();
});

test('the toolbar badge counts the tracking companies', async () => {
  const demo = await visitDemo();
  const text = await session.browser.worker.evaluate((tabId) => chrome.action.getBadgeText({ tabId }), demo.tabId);
  assert.equal(text, '6');
});

test('keyboard: the dashboard link and every "why" disclosure can be reached and opened', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  await popup.keyboard.press('Tab');
  assert.equal(await popup.evaluate(() => document.activeElement.id), 'open-dashboard');
  // Past the site's protection controls, the first tracking company's "why" is next.
  const company = () => popup.evaluate(() => document.activeElement.closest('#trackers li.company')?.dataset.company);
  for (let presses = 0; presses < 40 && !(await company()); presses += 1) await popup.keyboard.press('Tab');
  assert.equal(await company(), 'Google');
  await popup.keyboard.press('Enter');
  assert.equal(await popup.locator('#trackers > li[data-company="Google"] details.why').getAttribute('open'), '');
  // Every interactive element has a name a screen reader can read.
  const unnamed = await popup.evaluate(() => [...document.querySelectorAll('a, button, summary, input, select')]
    .filter((e) => !e.textContent.trim() && !e.getAttribute('aria-label') && !e.labels?.length).length);
  assert.equal(unnamed, 0);
  await popup.close();
});

test('from 320 to 800 px wide nothing overflows sideways; light and dark screenshots', async () => {
  const demo = await visitDemo();
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const width of [320, 800]) {
    const popup = await openExtensionPage(session.browser, popupPath(demo.tabId), { width });
    const overflow = await popup.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${width} px: ${overflow} px too wide`);
    await popup.close();
  }
  for (const colorScheme of ['light', 'dark']) {
    const popup = await openExtensionPage(session.browser, popupPath(demo.tabId), { colorScheme });
    const [bg, fg] = await popup.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
    assert.equal(bg, colorScheme === 'dark' ? 'rgb(20, 24, 31)' : 'rgb(255, 255, 255)');
    assert.equal(fg, colorScheme === 'dark' ? 'rgb(230, 233, 239)' : 'rgb(29, 35, 48)');
    await popup.screenshot({ path: `${ARTIFACTS}/popup-${colorScheme}.png`, fullPage: true });
    await popup.close();
  }
});

test('hostile names from a page are shown as text, never as markup', async () => {
  const popup = await openExtensionPage(session.browser, popupPath(-7));
  const evil = '<img src=x onerror="document.title=\'pwned\'">';
  await popup.evaluate((name) => chrome.storage.session.set({ 'tab:-7': {
    pageUrl: 'https://evil.example/', site: 'evil.example', startedAt: Date.now(), requests: 1, thirdPartyRequests: 1, errors: 0,
    companies: { [name]: { name, parent: name, tracker: true, categories: ['advertising'], hosts: [name], requests: 1, reasons: [name], cookiesSent: [name], cookiesSet: [], privacyPolicy: 'javascript:alert(1)' } },
    unknownThirdParties: {}, hostOwners: {}, thirdPartySites: [],
    cookies: [{ name, domain: name, path: '/', purpose: 'advertising', vendor: name, identifier: true, reason: name, thirdParty: true, expires: null }],
    leaks: [{ field: name, host: 'x.example', company: name, encoding: 'plain', location: 'url' }],
    consent: null,
  } }), evil);
  await popup.waitForSelector(`#trackers > li[data-company="${evil.replaceAll('"', '\\"')}"]`);
  assert.equal(await popup.locator('img').count(), 0);
  assert.equal(await popup.locator('#trackers .name').textContent(), evil);
  assert.equal(await popup.locator('.policy').isHidden(), true, 'a non-https policy address is not linked');
  assert.notEqual(await popup.title(), 'pwned');
  await popup.close();
});

test('blocking state and Global Privacy Control are shown when the report carries them', async () => {
  const popup = await openExtensionPage(session.browser, popupPath(-8));
  const company = (name, extra) => ({
    name, parent: null, tracker: true, categories: ['advertising'], hosts: [`${name.toLowerCase()}.example`], requests: 2, reasons: ['known'],
    cookiesSent: [], cookiesSet: [], ...extra,
  });
  await popup.evaluate((companies) => chrome.storage.session.set({ 'tab:-8': {
    pageUrl: 'https://blocked.example/', site: 'blocked.example', startedAt: Date.now(), requests: 4, thirdPartyRequests: 4, errors: 0,
    companies, unknownThirdParties: {}, hostOwners: {}, thirdPartySites: [], cookies: [], consent: null, gpc: { sent: true },
  } }), { Adco: company('Adco', { blocked: 2 }), Trackco: company('Trackco', { state: 'cookie-stripped' }), Openco: company('Openco') });
  await popup.waitForSelector('#trackers > li[data-company="Adco"]');
  const states = await popup.locator('#trackers > li').evaluateAll((items) => Object.fromEntries(items.map((li) => [li.dataset.company, li.querySelector('.state').textContent])));
  assert.deepEqual(states, { Adco: 'Blocked', Trackco: 'Cookies stripped', Openco: 'Allowed' });
  assert.match(await popup.locator('#summary-detail').textContent(), /1 company blocked/);
  assert.match(await popup.locator('#gpc').textContent(), /^Global Privacy Control: sent, telling this site not to sell/);
  await popup.close();
});

test('"All sites" opens the dashboard in a new tab', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  const [dashboard] = await Promise.all([session.browser.context.waitForEvent('page'), popup.click('#open-dashboard')]);
  await dashboard.waitForSelector('body[data-ready="true"]');
  assert.match(dashboard.url(), /\/extension\/dashboard\/dashboard\.html$/);
  assert.match(await dashboard.locator('#totals').textContent(), /^1 site · 6 tracking companies/);
  await dashboard.close();
  await popup.close();
});
