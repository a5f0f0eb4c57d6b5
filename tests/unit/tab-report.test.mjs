// The per-tab report is built from verdicts alone; these check its arithmetic and its bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, addCookies, addVerdict, companiesByConcern, newReport } from '../../extension/shared/tab-report.js';

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
