// The history store over a fake chrome.storage.local: writes are debounced per page, each update
// reads the stored record back first (a restarted worker adds to it), the off switch is obeyed,
// and clearing keeps the settings. The preferences come from the settings store (here a plain
// object the test changes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeStorage } from '../support/fake-storage.mjs';
import { createHistory } from '../../extension/background/history.js';


const T0 = Date.UTC(2026, 10, 25);
const PREFS = { historyEnabled: true, retentionDays: 30 };
const report = (startedAt, requests) => ({
  pageUrl: 'https://news.example/', site: 'news.example', startedAt, cookies: [],
  companies: { Google: { name: 'Google', requests, tracker: true, categories: ['analytics'], hosts: ['g.example'], reasons: ['r'] } },
});

test('reports of a loading page are coalesced into one write; a new worker adds to the stored record', async () => {
  const storage = fakeStorage();
  const first = createHistory({ storage, preferences: async () => PREFS, now: () => T0, debounceMs: 5 });
  for (let n = 1; n <= 20; n++) first.record([report(T0, n)]);
  await first.flush();
  assert.equal(storage.data['site:news.example'].companies.Google.requests, 20);
  const writesAfterFirst = storage.writes;
  assert.ok(writesAfterFirst <= 2, `one record write (and the prune stamp), not 20: ${writesAfterFirst}`);

  // A restarted worker: a fresh history object over the same storage, a second visit.
  const second = createHistory({ storage, preferences: async () => PREFS, now: () => T0 + 1000, debounceMs: 5 });
  second.record([report(T0 + 1000, 3)]);
  await second.flush();
  const record = storage.data['site:news.example'];
  assert.equal(record.visitCount, 2);
  assert.equal(record.companies.Google.requests, 23);
});

test('with history off nothing is written; clearing deletes records and pending reports, keeps settings', async () => {
  const prefs = { historyEnabled: false, retentionDays: 7 };
  const storage = fakeStorage({ settings: prefs });
  const history = createHistory({ storage, preferences: async () => prefs, now: () => T0, debounceMs: 5 });
  history.record([report(T0, 1)]);
  await history.flush();
  assert.equal(storage.data['site:news.example'], undefined);

  prefs.historyEnabled = true;
  history.record([report(T0, 1)]);
  await history.flush();
  assert.ok(storage.data['site:news.example']);
  history.record([report(T0, 2)]);
  await history.clear();
  await history.flush();
  assert.deepEqual(Object.keys(storage.data).filter((k) => k.startsWith('site:')), []);
  assert.deepEqual(storage.data.settings, { historyEnabled: false, retentionDays: 7 }, 'the history never writes the settings');
});
