// The per-tab report is built from verdicts alone; these check its arithmetic and its bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIMITS, addBlocked, addCookies, addVerdict, companiesByConcern, consentEntry, cookieEntry, cookieSitesToRead, cookiesByPurpose, newReport,
  setCookies,
} from '../../extension/shared/tab-report.js';

const google = { name: 'Google', parent: 'Alphabet', privacy_policy: 'https://policies.google.com/privacy', opt_out: null };
const verdict = (host, extra = {}) => ({
  host, site: host, party: 'third_party', entity: google, categories: ['analytics'], tracker: true,
  reason: `${host} is Google's`, matched_by: { source: 'knowledge_base', rule: host }, ...extra,
});

test('verdicts of one company add up under its name', () => {
  const report = newReport('https://news.example/', { site: 'news.example' });
  addVerdict(report, verdict('www.google-analytics.com'));
  addVerdict(report, verdict('googleads.g.doubleclick.net', { categories: ['advertising'] }));
  addVerdict(report, verdict('www.google-analytics.com'));
  const company = report.companies.Google;
  assert.equal(company.requests, 3);
  assert.deepEqual(company.hosts, ['www.google-analytics.com', 'googleads.g.doubleclick.net']);
  assert.deepEqual(company.categories, ['analytics', 'advertising']);
  assert.equal(report.thirdPartyRequests, 3);
});

test('cookies are attributed to the company owning the host', () => {
  const report = newReport('https://news.example/', { site: 'news.example' });
  addVerdict(report, verdict('googleads.g.doubleclick.net'));
  addCookies(report, 'googleads.g.doubleclick.net', ['IDE', 'IDE'], 'sent');
  addCookies(report, 'unknown.example', ['x'], 'sent');
  assert.deepEqual(report.companies.Google.cookiesSent, ['IDE']);
  assert.deepEqual(report.companies.Google.cookiesSet, []);
});

test('blocked requests are counted for the page and the company owning the host', () => {
  const report = newReport('https://news.example/', { site: 'news.example' });
  addVerdict(report, verdict('googleads.g.doubleclick.net'));
  addBlocked(report, 'googleads.g.doubleclick.net');
  addBlocked(report, 'googleads.g.doubleclick.net');
  addBlocked(report, 'unknown.example');
  assert.equal(report.companies.Google.blocked, 2);
  assert.equal(report.blockedRequests, 3);
});

test('unknown third parties are counted but bounded', () => {
  const report = newReport('https://news.example/', { site: 'news.example' });
  for (let i = 0; i < LIMITS.unknownHosts + 50; i++) {
    addVerdict(report, verdict(`h${i}.example`, { entity: null, categories: [], tracker: false }));
  }
  assert.equal(Object.keys(report.unknownThirdParties).length, LIMITS.unknownHosts);
  assert.equal(report.thirdPartyRequests, LIMITS.unknownHosts + 50);
});

test('trackers come before other companies', () => {
  const report = newReport('https://news.example/', { site: 'news.example' });
  const cdn = { ...google, name: 'jsDelivr' };
  for (let i = 0; i < 5; i++) addVerdict(report, verdict('cdn.jsdelivr.net', { entity: cdn, tracker: false, categories: ['cdn'] }));
  addVerdict(report, verdict('www.google-analytics.com'));
  assert.deepEqual(companiesByConcern(report).map((c) => c.name), ['Google', 'jsDelivr']);
});

test('third-party sites are remembered for reading their cookies, without the page site', () => {
  const report = newReport('https://news.example/', { site: 'news.example' });
  addVerdict(report, verdict('googleads.g.doubleclick.net', { site: 'doubleclick.net' }));
  addVerdict(report, verdict('stats.g.doubleclick.net', { site: 'doubleclick.net' }));
  addVerdict(report, verdict('news.example', { site: 'news.example', party: 'first_party', entity: null }));
  addVerdict(report, verdict('cdn.example', { site: 'cdn.example', entity: null, tracker: false }));
  assert.deepEqual(cookieSitesToRead(report), ['doubleclick.net', 'cdn.example']);
  // A report stored before the field existed still works.
  const old = { ...newReport('https://news.example/', { site: 'news.example' }), thirdPartySites: undefined };
  assert.deepEqual(cookieSitesToRead(old), []);
  addVerdict(old, verdict('googleads.g.doubleclick.net', { site: 'doubleclick.net' }));
  assert.deepEqual(cookieSitesToRead(old), ['doubleclick.net']);
});

const chromeCookie = (name, domain, extra = {}) => ({
  name, domain, path: '/', value: `secret-${name}`, secure: true, httpOnly: false, sameSite: 'lax', ...extra,
});
const cookieVerdict = (purpose, extra = {}) => ({
  purpose, vendor: null, identifier: false, third_party: false, reason: `because ${purpose}`, entity: null, ...extra,
});

test('cookie entries keep the verdict and never the value', () => {
  const entry = cookieEntry({ ...chromeCookie('IDE', '.doubleclick.net'), expirationDate: 1900000000.4 },
    cookieVerdict('advertising', { vendor: 'Google', identifier: true, third_party: true, entity: { name: 'Google', privacy_policy: 'https://policies.google.com/privacy' } }));
  assert.deepEqual(entry, {
    name: 'IDE', domain: '.doubleclick.net', path: '/', purpose: 'advertising', vendor: 'Google', identifier: true,
    reason: 'because advertising', thirdParty: true, company: 'Google', expires: 1900000000,
  });
  assert.ok(!JSON.stringify(entry).includes('secret'));
});

test('cookies are deduplicated, bounded and grouped by purpose, trackers first', () => {
  const report = newReport('https://news.example/', { site: 'news.example' });
  const entries = [
    cookieEntry(chromeCookie('SESSIONID', 'news.example'), cookieVerdict('necessary')),
    cookieEntry(chromeCookie('_ga', '.news.example'), cookieVerdict('analytics', { vendor: 'Google Analytics' })),
    cookieEntry(chromeCookie('_ga', '.news.example'), cookieVerdict('analytics', { vendor: 'Google Analytics' })),
    cookieEntry(chromeCookie('_fbp', '.news.example'), cookieVerdict('advertising')),
    cookieEntry(chromeCookie('IDE', '.doubleclick.net'), cookieVerdict('advertising', { third_party: true })),
  ];
  setCookies(report, entries);
  assert.equal(report.cookies.length, 4);
  const groups = cookiesByPurpose(report);
  assert.deepEqual(groups.map((g) => g.purpose), ['advertising', 'analytics', 'necessary']);
  assert.deepEqual(groups[0].cookies.map((c) => c.name), ['_fbp', 'IDE']);

  const many = Array.from({ length: LIMITS.pageCookies + 20 }, (_, i) =>
    cookieEntry(chromeCookie(`c${i}`, 'news.example'), cookieVerdict('unknown')));
  setCookies(report, many);
  assert.equal(report.cookies.length, LIMITS.pageCookies);
  assert.deepEqual(cookiesByPurpose(newReport('https://x.example/', null)), []);
});

test('the consent entry keeps the summary, the CMP, the purposes and the number of vendors', () => {
  const decoded = {
    format: 'tcf', cmp_id: 10, purposes_consent: [1, 2, 3], vendor_consents: { ids: { count: 3, ranges: '91,755,793' }, max_vendor_id: 793 },
    summary: 'You allowed 3 vendors to store and access information on your device.',
  };
  assert.deepEqual(consentEntry(decoded), {
    format: 'tcf', summary: decoded.summary, cmpId: 10, purposes: [1, 2, 3], vendors: 3,
  });
  assert.equal(consentEntry(null), null);
  assert.deepEqual(consentEntry({ format: 'us_privacy', summary: 'You opted out.' }), {
    format: 'us_privacy', summary: 'You opted out.', cmpId: null, purposes: [], vendors: 0,
  });
  assert.equal(consentEntry(null, 'malformed consent string: bad').error, 'malformed consent string: bad');
});

test('storage keys are grouped with cookies by purpose, bounded, without values', async () => {
  const { setStorage, storageEntry, cookiesByPurpose, LIMITS: limits } = await import('../../extension/shared/tab-report.js');
  const report = newReport('https://news.example/', { site: 'news.example' });
  const verdict = { purpose: 'analytics', vendor: 'Hotjar', identifier: true, reason: '_hjid is Hotjar\'s', third_party: false };
  const entries = Array.from({ length: limits.storageKeys + 5 }, (_, i) => storageEntry('local', `k${i}`, verdict));
  setStorage(report, [storageEntry('local', '_hjid', verdict), storageEntry('local', '_hjid', verdict), ...entries]);
  assert.equal(report.storage.length, limits.storageKeys);
  assert.equal(report.storage.filter((e) => e.name === '_hjid').length, 1);
  assert.equal(report.storage[0].domain, 'localStorage');
  assert.equal(cookiesByPurpose(report)[0].purpose, 'analytics');
  assert.ok(report.storage.every((e) => !('value' in e)));
});

test('tracking parameters keep names, owners and reasons, never values', async () => {
  const { trackingParamEntries } = await import('../../extension/shared/tab-report.js');
  const entries = trackingParamEntries({ url: 'https://shop.example/', removed: [
    { name: 'gclid', company: 'Google', kind: 'click_id', reason: 'Google Ads click ID', value: 'Cj0secret' },
  ] });
  assert.deepEqual(entries, [{ name: 'gclid', company: 'Google', kind: 'click_id', reason: 'Google Ads click ID' }]);
  assert.deepEqual(trackingParamEntries(null), []);
});
