// End to end: the dashboard after visiting the two demo sites. Reach across sites, the graph, the
// cookie table, exports validated against docs/evidence-schema.json, history settings, clearing,
// and a service worker stopped mid-visit losing nothing of the history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { BASELINE_URL, DEMO_URL } from '../demo/server.mjs';
import { OBSERVE_ONLY, closeTab, openExtensionPage, readLocal, stopWorker, visit } from '../support/browser.mjs';
import { demoSession } from '../support/demo-session.mjs';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const SHOP_URL = 'https://shop.example/';
const DASHBOARD = 'extension/dashboard/dashboard.html';
const schema = JSON.parse(readFileSync(new URL('../../docs/evidence-schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
// Observation only: protection paused on the demo sites, so every tracker loads as it would without TrackLens' controls.
const session = demoSession({ settings: OBSERVE_ONLY });

async function historyOf(site, check = () => true, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  let record;
  while (Date.now() < deadline) {
    record = (await readLocal(session.browser, `site:${site}`))[`site:${site}`];
    if (record && check(record)) return record;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`history of ${site} not as expected: ${JSON.stringify(record)?.slice(0, 300)}`);
}

async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

// Both demo sites visited once, before the first test that needs them (demoSession's own
// `before` hook must have started the browser first, so this runs from inside the tests). Each
// tab is closed as soon as its page has loaded, as a hurried visitor would: what the page's
// scripts did (fingerprinting, cookies) must still reach the history.
let visited = null;
const visitBoth = () => (visited ??= (async () => {
  for (const url of [DEMO_URL, SHOP_URL]) {
    const { page, tabId } = await visit(session.browser, url, { waitForCookies: false });
    await closeTab(session.browser, page, tabId);
  }
  const cookies = ['_ga\u0000news.example', '_fbp\u0000news.example', 'IDE\u0000.doubleclick.net'];
  await historyOf('news.example', (r) => r.companies.Google && r.companies.Fingerprint?.fingerprinting && cookies.every((k) => r.cookies[k]));
  await historyOf('shop.example', (r) => r.companies.Google && r.companies.Meta && r.cookies['_ga\u0000shop.example']);
})());

test('companies on both demo sites have a reach of 2, the others 1', async () => {
  await visitBoth();
  const page = await openExtensionPage(session.browser, DASHBOARD, { width: 1100 });
  const reach = Object.fromEntries(await page.locator('#reach tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.company, Number(r.dataset.reach)])));
  assert.equal(reach.Google, 2);
  assert.equal(reach.Meta, 2);
  for (const single of ['Hotjar', 'Fingerprint', 'Optimizely', 'X', 'FullStory']) assert.equal(reach[single], 1, single);
  // Ranked by reach: the two shared trackers come first.
  const order = await page.locator('#reach tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.company));
  assert.deepEqual(order.slice(0, 2).sort(), ['Google', 'Meta']);
  // What happened to it, per site, in the popup's words (the core's vocabulary); protection is
  // paused here, so every request was sent and the witness log agrees that Meta's script arrived.
  const google = page.locator('#reach tbody tr[data-company="Google"]');
  assert.match(await google.locator('.states').textContent(), /^(Loaded|Loaded without cookies) on \d sites?/);
  assert.match(await google.locator('.requests').textContent(), /^\d+ sent$/);
  const why = page.locator('#reach tbody tr[data-company="Google"] details.why');
  await why.locator('summary').click();
  assert.match(await why.locator('li').first().textContent(), /is Google's domain/);
  assert.match(await page.locator('#totals').textContent(), /^2 sites · \d+ tracking companies · (Google|Meta) followed you on 2 sites$/);

  // The graph: both sites linked to Google, only news.example to Hotjar.
  const edges = await page.locator('#graph line.edge').evaluateAll((lines) => lines.map((l) => l.dataset.edge));
  for (const edge of ['news.example|Google', 'shop.example|Google', 'news.example|Meta', 'shop.example|Meta', 'news.example|Hotjar']) {
    assert.ok(edges.includes(edge), edge);
  }
  assert.ok(!edges.includes('shop.example|Hotjar'));
  assert.equal(await page.locator('#timeline circle.visit').count(), 2);

  // Pointing at a company lights its lines and its sites only; Tab reaches the nodes too.
  const lit = (selector) => page.locator(`#graph ${selector}.lit`).evaluateAll((all) => all.map((n) => n.dataset.edge ?? n.dataset.site ?? n.dataset.company).sort());
  await page.hover('#graph g[data-company="Hotjar"]');
  await page.locator('#graph svg.focusing').waitFor();
  assert.deepEqual(await lit('line'), ['news.example|Hotjar']);
  assert.deepEqual(await lit('g[data-site]'), ['news.example']);
  await page.focus('#graph g[data-company="Google"]');
  await page.locator('#graph g[data-company="Google"].lit').waitFor();
  assert.deepEqual(await lit('line'), ['news.example|Google', 'shop.example|Google']);
  assert.deepEqual(await lit('g[data-site]'), ['news.example', 'shop.example']);
  // Dragging a company moves it and its lines, nothing else.
  const node = page.locator('#graph g[data-company="Google"] circle');
  const before = Number(await node.getAttribute('cy'));
  const box = await node.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 40, { steps: 4 });
  await page.mouse.up();
  const after = Number(await node.getAttribute('cy'));
  assert.ok(after > before + 20, `moved from ${before} to ${after}`);
  const ends = await page.locator('#graph line.edge').evaluateAll((lines) => lines.map((l) => [l.dataset.edge, Number(l.getAttribute('y2'))]));
  for (const [edge, y2] of ends) {
    if (edge.endsWith('|Google')) assert.equal(y2, after, edge);
    else assert.notEqual(y2, after, edge);
  }

  // Filter by category: session replay leaves Hotjar and FullStory.
  await page.selectOption('#category', 'session_replay');
  const replay = await page.locator('#reach tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.company).sort());
  assert.deepEqual(replay, ['FullStory', 'Hotjar']);
  assert.equal(await page.locator('#graph g[data-company]').count(), 2);
  await page.selectOption('#category', '');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-dark.png`, fullPage: true });
  await page.close();
});

test('the cookie table lists each site\'s cookies and sorts and filters them', async () => {
  await visitBoth();
  const page = await openExtensionPage(session.browser, DASHBOARD, { width: 1100 });
  const rows = () => page.locator('#cookies tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const all = await rows();
  const ga = all.filter((r) => r[1] === '_ga');
  assert.deepEqual(ga.map((r) => r[0]).sort(), ['news.example', 'shop.example']);
  assert.deepEqual(ga[0].slice(2), ['Analytics', 'Google Analytics', '1.1 years', 'yes', 'first party']);
  assert.deepEqual(all.find((r) => r[1] === 'IDE').slice(2), ['Advertising', 'Google', '1.1 years', 'yes', 'third party']);

  await page.click('#cookies th[data-key="name"] button');
  assert.equal(await page.getAttribute('#cookies th[data-key="name"]', 'aria-sort'), 'ascending');
  const names = (await rows()).map((r) => r[1]);
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  await page.click('#cookies th[data-key="name"] button');
  assert.equal(await page.getAttribute('#cookies th[data-key="name"]', 'aria-sort'), 'descending');
  assert.deepEqual((await rows()).map((r) => r[1]), [...names].reverse());

  await page.fill('#cookie-filter', 'shop.example');
  assert.ok((await rows()).every((r) => r[0] === 'shop.example'));
  await page.fill('#cookie-filter', '');
  await page.selectOption('#cookie-purpose', 'advertising');
  assert.ok((await rows()).every((r) => r[2] === 'Advertising'));
  await page.close();
});

test('the JSON evidence validates against the published schema, for all sites and for one', async () => {
  await visitBoth();
  const page = await openExtensionPage(session.browser, DASHBOARD, { width: 1100 });
  const all = await download(page, '#export-json');
  assert.match(all.name, /^tracklens-evidence-all-sites-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(all.text);
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  assert.deepEqual(doc.sites.map((s) => s.site).sort(), ['news.example', 'shop.example']);
  const google = doc.sites.find((s) => s.site === 'news.example').companies.find((c) => c.name === 'Google');
  assert.ok(google.reasons.length > 0 && google.categories.includes('advertising'));
  assert.equal(doc.sites.find((s) => s.site === 'news.example').companies.find((c) => c.name === 'Fingerprint').fingerprinting.level, 'high');

  await page.selectOption('#scope', 'shop.example');
  const one = JSON.parse((await download(page, '#export-json')).text);
  assert.ok(validate(one), JSON.stringify(validate.errors));
  assert.deepEqual(one.scope, { site: 'shop.example' });
  assert.deepEqual(one.sites.map((s) => s.site), ['shop.example']);

  // The same validator rejects a document that breaks the schema, so the check can fail.
  assert.equal(validate({ ...one, schemaVersion: 1 }), false);

  const csv = await download(page, '#export-csv');
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'site,company,parent,tracker,categories,requests,visits,first_seen,last_seen,fingerprinting');
  assert.ok(lines.slice(1).every((l) => l.startsWith('shop.example,')));
  assert.ok(lines.some((l) => l.startsWith('shop.example,Google,Alphabet,true,')));
  const cookies = await download(page, '#export-cookies-csv');
  assert.match(cookies.text, /^site,cookie,domain,purpose,vendor,identifier,third_party,expires,first_seen,last_seen\r\n/);
  assert.match(cookies.text, /\r\nshop\.example,_ga,/);
  await page.close();
});

test('stopping the service worker mid-visit loses nothing of the history', async () => {
  await visitBoth();
  const { page } = await visit(session.browser, DEMO_URL, { waitForCookies: false });
  const before = await historyOf('news.example', (r) => r.visitCount === 2);
  const googleBefore = before.companies.Google.requests;
  await stopWorker(session.browser, page);
  // The page goes on tracking (a scroll event every 200 ms, as analytics scripts send them); a
  // fresh worker must add to the stored history, not start over. A request made while the old
  // worker is still shutting down may never reach an extension: the next one will.
  await page.evaluate(() => {
    window.scrollPings = setInterval(() => fetch('https://www.google-analytics.com/g/collect?v=2&en=scroll', { mode: 'no-cors' }), 200);
  });
  // At least one more on top of the stored count (a worker starting over would count from one
  // again and never get past it).
  const after = await historyOf('news.example', (r) => r.companies.Google.requests >= googleBefore + 1);
  await page.evaluate(() => clearInterval(window.scrollPings));
  assert.equal(after.visitCount, 2);
  assert.deepEqual(Object.keys(after.companies).sort(), Object.keys(before.companies).sort());
  assert.deepEqual(Object.keys(after.cookies).sort(), Object.keys(before.cookies).sort());
  assert.ok(await historyOf('shop.example'), 'the other site is still there');
  await page.close();
});

test('a shorter retention prunes older sites at once and keeps recent ones', async () => {
  await visitBoth();
  const page = await openExtensionPage(session.browser, DASHBOARD, { width: 1100 });
  const tenDaysAgo = Date.now() - 10 * 24 * 3600 * 1000;
  await page.evaluate((at) => chrome.storage.local.set({ 'site:old.example': {
    version: 1, site: 'old.example', firstSeen: at, lastSeen: at, visits: [at], visitCount: 1, companies: {}, cookies: {},
  } }), tenDaysAgo);
  await page.waitForSelector('#timeline g[data-site="old.example"]');
  await page.fill('#retention', '5');
  await page.locator('#retention').dispatchEvent('change');
  await page.waitForFunction(() => !document.querySelector('#timeline g[data-site="old.example"]'));
  const left = Object.keys(await readLocal(session.browser)).filter((k) => k.startsWith('site:')).sort();
  assert.deepEqual(left, ['site:news.example', 'site:shop.example']);
  assert.equal((await readLocal(session.browser, 'settings')).settings.retentionDays, 5);
  await page.close();
});

test('with history turned off nothing new is kept; clearing deletes the history and keeps the setting', async () => {
  await visitBoth();
  const page = await openExtensionPage(session.browser, DASHBOARD, { width: 1100 });
  await page.uncheck('#history-enabled');
  await page.waitForFunction(async () => (await chrome.storage.local.get('settings')).settings?.historyEnabled === false);
  const { page: plain, tabId } = await visit(session.browser, BASELINE_URL, { waitForCookies: false });
  // Closing the tab hands its final report to the history: once the tab's report is gone, the
  // history has had its chance to keep the visit, and must not have.
  await closeTab(session.browser, plain, tabId);
  const recorded = await readLocal(session.browser);
  assert.equal(recorded['site:news.example'].visitCount, 2, 'no visit added while off');

  page.once('dialog', (dialog) => dialog.accept());
  await page.click('#clear');
  await page.waitForFunction(() => document.querySelectorAll('#reach tbody tr').length === 0);
  const left = await readLocal(session.browser);
  assert.deepEqual(Object.keys(left).filter((k) => k.startsWith('site:')), []);
  assert.equal(left.settings.historyEnabled, false);
  assert.equal(await page.locator('#reach-empty').isHidden(), false);
  await page.close();
});
