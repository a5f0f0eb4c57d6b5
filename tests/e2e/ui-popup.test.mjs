// End to end: the popup on the demo news site with the default protection, as a user sees it.
// The witness is the demo server's request log, not our own report: a company shown as blocked
// reached the server with nothing, a partly blocked one with exactly the requests the popup says
// were sent, one loaded without cookies with no Cookie header. Then the first screen at 380×600
// (viewport, not the full page), the three-state control against the log, keyboard reach, widths
// from 320 to 800 px with light and dark screenshots (tests/artifacts/), hostile names as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_URL } from '../demo/server.mjs';
import { VOCABULARY } from '../../extension/pkg/vocabulary.js';
import { openExtensionPage, saveSettings, settingsInEffect, visit, waitForReport, waitUntil } from '../support/browser.mjs';
import { demoSession, disagreements, receivedSince } from '../support/demo-session.mjs';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const session = demoSession();
const popupPath = (tabId) => `extension/popup/popup.html?tab=${tabId}`;
const TRACKERS = ['Fingerprint', 'Google', 'Hotjar', 'Meta', 'Optimizely', 'X'];

const logged = (mark, hosts) => receivedSince(session.demo, mark, hosts);

// The demo page, visited once, and the report once it agrees with the server on every company.
let visited = null;
const visitDemo = () => (visited ??= (async () => {
  const mark = Date.now();
  const tab = await visit(session.browser, DEMO_URL);
  let last = [];
  const { report } = await waitForReport(session.browser, { tabId: tab.tabId }, (r) => {
    if (!TRACKERS.every((name) => r.companies?.[name])) return false;
    last = disagreements(session.demo, r, mark);
    return last.length === 0 && logged(mark, ['www.google-analytics.com']).length > 0;
  }, { timeoutMs: 15000 }).catch((error) => { throw new Error(`${error.message}; report vs server log: ${JSON.stringify(last)}`); });
  return { ...tab, mark, report };
})());

const rows = (popup) => popup.locator('#trackers > li.company').evaluateAll((items) => Object.fromEntries(items.map((li) => [li.dataset.company, {
  state: li.dataset.state,
  label: li.querySelector('.state').textContent,
  detail: li.querySelector('.state-detail').textContent,
  treatment: li.dataset.treatment,
  source: li.dataset.source,
  pressed: li.querySelector('.treatment-control [aria-pressed="true"]')?.dataset.treatment,
  purposes: [...li.querySelectorAll('.categories li')].map((c) => c.textContent),
  collected: li.querySelector('.collected').hidden ? '' : li.querySelector('.collected').textContent,
  kinds: li.querySelector('.collected').dataset.kinds ?? '',
}])));

test('each company\'s state is what the demo server saw: blocked ones absent, partly blocked with the right counts, stripped ones without cookies', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  const shown = await rows(popup);
  assert.deepEqual(Object.keys(shown).sort(), TRACKERS);
  for (const [name, row] of Object.entries(shown)) {
    const { hosts, requests } = demo.report.companies[name];
    const log = logged(demo.mark, hosts);
    if (row.state === 'blocked') {
      assert.equal(log.length, 0, `${name} is shown blocked and nothing reached it`);
      assert.equal(row.collected, '', `${name} was blocked: it collected nothing`);
    } else {
      assert.ok(log.length > 0, `${name} is shown ${row.label} and reached the server`);
    }
    if (row.state === 'partly_blocked') {
      assert.equal(row.detail, `${requests - log.length} of ${requests} requests stopped; ${log.length} sent.`, name);
    }
    if (row.state === 'loaded_without_cookies') {
      assert.deepEqual(log.filter((r) => Object.keys(r.cookies).length), [], `${name} is shown without cookies and none arrived`);
    }
    if (row.treatment === 'strip') {
      assert.deepEqual(log.filter((r) => Object.keys(r.cookies).length), [], `${name} is stripped: no Cookie header arrived`);
    }
    // The control shows the setting in force; nothing applies means it loads (allow); hosts
    // treated differently press none.
    const expected = row.treatment === 'mixed' ? undefined : row.treatment === 'none' ? 'allow' : row.treatment;
    assert.equal(row.pressed, expected, name);
  }
  // With the defaults: advertising, fingerprinting and session replay are stopped, Google partly
  // (its ad request; its analytics hit left, without cookies).
  assert.deepEqual([shown.Meta.state, shown.Hotjar.state, shown.Fingerprint.state, shown.Google.state],
    ['blocked', 'blocked', 'blocked', 'partly_blocked']);
  assert.equal(shown.Hotjar.label, 'Blocked');
  assert.ok(!shown.Hotjar.kinds.includes('replay'), 'a blocked recorder recorded nothing');
  assert.deepEqual([shown.Meta.source, shown.Optimizely.treatment, shown.X.treatment, shown.Google.treatment], ['default', 'strip', 'none', 'mixed']);
  assert.deepEqual(shown.Google.purposes, ['Advertising', 'Analytics', 'Tag managers']);
  assert.match(shown.Google.collected, /identifiers \(.*cid.*\)/);
  const analyticsHit = logged(demo.mark, ['www.google-analytics.com']).find((r) => r.query.includes('cid='));
  assert.ok(analyticsHit, 'the analytics hit carried cid, as the popup says');

  // "Why" in plain words first, the rules one click further; no engine names, no markdown.
  const google = popup.locator('#trackers > li[data-company="Google"]');
  await google.locator('details.why > summary').click();
  const why = await google.locator('details.why').evaluate((d) => ({
    about: d.querySelector('.about').textContent,
    lines: [...d.querySelectorAll('.why-lines li')].map((li) => li.textContent),
    expertOpen: d.querySelector('details.expert').open,
    evidence: [...d.querySelectorAll('.reasons li')].map((li) => li.textContent),
  }));
  assert.match(why.about, /^Google's advertising, analytics and tag manager services: /);
  assert.ok(why.lines.includes("googleads.g.doubleclick.net: blocked by your 'Advertising: Block' setting (a default)."), why.lines.join('\n'));
  assert.equal(why.expertOpen, false);
  // TrackLens' own words (cookie names in "Collected" are the sites' and stay as they are).
  const words = (await popup.locator('#summary, #purposes, #site-switch, .state, .state-detail, .categories, .source, .about, .why-lines, #consent-section, .cookie-group > summary')
    .allInnerTexts()).join('\n');
  assert.doesNotMatch(words, /\b[a-z]+_[a-z_]+\b|`|matches EasyPrivacy/, 'no snake_case, backticks or "matches EasyPrivacy" with the ruleset off');
  // Cookie reasons quote the sites' own cookie names, which may hold underscores
  // (optimizely_data$$...): there, look for the core vocabulary's own keys instead.
  const reasons = (await popup.locator('.cookie .reason').allInnerTexts()).join('\n');
  const keys = Object.values(VOCABULARY).flatMap((list) => (Array.isArray(list) ? list : [])).map((entry) => entry?.name)
    .filter((name) => typeof name === 'string' && name.includes('_'));
  assert.ok(keys.includes('session_replay'), 'the vocabulary names its keys');
  for (const key of keys) assert.doesNotMatch(reasons, new RegExp(`(^|[^\\w$])${key}([^\\w$]|$)`), `${key} in a cookie reason`);
  assert.doesNotMatch(reasons, /`|matches EasyPrivacy/, 'no backticks or "matches EasyPrivacy" in cookie reasons');
  assert.match(why.evidence.join('\n'), /listed in EasyPrivacy .*blocking is off/);
  await popup.close();
});

test('the first screen at 380×600 is the answer: site, sentence, purposes with counts, the switch and the first company', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId), { width: 380, height: 600 });
  const shown = await rows(popup);
  const count = (state) => Object.values(shown).filter((r) => r.state === state).length;
  const partly = count('partly_blocked');
  assert.equal(await popup.locator('#site').textContent(), 'news.example');
  assert.equal(await popup.locator('#summary').textContent(),
    `6 companies tried to track you here; TrackLens stopped ${count('blocked')}${partly ? ` and partly stopped ${partly}` : ''}.`);
  // The legend's counts are the rows' purposes counted.
  const legend = await popup.locator('#purpose-legend li').evaluateAll((items) => items.map((li) => [li.textContent.replace(/^\d+ /, ''), Number(li.dataset.companies)]));
  assert.ok(legend.length >= 5);
  for (const [label, n] of legend) assert.equal(n, Object.values(shown).filter((r) => r.purposes.includes(label)).length, label);
  assert.equal(await popup.locator('#purpose-bar .segment').count(), legend.length);
  // All boxes are read in one evaluate, so they come from one render: the popup redraws whenever
  // the tab's report changes, and boxes read one by one could straddle two renders.
  const boxes = await popup.evaluate((selectors) => Object.fromEntries(Object.entries(selectors).map(([what, selector]) => {
    const node = document.querySelector(selector);
    const rect = node?.getBoundingClientRect();
    return [what, rect && rect.width > 0 && rect.height > 0 ? { y: rect.y, height: rect.height } : null];
  })), {
    site: '#site', sentence: '#summary', purposes: '#purposes', 'site switch': '#site-switch .switch',
    'first company': '#trackers > li.company .name', 'its state': '#trackers > li.company .state',
    'its control': '#trackers > li.company .treatment-control',
  });
  for (const [what, box] of Object.entries(boxes)) {
    assert.ok(box && box.y >= 0 && box.y + box.height <= 600, `${what} is on the first screen (${JSON.stringify(box)})`);
  }
  assert.equal(await popup.evaluate(() => window.scrollY), 0);
  mkdirSync(ARTIFACTS, { recursive: true });
  await popup.screenshot({ path: `${ARTIFACTS}/popup-first-screen-380.png` });
  await popup.close();
});

test('keyboard: every company\'s control is at most 3 Tab presses from its row, and focus is visible', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  await popup.keyboard.press('Tab');
  assert.equal(await popup.evaluate(() => document.activeElement.id), 'open-dashboard');
  const where = () => popup.evaluate(() => {
    const a = document.activeElement;
    return { company: a.closest('#trackers li.company')?.dataset.company ?? null, control: Boolean(a.closest('.treatment-control')), outline: getComputedStyle(a).outlineStyle };
  });
  const names = await popup.locator('#trackers > li.company').evaluateAll((items) => items.map((li) => li.dataset.company));
  let presses = 0;
  for (const name of names) {
    // Tab into the row, then at most 3 presses to its control.
    let at = await where();
    for (let guard = 0; at.company !== name && guard < 30; guard += 1, presses += 1) {
      await popup.keyboard.press('Tab');
      at = await where();
    }
    assert.equal(at.company, name);
    let steps = 0;
    while (!at.control && steps < 3) {
      await popup.keyboard.press('Tab');
      at = await where();
      steps += 1;
    }
    assert.ok(at.control && at.company === name, `${name}'s control within 3 presses of its row`);
    assert.notEqual(at.outline, 'none', 'focus is visible');
  }
  assert.ok(presses < 60, `${presses} presses for the whole list`);
  await popup.keyboard.press('Enter');
  const unnamed = await popup.evaluate(() => [...document.querySelectorAll('a, button, summary, input, select')]
    .filter((e) => !e.textContent.trim() && !e.getAttribute('aria-label') && !e.labels?.length).length);
  assert.equal(unnamed, 0);
  await popup.close();
});

test('from 320 to 800 px nothing overflows sideways, two columns from 640 px; light and dark screenshots', async () => {
  const demo = await visitDemo();
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [320, 380, 800]) {
      const popup = await openExtensionPage(session.browser, popupPath(demo.tabId), { width, height: 600, colorScheme });
      const overflow = await popup.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${width} px: ${overflow} px too wide`);
      const [list, side] = await Promise.all(['#trackers-section', '#cookies-section'].map((s) => popup.locator(s).boundingBox()));
      if (width >= 640) assert.ok(side.x > list.x + list.width - 1, `${width} px: two columns`);
      else assert.ok(side.y > list.y, `${width} px: one column`);
      if (width === 380) {
        const [bg, fg] = await popup.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
        assert.equal(bg, colorScheme === 'dark' ? 'rgb(20, 24, 31)' : 'rgb(255, 255, 255)');
        assert.equal(fg, colorScheme === 'dark' ? 'rgb(230, 233, 239)' : 'rgb(29, 35, 48)');
      }
      await popup.screenshot({ path: `${ARTIFACTS}/popup-${colorScheme}-${width}.png` });
      await popup.evaluate(() => window.scrollTo(0, 560));
      await popup.screenshot({ path: `${ARTIFACTS}/popup-${colorScheme}-${width}-scrolled.png` });
      await popup.close();
    }
  }
});

test('the three-state control changes the rule and what reaches the server', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  const row = (name) => popup.locator(`#trackers > li[data-company="${name}"]`);
  // X loads by default: block it here. Meta is blocked by default: allow it here. The popup
  // redraws once the settings are stored; the rules are in place only when the worker says so,
  // and a reload before that loads the page under the old rules (seen once on a loaded machine).
  const beforeX = Date.now();
  await row('X').locator('button[data-treatment="block"][data-scope="site"]').click();
  await popup.locator('#trackers > li[data-company="X"][data-treatment="block"][data-source="site"]').waitFor();
  await settingsInEffect(session.browser, beforeX);
  const beforeMeta = Date.now();
  await row('Meta').locator('button[data-treatment="allow"][data-scope="site"]').click();
  await popup.locator('#trackers > li[data-company="Meta"][data-treatment="allow"][data-source="site"]').waitFor();
  const { settings: stored } = await settingsInEffect(session.browser, beforeMeta);
  assert.equal(await row('X').locator('button[aria-pressed="true"]').getAttribute('data-treatment'), 'block');
  assert.match(await row('X').locator('.source').textContent(), /^Blocked by your choice for X on this site\. Set by: this site\.$/);
  assert.deepEqual(stored.sites['news.example'].companies, { X: 'block', Meta: 'allow' });

  const mark = Date.now();
  await demo.page.reload({ waitUntil: 'load' });
  const xHosts = demo.report.companies.X.hosts;
  await waitUntil(() => logged(mark, ['connect.facebook.net']).length > 0, 'Meta\'s script reaching the server once allowed');
  const { report } = await waitForReport(session.browser, { tabId: demo.tabId },
    (r) => r.startedAt > demo.report.startedAt && r.companies?.X?.state === 'blocked' && ['loaded', 'loaded_without_cookies'].includes(r.companies?.Meta?.state),
    { timeoutMs: 10000 });
  assert.equal(report.companies.X.state, 'blocked');
  assert.deepEqual(logged(mark, xHosts), [], 'X never reached the server once blocked here');
  const after = await openExtensionPage(session.browser, popupPath(demo.tabId));
  await after.locator('#trackers > li[data-company="X"][data-state="blocked"]').waitFor();
  await after.close();
  await popup.close();
  await saveSettings(session.browser, { version: 1 });
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
  await popup.locator('#trackers details.why > summary').click();
  assert.equal(await popup.locator('img').count(), 0);
  assert.equal(await popup.locator('#trackers .name').textContent(), evil);
  assert.equal(await popup.locator('#trackers .links a').count(), 0, 'a non-https policy address is not linked');
  assert.notEqual(await popup.title(), 'pwned');
  await popup.close();
});

test('states of a stored report are the core\'s: blocked, loaded without cookies, loaded; GPC said once', async () => {
  const popup = await openExtensionPage(session.browser, popupPath(-8));
  const company = (name, extra) => ({
    name, parent: null, tracker: true, categories: ['advertising'], hosts: [`${name.toLowerCase()}.example`], requests: 2, reasons: ['known'],
    cookiesSent: [], cookiesSet: [], ...extra,
  });
  await popup.evaluate((companies) => chrome.storage.session.set({ 'tab:-8': {
    pageUrl: 'https://blocked.example/', site: 'blocked.example', startedAt: Date.now(), requests: 6, thirdPartyRequests: 6, errors: 0,
    companies, unknownThirdParties: {}, hostOwners: {}, thirdPartySites: [], cookies: [], consent: null, gpc: true,
  } }), { Adco: company('Adco', { blocked: 2 }), Trackco: company('Trackco'), Openco: company('Openco', { cookiesSent: ['id'] }) });
  await popup.waitForSelector('#trackers > li[data-company="Adco"]');
  const states = await popup.locator('#trackers > li').evaluateAll((items) => Object.fromEntries(items.map((li) => [li.dataset.company, li.querySelector('.state').textContent])));
  // The core derives each state from what happened (requests, blocks, cookies), not from a stored label.
  assert.deepEqual(states, { Adco: 'Blocked', Trackco: 'Loaded without cookies', Openco: 'Loaded' });
  assert.equal(await popup.locator('#summary').textContent(), '3 companies tried to track you here; TrackLens stopped 1.');
  assert.match(await popup.locator('#gpc-sent').textContent(), /^Global Privacy Control was sent/);
  assert.equal(await popup.locator('#gpc').isHidden(), true);
  await popup.close();
});

test('the toolbar badge counts the tracking companies', async () => {
  const demo = await visitDemo();
  const text = await session.browser.worker.evaluate((tabId) => chrome.action.getBadgeText({ tabId }), demo.tabId);
  assert.equal(text, '6');
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

test('a purpose has the same words in the popup, the dashboard and the options page', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  await popup.locator('#trackers .categories li[data-category]').first().waitFor();
  const inPopup = await popup.locator('#trackers .categories li[data-category]').evaluateAll((items) => items.map((li) => [li.dataset.category, li.textContent.trim()]));
  await popup.close();
  const dashboard = await openExtensionPage(session.browser, 'extension/dashboard/dashboard.html', { width: 1100 });
  await dashboard.waitForSelector('body[data-ready="true"]');
  const inDashboard = await dashboard.locator('#reach span.chip[data-category]').evaluateAll((chips) => chips.map((c) => [c.dataset.category, c.textContent.trim()]));
  await dashboard.close();
  const options = await openExtensionPage(session.browser, 'extension/options/options.html', { width: 900 });
  await options.locator('#categories select[name^="category:"]').first().waitFor();
  const inOptions = await options.locator('#categories tr').evaluateAll((rows) => rows.map((tr) => [tr.querySelector('select').name.slice('category:'.length), tr.querySelector('th').textContent.trim()]));
  await options.close();
  const label = Object.fromEntries(VOCABULARY.categories.map((c) => [c.name, c.label]));
  for (const [where, seen] of [['popup', inPopup], ['dashboard', inDashboard], ['options', inOptions]]) {
    assert.ok(seen.length > 0, `${where} shows purposes`);
    for (const [category, text] of seen) assert.equal(text, label[category], `${where}: ${category}`);
  }
  // The demo's purposes appear in both the popup and the dashboard; the options list every one a user may choose.
  const keys = (seen) => [...new Set(seen.map(([c]) => c))].sort();
  assert.deepEqual(keys(inPopup).filter((c) => keys(inDashboard).includes(c)), keys(inPopup));
  assert.deepEqual(keys(inOptions), VOCABULARY.categories.filter((c) => c.choosable).map((c) => c.name).sort());
});

test('a storage change that leaves the popup\'s facts as they are does not redraw it', async () => {
  const demo = await visitDemo();
  // The demo's report under a tab of its own, which no page changes any more (the live tab's
  // report grows with its late requests and cookie reads, each a real reason to redraw).
  await session.browser.statePage.evaluate((report) => chrome.storage.session.set({ 'tab:-7': report }), demo.report);
  const popup = await openExtensionPage(session.browser, popupPath(-7));
  await popup.waitForSelector('body[data-ready="true"]');
  assert.ok(await popup.locator('#trackers > li[data-company="Meta"]').count(), 'the copied report is shown');
  const [renders, draws] = await popup.evaluate(() => [Number(document.body.dataset.renders), Number(document.body.dataset.draws)]);
  // A restarted worker writes its status again, with a new time: the popup reads it and keeps its rows.
  await popup.evaluate(async () => {
    const { coreStatus } = await chrome.storage.session.get('coreStatus');
    await chrome.storage.session.set({ coreStatus: { ...coreStatus, at: coreStatus.at + 1 } });
  });
  await popup.waitForFunction((before) => Number(document.body.dataset.draws) > before, draws);
  assert.equal(Number(await popup.evaluate(() => document.body.dataset.renders)), renders, 'not drawn again');
  await popup.close();
});

test('a report update redraws the popup without shutting the "Why" the reader opened or moving their focus', async () => {
  const demo = await visitDemo();
  const popup = await openExtensionPage(session.browser, popupPath(demo.tabId));
  const meta = popup.locator('#trackers > li[data-company="Meta"]');
  await meta.locator('details.why > summary').focus();
  await popup.keyboard.press('Enter');
  await meta.getByRole('link', { name: 'Privacy policy' }).waitFor();
  const renders = Number(await popup.evaluate(() => document.body.dataset.renders));
  // One more request from the page changes the tab's report, and the popup draws itself again.
  await demo.page.evaluate(() => fetch('https://www.google-analytics.com/g/collect?v=2&en=scroll', { mode: 'no-cors' }).catch(() => {}));
  await popup.waitForFunction((before) => Number(document.body.dataset.renders) > before, renders);
  assert.equal(await meta.locator('details.why').evaluate((details) => details.open), true, 'the "Why" stays open');
  assert.equal(await meta.getByRole('link', { name: 'Privacy policy' }).getAttribute('href'), 'https://www.facebook.com/privacy/policy/');
  assert.deepEqual(await popup.evaluate(() => [document.activeElement.tagName, document.activeElement.closest('li.company')?.dataset.company]), ['SUMMARY', 'Meta']);
  await popup.close();
});
