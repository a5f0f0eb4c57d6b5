// The popup controls without a browser: what they say a company's treatment is comes from the
// core (treatmentOf, the built wasm run in Node) for the company's hosts, the domain level
// included; and what each button asks the worker to change (background/settings.js applyEdit).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import init, { pageView } from '../../extension/pkg/tracklens.js';
import { editFor } from '../../extension/popup/controls.js';
import { applyEdit } from '../../extension/background/settings.js';

before(async () => {
  await init({ module_or_path: readFileSync(new URL('../../extension/pkg/tracklens_bg.wasm', import.meta.url)) });
});

const SETTINGS = {
  version: 1,
  categories: { advertising: 'block', analytics: 'strip' },
  companies: { X: 'block' },
  domains: {},
  sites: {
    'news.example': {
      mode: 'protect', categories: { social: 'allow' }, companies: { Meta: 'allow' }, domains: { 'connect.facebook.net': 'block' }, deleteCookies: [],
    },
  },
  gpc: true,
};

/** The core's view (report/summary.rs) of one company with `hosts` on `site`, under `settings`. */
function treated(settings, site, company) {
  const report = { site, companies: { [company.name]: { tracker: true, requests: 1, categories: [], ...company } } };
  return pageView(report, settings).companies[0].setting;
}

test('a company\'s control shows the core\'s answer for its hosts, where it comes from, in words', () => {
  const meta = { name: 'Meta', hosts: ['www.facebook.com'] };
  assert.deepEqual(treated(SETTINGS, 'news.example', meta),
    { treatment: 'allow', source: 'site', words: 'Allowed by your choice for Meta on this site.', mixed: false });
  assert.deepEqual(treated(SETTINGS, 'other.example', meta),
    { treatment: 'block', source: 'default', words: "Blocked by your 'Advertising: Block' setting (a default).", mixed: false });
  // The site's domain choice outranks its company choice: the level the popup used to ignore.
  const both = treated(SETTINGS, 'news.example', { name: 'Meta', hosts: ['connect.facebook.net', 'www.facebook.com'] });
  assert.deepEqual(both, { treatment: null, source: 'mixed', words: 'Its hosts are treated differently: 1 blocked, 1 allowed (see Why).', mixed: true });
  const script = treated(SETTINGS, 'news.example', { name: 'Meta', hosts: ['connect.facebook.net'] });
  assert.equal(script.words, 'Blocked by your choice for connect.facebook.net on this site.');
  assert.deepEqual(treated({ version: 1, categories: { analytics: 'block' } }, 'other.example', { name: 'Google', hosts: ['www.google-analytics.com'] }),
    { treatment: 'block', source: 'category', words: "Blocked by your 'Analytics: Block' setting.", mixed: false });
  assert.equal(treated({ version: 1 }, 'other.example', { name: 'Google', hosts: ['www.google-analytics.com'] }).words,
    "Loads without cookies by your 'Analytics: Load without cookies' setting (a default).");
  assert.deepEqual(treated(SETTINGS, 'other.example', { name: 'jsDelivr', hosts: ['cdn.jsdelivr.net'] }),
    { treatment: null, source: 'none', words: 'Loads: no setting of yours applies.', mixed: false });
  const trusted = { ...SETTINGS, sites: { 'news.example': { mode: 'trusted' } } };
  assert.deepEqual(treated(trusted, 'news.example', meta), { treatment: 'allow', source: 'site', words: 'Allowed: you trust this site.', mixed: false });
});

test('each button asks for one edit, which changes one setting and leaves the given settings untouched', () => {
  const before = structuredClone(SETTINGS);
  const edit = (data, site = 'news.example') => applyEdit(SETTINGS, editFor(site, data));
  const paused = edit({ action: 'site-mode', mode: 'paused' }, 'shop.example');
  assert.equal(paused.sites['shop.example'].mode, 'paused');
  assert.deepEqual(paused.sites['news.example'], SETTINGS.sites['news.example']);
  const blockedHere = edit({ action: 'company', company: 'Google', scope: 'site', treatment: 'block' });
  assert.deepEqual(blockedHere.sites['news.example'].companies, { Meta: 'allow', Google: 'block' });
  assert.deepEqual(blockedHere.companies, { X: 'block' });
  const everywhere = edit({ action: 'company', company: 'Google', scope: 'all', treatment: 'block' });
  assert.deepEqual(everywhere.companies, { X: 'block', Google: 'block' });
  assert.equal(editFor('news.example', { action: 'decline' }), null);
  assert.deepEqual(SETTINGS, before);
  // A page may merge only top-level fields of its own; sites change through their own edits.
  assert.throws(() => applyEdit(SETTINGS, { kind: 'merge', fields: { sites: {} } }), /sites cannot be changed/);
  assert.throws(() => applyEdit(SETTINGS, { kind: 'obliterate' }), /unknown settings edit/);
  assert.deepEqual(applyEdit(SETTINGS, { kind: 'keep-deleted', site: 'news.example', purposes: ['advertising'] }).sites['news.example'].deleteCookies, ['advertising']);
});

test('the sensitive-page alert\'s buttons: strip the companies here, or protect every site about the category and record this one', () => {
  const data = { companies: JSON.stringify(['Meta', 'X']) };
  const stripped = applyEdit(SETTINGS, editFor('clinic.example', { ...data, action: 'strip-sensitive' }));
  assert.deepEqual(stripped.sites['clinic.example'].companies, { Meta: 'strip', X: 'strip' });
  const protectedNow = applyEdit(SETTINGS, editFor('clinic.example', { action: 'protect-sensitive', category: 'health' }));
  assert.deepEqual(protectedNow.sensitivePages, { health: 'block' });
  assert.deepEqual(protectedNow.sites['clinic.example'].about, ['health']);
  assert.deepEqual(protectedNow.sites['clinic.example'].companies, {}, 'no company choice');
  // The worker's record of another subject adds to it, once.
  const recorded = applyEdit(protectedNow, { kind: 'site-about', site: 'clinic.example', categories: ['religion', 'health'] });
  assert.deepEqual(recorded.sites['clinic.example'].about, ['health', 'religion']);
  assert.throws(() => applyEdit(SETTINGS, { kind: 'site-about', site: 'clinic.example' }), /no categories/);
});
