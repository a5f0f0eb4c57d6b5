// The control modules of the worker against the real core (the built wasm, run in Node) and fake
// browser APIs: the settings store keeps what it can read and refuses bad saves; rules and the GPC
// script are installed by difference; cookies are deleted by purpose and kept deleted; the
// compliance check flags trackers that ignored a refusal.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import init, { classifyCookie, compileProtection, readSettings } from '../../extension/pkg/tracklens.js';
import { createSettingsStore, SETTINGS_KEY } from '../../extension/background/settings.js';
import { GPC_SCRIPT_ID, syncDynamicRules, syncGpcScript, siteFor } from '../../extension/background/protection.js';
import { createCookieCleaner } from '../../extension/background/cookie-cleaner.js';

const core = Promise.resolve({ readSettings, compileProtection, classifyCookie });
before(async () => {
  await init({ module_or_path: readFileSync(new URL('../../extension/pkg/tracklens_bg.wasm', import.meta.url)) });
});

function fakeLocal(initial = {}) {
  const data = structuredClone(initial);
  return {
    data,
    async get(key) {
      return key in data ? { [key]: structuredClone(data[key]) } : {};
    },
    async set(items) {
      Object.assign(data, structuredClone(items));
    },
  };
}

test('a new install stores the default protection', async () => {
  const local = fakeLocal();
  const { settings, problems } = await createSettingsStore({ local, core }).ensureStored();
  assert.deepEqual(problems, []);
  assert.deepEqual(local.data[SETTINGS_KEY], settings);
  assert.deepEqual(settings.categories, {
    advertising: 'block', analytics: 'strip', fingerprinting: 'block', personalization: 'strip', session_replay: 'block',
  });
  assert.equal(settings.gpc, true);
  assert.equal(settings.dnt, false);
  assert.equal(settings.easyPrivacy, false);
});

test('damaged stored settings lose only the damaged entries, and are not overwritten', async () => {
  const stored = {
    version: 1, categories: { advertising: 'block', bogus: 'block' }, companies: { Meta: 'sometimes' },
    sites: { 'news.example': { mode: 'trusted' }, 'x y': { mode: 'paused' } }, gpc: false,
  };
  const local = fakeLocal({ [SETTINGS_KEY]: stored });
  const { settings, problems } = await createSettingsStore({ local, core }).ensureStored();
  assert.deepEqual(settings.categories, { advertising: 'block' });
  assert.deepEqual(settings.companies, {});
  assert.equal(settings.sites['news.example'].mode, 'trusted');
  assert.equal(settings.gpc, false);
  assert.equal(problems.length, 3, problems.join('\n'));
  // What the user stored stays as it was until they save again.
  assert.deepEqual(local.data[SETTINGS_KEY], stored);
});

test('a save the core does not accept changes nothing and says why', async () => {
  const local = fakeLocal();
  const store = createSettingsStore({ local, core });
  const { settings } = await store.ensureStored();
  const before = structuredClone(local.data);
  for (const bad of [{ ...settings, categories: { advertising: 'obliterate' } }, { ...settings, version: 99 }, 'not settings', null]) {
    const answer = await store.save(bad);
    assert.equal(answer.ok, false);
    assert.ok(answer.problems.length >= 1);
    assert.deepEqual(local.data, before);
  }
  const good = await store.save({ ...settings, dnt: true });
  assert.equal(good.ok, true);
  assert.equal(local.data[SETTINGS_KEY].dnt, true);
});

test('history preferences, then a protection click, then keeping cookies deleted: every change sticks', async () => {
  // The flow that broke: the dashboard's history preferences made every later popup save fail,
  // and "keep them deleted" turned history back on.
  const local = fakeLocal();
  const store = createSettingsStore({ local, core });
  await store.ensureStored();
  const steps = [
    { kind: 'merge', fields: { historyEnabled: false, retentionDays: 5 } },
    { kind: 'company', site: 'news.example', scope: 'all', company: 'Meta', treatment: 'block' },
    { kind: 'site-mode', site: 'news.example', mode: 'trusted' },
    { kind: 'keep-deleted', site: 'news.example', purposes: ['advertising'] },
  ];
  for (const edit of steps) {
    const answer = await store.change(edit);
    assert.equal(answer.ok, true, `${edit.kind}: ${JSON.stringify(answer.problems)}`);
  }
  const stored = local.data[SETTINGS_KEY];
  assert.equal(stored.historyEnabled, false);
  assert.equal(stored.retentionDays, 5);
  assert.equal(stored.companies.Meta, 'block');
  assert.equal(stored.sites['news.example'].mode, 'trusted');
  assert.deepEqual(stored.sites['news.example'].deleteCookies, ['advertising']);
  // The store answers from what it wrote; a bad edit is refused with its problem, nothing written.
  assert.deepEqual((await store.load()).settings, stored);
  const refused = await store.change({ kind: 'merge', fields: { retentionDays: 0 } });
  assert.equal(refused.ok, false);
  assert.match(refused.problems[0], /^retentionDays: /);
  assert.equal(local.data[SETTINGS_KEY].retentionDays, 5);
});

test('an import with more sites than TrackLens keeps is refused, naming how many and which would be dropped', async () => {
  const local = fakeLocal();
  const store = createSettingsStore({ local, core });
  const { settings } = await store.ensureStored();
  const sites = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`site${String(i).padStart(4, '0')}.example`, { mode: 'trusted' }]));
  const answer = await store.save({ ...settings, sites });
  assert.equal(answer.ok, false);
  assert.equal(answer.problems.length, 1, answer.problems.join('\n'));
  assert.match(answer.problems[0], /^sites: 2500 entries, over the limit of 2000; 500 dropped: "site2000\.example", .* and 495 more$/);
  assert.deepEqual(local.data[SETTINGS_KEY].sites, {});
});

function fakeDnr() {
  const calls = [];
  let rules = [];
  return {
    calls,
    // Chrome hands rules back with its own key order: the comparison must not depend on it.
    async getDynamicRules() {
      return rules.map((rule) => Object.fromEntries(Object.entries(structuredClone(rule)).reverse()));
    },
    async updateDynamicRules({ removeRuleIds = [], addRules = [] }) {
      calls.push({ removeRuleIds, addRules: addRules.map((r) => r.id) });
      const ids = new Set(rules.map((r) => r.id));
      for (const rule of addRules) if (ids.has(rule.id) && !removeRuleIds.includes(rule.id)) throw new Error(`duplicate id ${rule.id}`);
      rules = [...rules.filter((r) => !removeRuleIds.includes(r.id)), ...structuredClone(addRules)];
    },
    get rules() {
      return rules;
    },
  };
}

test('rules are installed by difference, and installing twice changes nothing', async () => {
  const dnr = fakeDnr();
  const settings = readSettings({ version: 1 }).settings;
  const { rules } = compileProtection(settings);
  assert.ok(rules.length > 10, `${rules.length} rules`);
  assert.deepEqual(await syncDynamicRules(dnr, rules), { added: rules.length, removed: 0 });
  assert.deepEqual(await syncDynamicRules(dnr, rules), { added: 0, removed: 0 });
  assert.equal(dnr.calls.length, 1);

  // Trusting a site adds its rule; pausing GPC's headers off changes only the rules that differ.
  settings.sites = { 'news.example': { mode: 'trusted' } };
  const trusted = compileProtection(settings).rules;
  const result = await syncDynamicRules(dnr, trusted);
  assert.ok(result.added >= 1 && result.added < trusted.length, JSON.stringify(result));
  assert.deepEqual(dnr.rules.map((r) => r.id).sort((a, b) => a - b), trusted.map((r) => r.id));
  const allow = dnr.rules.find((r) => r.action.type === 'allowAllRequests');
  assert.deepEqual(allow.condition.requestDomains, ['news.example']);
});

function fakeScripting() {
  const registered = new Map();
  const calls = [];
  return {
    calls,
    registered,
    async getRegisteredContentScripts({ ids }) {
      return ids.filter((id) => registered.has(id)).map((id) => structuredClone(registered.get(id)));
    },
    async registerContentScripts(scripts) {
      calls.push('register');
      for (const s of scripts) registered.set(s.id, structuredClone(s));
    },
    async unregisterContentScripts({ ids }) {
      calls.push('unregister');
      for (const id of ids) registered.delete(id);
    },
  };
}

test('the GPC script runs in pages except on paused sites, and only while GPC is on', async () => {
  const scripting = fakeScripting();
  const settings = readSettings({ version: 1, sites: { 'shop.example': { mode: 'paused' }, 'news.example': { mode: 'trusted' } } }).settings;
  await syncGpcScript(scripting, settings);
  const script = scripting.registered.get(GPC_SCRIPT_ID);
  assert.equal(script.world, 'MAIN');
  assert.equal(script.runAt, 'document_start');
  assert.deepEqual(script.excludeMatches, ['*://shop.example/*', '*://*.shop.example/*']);
  await syncGpcScript(scripting, settings);
  assert.deepEqual(scripting.calls, ['register'], 'nothing to change the second time');
  await syncGpcScript(scripting, { ...settings, gpc: false });
  assert.equal(scripting.registered.size, 0);
  assert.equal(siteFor(settings, 'www.shop.example'), 'shop.example');
  assert.equal(siteFor(settings, 'notshop.example'), null);
});

function fakeCookieStore(cookies) {
  const jar = cookies.map((c) => ({ path: '/', secure: true, storeId: '0', ...c }));
  return {
    jar,
    removed: [],
    async getAll({ domain }) {
      return jar.filter((c) => c.domain.replace(/^\./, '') === domain || c.domain.endsWith(`.${domain}`));
    },
    async remove({ url, name }) {
      this.removed.push(`${name}@${new URL(url).hostname}`);
      const at = jar.findIndex((c) => c.name === name && url.includes(c.domain.replace(/^\./, '')));
      if (at >= 0) jar.splice(at, 1);
    },
  };
}

const YEAR = Date.now() / 1000 + 365 * 86400;

test('cookies are deleted by purpose and deleted again when they come back', async () => {
  const cookieStore = fakeCookieStore([
    { name: 'IDE', value: 'AHWqTUm1n2b3v4c5x6z7l8k9', domain: '.doubleclick.net', expirationDate: YEAR },
    { name: '_fbp', value: 'fb.1.1700000000000.1234567890', domain: '.news.example', expirationDate: YEAR },
    { name: 'SESSIONID', value: 'abc123def456', domain: 'news.example' },
    { name: 'IDE', value: 'AHWqTUzzzzzzzzzzzzzzzzzz', domain: '.other.example', expirationDate: YEAR },
  ]);
  let settings = readSettings({ version: 1 }).settings;
  const reports = [{ version: 2, pageUrl: 'https://news.example/', site: 'news.example', thirdPartySites: ['doubleclick.net'] }];
  const cleaner = createCookieCleaner({
    cookieStore, core, loadSettings: async () => ({ settings }), reportsForSite: async (site) => reports.filter((r) => r.site === site),
  });
  const deleted = await cleaner.deleteByPurpose('news.example', ['advertising'], ['doubleclick.net']);
  assert.deepEqual(deleted.map((c) => c.name).sort(), ['IDE', '_fbp']);
  assert.deepEqual(cookieStore.jar.map((c) => c.name).sort(), ['IDE', 'SESSIONID'], 'the necessary one and the other site\'s stay');

  // Not kept deleted until the settings say so.
  const back = { name: 'IDE', value: 'AHWqTUagainagainagainaga', domain: '.doubleclick.net', path: '/', secure: true, expirationDate: YEAR };
  await cleaner.changed({ removed: false, cookie: back });
  assert.equal(cookieStore.removed.length, 2);
  settings = readSettings({ version: 1, sites: { 'news.example': { deleteCookies: ['advertising'] } } }).settings;
  await cleaner.changed({ removed: false, cookie: back });
  assert.deepEqual(cookieStore.removed.slice(2), ['IDE@doubleclick.net']);
  // A necessary cookie of the site, and a cookie on a site its pages do not use, stay.
  await cleaner.changed({ removed: false, cookie: { name: 'SESSIONID', value: 'x1y2z3', domain: 'news.example', path: '/', secure: true } });
  await cleaner.changed({ removed: false, cookie: { ...back, domain: '.other.example' } });
  assert.equal(cookieStore.removed.length, 3);
});

