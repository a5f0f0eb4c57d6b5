// The recorder's cookie step, with a fake storage, core and cookie store: it reads the stored
// report first (the worker may have restarted), keeps verdicts but never values, and decodes only
// the page's own consent string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeStorage } from '../support/fake-storage.mjs';
import { createRecorder } from '../../extension/background/recorder.js';
import { tabKey } from '../../extension/shared/state-keys.js';
import { reportCore } from '../support/core.mjs';

/** A stored report of `url` built by the core, after `requests` third-party requests to `site`. */
function newReport(url, { thirdParty = [] } = {}) {
  const requests = thirdParty.map((site) => ({
    kind: 'request', url: `https://x.${site}/p`,
    verdict: { host: `x.${site}`, site, party: 'third_party', entity: null, categories: [], tracker: false, reason: 'r' },
  }));
  return reportCore.applyPageEvents(null, requests, { kind: 'page', url, startedAt: 1 });
}


const PAGE = 'https://news.example/';
const core = Promise.resolve({
  ...reportCore,
  classifyCookie: (cookie, pageUrl) => ({
    name: cookie.name,
    purpose: cookie.name === 'IDE' ? 'advertising' : 'necessary',
    vendor: cookie.name === 'IDE' ? 'Google' : null,
    identifier: cookie.name === 'IDE',
    third_party: !cookie.domain.replace(/^\./, '').endsWith(new URL(pageUrl).hostname),
    reason: `${cookie.name} reason`,
  }),
});

function cookieStore(byQuery) {
  const queries = [];
  return {
    queries,
    async getAll(query) {
      queries.push(query);
      return structuredClone(byQuery[query.url ?? query.domain] ?? []);
    },
  };
}

const cookie = (name, domain, value) => ({ name, domain, value, path: '/', secure: true, httpOnly: true, sameSite: 'lax' });

async function loaded(recorder) {
  recorder.pageLoaded(1);
  await new Promise((r) => setTimeout(r, 20));
  await recorder.flush();
}

test('cookies of the page and of its third-party sites are classified into the stored report', async () => {
  const report = newReport(PAGE, { thirdParty: ['doubleclick.net', 'news.example', 'doubleclick.net'] });
  const storage = fakeStorage({ [tabKey(1)]: report });
  const store = cookieStore({
    [PAGE]: [cookie('SESSIONID', 'news.example', 'secret-session'), cookie('euconsent-v2', 'news.example', '1YNN')],
    'doubleclick.net': [cookie('IDE', '.doubleclick.net', 'secret-ide'), cookie('euconsent-v2', '.doubleclick.net', 'BAD')],
  });
  const recorder = createRecorder({ storage, core, cookieStore: store, cookieDelaysMs: [0], onError: () => {} });
  await loaded(recorder);

  // Unpartitioned and in the page's own partition (Firefox's Total Cookie Protection, CHIPS).
  const partition = { partitionKey: { topLevelSite: 'https://news.example' } };
  assert.deepEqual(store.queries, [{ url: PAGE }, { url: PAGE, ...partition }, { domain: 'doubleclick.net' }, { domain: 'doubleclick.net', ...partition }]);
  const stored = storage.data[tabKey(1)];
  // What was already recorded is kept.
  assert.equal(stored.requests, 3);
  assert.deepEqual(stored.cookies.map((c) => [c.name, c.purpose, c.thirdParty]), [
    ['SESSIONID', 'necessary', false], ['euconsent-v2', 'necessary', false], ['IDE', 'advertising', true], ['euconsent-v2', 'necessary', true],
  ]);
  assert.ok(!JSON.stringify(stored).includes('secret'));
  // The page's own string, decoded by the core (a US Privacy string: notice given, no opt-out).
  assert.equal(stored.consent.format, 'us_privacy');
  assert.match(stored.consent.summary, /did not opt out/);
});

test('a malformed consent string is reported, not thrown', async () => {
  const storage = fakeStorage({ [tabKey(1)]: newReport(PAGE) });
  const store = cookieStore({ [PAGE]: [cookie('euconsent-v2', 'news.example', 'BAD')] });
  const recorder = createRecorder({ storage, core, cookieStore: store, cookieDelaysMs: [0], onError: () => {} });
  await loaded(recorder);
  assert.match(storage.data[tabKey(1)].consent.error, /^malformed consent string: /);
});

test('a tab without a report, or not on the web, reads no cookies', async () => {
  const storage = fakeStorage({ [tabKey(2)]: newReport('chrome://newtab/') });
  const store = cookieStore({});
  const recorder = createRecorder({ storage, core, cookieStore: store, cookieDelaysMs: [0], onError: () => {} });
  await loaded(recorder);
  recorder.pageLoaded(2);
  await new Promise((r) => setTimeout(r, 20));
  await recorder.flush();
  assert.deepEqual(store.queries, []);
  assert.equal(storage.data[tabKey(1)], undefined);
});
