// The popup controls' decisions, without a browser: what the settings do to a company on a site
// (the most specific choice wins, as in the core's rules), and what each button changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedSettings, companyTreatment } from '../../extension/popup/controls.js';

const SETTINGS = {
  version: 1,
  categories: { advertising: 'block', analytics: 'strip' },
  companies: { X: 'block' },
  domains: {},
  sites: { 'news.example': { mode: 'protect', categories: { social: 'allow' }, companies: { Meta: 'allow' }, domains: {}, deleteCookies: [] } },
  gpc: true,
};
const company = (name, categories) => ({ name, categories });

test('the most specific choice decides a company\'s treatment', () => {
  const on = (site, c) => companyTreatment(SETTINGS, site, c).treatment;
  assert.equal(on('news.example', company('Meta', ['advertising'])), 'allow', 'the site\'s company choice');
  assert.equal(on('other.example', company('Meta', ['advertising'])), 'block', 'the global category');
  assert.equal(on('other.example', company('X', ['social'])), 'block', 'the global company choice');
  assert.equal(on('other.example', company('Google', ['analytics', 'advertising'])), 'block', 'block before strip');
  assert.equal(on('other.example', company('Mixpanel', ['analytics'])), 'strip');
  assert.equal(on('other.example', company('Vimeo', ['audio_video'])), null);
  const trusted = { ...SETTINGS, sites: { 'news.example': { mode: 'trusted' } } };
  assert.deepEqual(companyTreatment(trusted, 'news.example', company('X', ['social'])), { treatment: 'allow', why: 'you trust this site' });
});

test('each button changes one setting and leaves the given settings untouched', () => {
  const before = structuredClone(SETTINGS);
  const paused = changedSettings(SETTINGS, 'shop.example', { action: 'site-mode', mode: 'paused' });
  assert.equal(paused.sites['shop.example'].mode, 'paused');
  assert.deepEqual(paused.sites['news.example'], SETTINGS.sites['news.example']);
  const blockedHere = changedSettings(SETTINGS, 'news.example', { action: 'company', company: 'Google', scope: 'site', treatment: 'block' });
  assert.deepEqual(blockedHere.sites['news.example'].companies, { Meta: 'allow', Google: 'block' });
  assert.deepEqual(blockedHere.companies, { X: 'block' });
  const everywhere = changedSettings(SETTINGS, 'news.example', { action: 'company', company: 'Google', scope: 'all', treatment: 'block' });
  assert.deepEqual(everywhere.companies, { X: 'block', Google: 'block' });
  assert.equal(changedSettings(SETTINGS, 'news.example', { action: 'decline' }), null);
  assert.deepEqual(SETTINGS, before);
});
