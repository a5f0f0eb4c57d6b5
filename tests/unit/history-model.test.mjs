// The per-site history is merged from tab reports; these check that merging is idempotent,
// bounded and prunable, and that reach across sites adds up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DAY_MS, HISTORY_LIMITS, companiesByReach, cookiesAcrossSites, keysToPrune, mergeReport,
  reportSite, siteRecords,
} from '../../extension/shared/history-model.js';

// The history preferences of a new install (protection.rs reads and checks them).
const PREFS = { historyEnabled: true, retentionDays: 30 };

const T0 = Date.UTC(2026, 10, 1);

function report(site, startedAt, companies = {}, extra = {}) {
  return {
    pageUrl: `https://${site}/`, site, startedAt,
    companies: Object.fromEntries(Object.entries(companies).map(([name, requests]) => [name, {
      name, requests, tracker: name !== 'Cloudflare', categories: ['analytics'], hosts: [`${name.toLowerCase()}.example`], reasons: [`${name} is known`],
    }])),
    cookies: [], ...extra,
  };
}

test('merging the same report twice counts its visit and its requests once', () => {
  const first = report('news.example', T0, { Google: 3 });
  let record = mergeReport(null, first, T0 + 10);
  record = mergeReport(record, report('news.example', T0, { Google: 5 }), T0 + 20); // the page kept loading
  record = mergeReport(record, report('news.example', T0, { Google: 5 }), T0 + 30); // merged again after a restart
  assert.equal(record.visitCount, 1);
  assert.equal(record.companies.Google.requests, 5);
  record = mergeReport(record, report('news.example', T0 + 1000, { Google: 2 }), T0 + 2000);
  assert.equal(record.visitCount, 2);
  assert.equal(record.companies.Google.requests, 7);
  assert.equal(record.companies.Google.visits, 2);
  assert.equal(record.lastSeen, T0 + 2000);
  assert.equal(record.firstSeen, T0);
});

test('cookies are kept by name and domain, with purpose, expiry and identifier flag, never a value', () => {
  const cookie = { name: '_ga', domain: 'news.example', purpose: 'analytics', vendor: 'Google Analytics', identifier: true, thirdParty: false, expires: 1900000000, value: 'GA1.1.secret' };
  const record = mergeReport(null, report('news.example', T0, {}, { cookies: [cookie, { ...cookie }] }), T0);
  const stored = Object.values(record.cookies);
  assert.equal(stored.length, 1);
  assert.deepEqual({ ...stored[0], firstSeen: 0, lastSeen: 0 }, {
    name: '_ga', domain: 'news.example', purpose: 'analytics', vendor: 'Google Analytics', identifier: true, thirdParty: false, expires: 1900000000, firstSeen: 0, lastSeen: 0,
  });
  assert.ok(!JSON.stringify(record).includes('secret'));
});

test('a site record is bounded however many companies and cookies a page brings', () => {
  const companies = Object.fromEntries(Array.from({ length: HISTORY_LIMITS.companiesPerSite + 20 }, (_, i) => [`C${i}`, 1]));
  const cookies = Array.from({ length: HISTORY_LIMITS.cookiesPerSite + 20 }, (_, i) => ({ name: `c${i}`, domain: 'x', purpose: 'unknown' }));
  let record = null;
  for (let visit = 0; visit < HISTORY_LIMITS.visitsPerSite + 5; visit++) record = mergeReport(record, report('big.example', T0 + visit, companies, { cookies }), T0 + visit);
  assert.equal(Object.keys(record.companies).length, HISTORY_LIMITS.companiesPerSite);
  assert.equal(Object.keys(record.cookies).length, HISTORY_LIMITS.cookiesPerSite);
  assert.equal(record.visits.length, HISTORY_LIMITS.visitsPerSite);
  assert.equal(record.visitCount, HISTORY_LIMITS.visitsPerSite + 5);
});

test('companies are ranked by reach across sites, with the strongest fingerprinting kept', () => {
  const fingerprinting = { 's.js': { company: 'Fingerprint', verdict: { score: 80, level: 'high', techniques: ['canvas'] } } };
  const records = [
    mergeReport(null, report('news.example', T0, { Google: 4, Meta: 1, Fingerprint: 1 }, { fingerprinting }), T0),
    mergeReport(null, report('shop.example', T0 + 5, { Google: 1, Meta: 2 }), T0 + 5),
    mergeReport(null, report('blog.example', T0 + 9, { Google: 1 }), T0 + 9),
  ];
  const ranked = companiesByReach(records);
  assert.deepEqual(ranked.map((c) => [c.name, c.reach, c.requests]), [['Google', 3, 6], ['Meta', 2, 3], ['Fingerprint', 1, 1]]);
  assert.deepEqual(ranked[1].sites, ['news.example', 'shop.example']);
  assert.equal(ranked[2].fingerprinting.level, 'high');
  assert.deepEqual(cookiesAcrossSites(records), []);
});

test('records older than the retention window are pruned, and the count is capped', () => {
  const now = T0 + 40 * DAY_MS;
  const records = [
    { site: 'old.example', lastSeen: T0 },
    { site: 'recent.example', lastSeen: now - DAY_MS },
  ];
  assert.deepEqual(keysToPrune(records, PREFS, now), ['site:old.example']);
  assert.deepEqual(keysToPrune(records, { retentionDays: 60 }, now), []);
  const many = Array.from({ length: HISTORY_LIMITS.sites + 3 }, (_, i) => ({ site: `s${i}.example`, lastSeen: now - i }));
  assert.deepEqual(keysToPrune(many, PREFS, now), ['site:s1000.example', 'site:s1001.example', 'site:s1002.example']);
  // The size cap: three records of 46 bytes each in a budget of 100 keep the newest two.
  const small = many.slice(0, 3);
  assert.deepEqual(keysToPrune(small, PREFS, now, { sites: 10, bytes: 100 }), ['site:s2.example']);
});

test('only web pages have a site; records of another version are ignored', () => {
  assert.equal(reportSite({ site: 'x', pageUrl: 'chrome://newtab/' }), null);
  assert.equal(reportSite({ site: 'news.example', pageUrl: 'https://news.example/' }), 'news.example');
  const all = { 'site:a': { version: 1, site: 'a', lastSeen: 1 }, 'site:b': { version: 99, site: 'b' }, settings: {} };
  assert.deepEqual(siteRecords(all).map((r) => r.site), ['a']);
});

test('blocked requests are kept apart from sent ones, per visit, and each site keeps the core\'s last state', () => {
  const withState = (r, name, blocked, state) => {
    Object.assign(r.companies[name], { blocked, state });
    return r;
  };
  let news = mergeReport(null, withState(report('news.example', T0, { Google: 3 }), 'Google', 1, 'partly_blocked'), T0 + 10);
  news = mergeReport(news, withState(report('news.example', T0, { Google: 3 }), 'Google', 1, 'partly_blocked'), T0 + 20); // merged again
  news = mergeReport(news, withState(report('news.example', T0 + 1000, { Google: 2 }), 'Google', 2, 'blocked'), T0 + 2000);
  assert.deepEqual([news.companies.Google.requests, news.companies.Google.blocked, news.companies.Google.state], [5, 3, 'blocked']);
  const shop = mergeReport(null, withState(report('shop.example', T0, { Google: 4 }), 'Google', 0, 'loaded'), T0 + 10);
  const [google] = companiesByReach([news, shop]);
  assert.deepEqual([google.requests, google.blocked, google.states], [9, 3, { blocked: 1, loaded: 1 }]);
});
