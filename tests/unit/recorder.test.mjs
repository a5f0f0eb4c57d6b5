// The recorder's cookie step, with a fake storage, core and cookie store: it reads the stored
// report first (the worker may have restarted), keeps verdicts but never values, and decodes only
// the page's own consent string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeStorage } from '../support/fake-storage.mjs';
import { createRecorder } from '../../extension/background/recorder.js';
import { tabKey } from '../../extension/shared/state-keys.js';
import { newReport } from '../../extension/shared/tab-report.js';


const PAGE = 'https://news.example/';
const core = Promise.resolve({
  classifyCookie: (cookie, pageUrl) => ({
    name: cookie.name,
    purpose: cookie.name === 'IDE' ? 'advertising' : 'necessary',
    vendor: cookie.name === 'IDE' ? 'Google' : null,
    identifier: cookie.name === 'IDE',
    third_party: !cookie.domain.replace(/^\./, '').endsWith(new URL(pageUrl).hostname),
    reason: `${cookie.name} reason`,
  }),
  decodeConsent: (text) => {
    if (text !== 'GOOD') throw new Error('malformed consent string: bad');
    return { format: 'tcf', cmp_id: 10, purposes_consent: [1, 2], vendor_consents: { ids: { count: 3, ranges: '1-3' } }, summary: 'You allowed 3 vendors.' };
  },
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
  const report = { ...newReport(PAGE, { site: 'news.example' }), thirdPartySites: ['doubleclick.net', 'news.example'], requests: 7 };
  const storage = fakeStorage({ [tabKey(1)]: report });
  const store = cookieStore({
    [PAGE]: [cookie('SESSIONID', 'news.example', 'secret-session'), cookie('euconsent-v2', 'news.example', 'GOOD')],
    'doubleclick.net': [cookie('IDE', '.doubleclick.net', 'secret-ide'), cookie('euconsent-v2', '.doubleclick.net', 'BAD')],
  });
  const recorder = createRecorder({ storage, core, cookieStore: store, cookieDelaysMs: [0], onError: () => {} });
  await loaded(recorder);

  assert.deepEqual(store.queries, [{ url: PAGE }, { domain: 'doubleclick.net' }]);
  const stored = storage.data[tabKey(1)];
  // What was already recorded is kept.
  assert.equal(stored.requests, 7);
  assert.deepEqual(stored.cookies.map((c) => [c.name, c.purpose, c.thirdParty]), [
    ['SESSIONID', 'necessary', false], ['euconsent-v2', 'necessary', false], ['IDE', 'advertising', true], ['euconsent-v2', 'necessary', true],
  ]);
  assert.ok(!JSON.stringify(stored).includes('secret'));
  assert.deepEqual(stored.consent, { format: 'tcf', summary: 'You allowed 3 vendors.', cmpId: 10, purposes: [1, 2], vendors: 3 });
});

test('a malformed consent string is reported, not thrown', async () => {
  const storage = fakeStorage({ [tabKey(1)]: newReport(PAGE, { site: 'news.example' }) });
  const store = cookieStore({ [PAGE]: [cookie('euconsent-v2', 'news.example', 'BAD')] });
  const recorder = createRecorder({ storage, core, cookieStore: store, cookieDelaysMs: [0], onError: () => {} });
  await loaded(recorder);
  assert.equal(storage.data[tabKey(1)].consent.error, 'malformed consent string: bad');
});

test('a tab without a report, or not on the web, reads no cookies', async () => {
  const storage = fakeStorage({ [tabKey(2)]: newReport('chrome://newtab/', null) });
  const store = cookieStore({});
  const recorder = createRecorder({ storage, core, cookieStore: store, cookieDelaysMs: [0], onError: () => {} });
  await loaded(recorder);
  recorder.pageLoaded(2);
  await new Promise((r) => setTimeout(r, 20));
  await recorder.flush();
  assert.deepEqual(store.queries, []);
  assert.equal(storage.data[tabKey(1)], undefined);
});
