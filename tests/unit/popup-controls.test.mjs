// The popup controls without a browser: what they say a company's treatment is comes from the
// core (treatmentOf, the built wasm run in Node) for the company's hosts, the domain level
// included; and what each button asks the worker to change (background/settings.js applyEdit).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import init, { treatmentOf } from '../../extension/pkg/tracklens.js';
import { companyTreatment, editFor } from '../../extension/popup/controls.js';
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

function treated(settings, site, company) {
  const treatments = Object.fromEntries(treatmentOf(settings, site, company.hosts).map((t) => [t.host, t]));
  return companyTreatment(treatments, company);
}

test('a company\'s treatment is the core\'s answer for its hosts, with the setting that decided', () => {
  const meta = { name: 'Meta', hosts: ['www.facebook.com'] };
  assert.deepEqual(treated(SETTINGS, 'news.example', meta), { treatment: 'allow', why: 'your choice for this site' });
  assert.deepEqual(treated(SETTINGS, 'other.example', meta), { treatment: 'block', why: 'Advertising: blocked (default)' });
  // The site's domain choice outranks its company choice: the level the popup used to ignore.
  const both = treated(SETTINGS, 'news.example', { name: 'Meta', hosts: ['connect.facebook.net', 'www.facebook.com'] });
  assert.equal(both.treatment, 'block');
  assert.equal(both.why, 'your choice for connect.facebook.net for this site; other hosts of it are treated differently');
  assert.deepEqual(treated({ version: 1, categories: { analytics: 'block' } }, 'other.example', { name: 'Google', hosts: ['www.google-analytics.com'] }),
    { treatment: 'block', why: 'Analytics: blocked' });
  assert.deepEqual(treated({ version: 1 }, 'other.example', { name: 'Google', hosts: ['www.google-analytics.com'] }),
    { treatment: 'strip', why: 'Analytics: loads without cookies (default)' });
  assert.deepEqual(treated(SETTINGS, 'other.example', { name: 'jsDelivr', hosts: ['cdn.jsdelivr.net'] }), { treatment: null, why: 'not blocked' });
  const trusted = { ...SETTINGS, sites: { 'news.example': { mode: 'trusted' } } };
  assert.deepEqual(treated(trusted, 'news.example', meta), { treatment: 'allow', why: 'you trust this site' });
  assert.deepEqual(companyTreatment({}, { name: 'Nobody', hosts: [] }), { treatment: null, why: 'not blocked' });
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
