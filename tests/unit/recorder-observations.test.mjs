// The recorder's key-logging and history hooks, with a fake storage and core: typed values reach
// the leak check only for third-party requests of that tab, are withdrawn on submit and on a new
// page, never stored; every saved report is handed to onSaved (the history and the badge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeStorage } from '../support/fake-storage.mjs';
import { createRecorder } from '../../extension/background/recorder.js';
import { reportCore } from '../support/core.mjs';


function fakeCore(checks) {
  const verdict = (url) => {
    const host = new URL(url).hostname;
    const third = host !== 'shop.example';
    return {
      host, site: host, party: third ? 'third_party' : 'first_party', tracker: third, categories: third ? ['session_replay'] : [],
      entity: third ? { name: 'Replayco' } : null, reason: `${host} reason`,
    };
  };
  return Promise.resolve({
    ...reportCore,
    engine: { classifyBatch: (requests) => requests.map((r) => verdict(r.url)) },
    stripTrackingParams: () => ({ removed: [] }),
    sentParams: () => [],
    scoreFingerprinting: (usage) => ({ score: usage.canvas_readback ? 60 : 0, level: usage.canvas_readback ? 'high' : 'none', techniques: [], reasons: [] }),
    findLeaks: (typed, url, body) => {
      checks.push({ typed: typed.map((t) => t.field), url, body: new TextDecoder().decode(body) });
      return typed.filter((t) => new TextDecoder().decode(body).includes(t.value)).map((t) => ({ field: t.field, encoding: 'plain', location: 'body' }));
    },
  });
}

const body = (text) => ({ raw: [{ bytes: new TextEncoder().encode(text).buffer }] });

test('typed text found in a third-party body before submit is a leak; only names are stored', async () => {
  const storage = fakeStorage();
  const checks = [];
  const saved = [];
  const recorder = createRecorder({ storage, core: fakeCore(checks), flushDelayMs: 1, onSaved: (reports) => saved.push(Object.keys(reports)) });
  recorder.request({ tabId: 1, url: 'https://shop.example/', type: 'main_frame' });
  await recorder.flush();
  recorder.typed(1, 'email', 'jane@example.com');
  recorder.typed(2, 'other', 'someone-else@example.com');
  recorder.request({ tabId: 1, url: 'https://shop.example/api', type: 'xmlhttprequest', requestBody: body('email=jane@example.com') });
  recorder.request({ tabId: 1, url: 'https://rec.replay.example/bundle', type: 'xmlhttprequest', requestBody: body('{"v":"jane@example.com"}') });
  await recorder.flush();

  // Only the third-party request was checked, with this tab's values only.
  assert.deepEqual(checks.map((c) => [c.url, c.typed]), [['https://rec.replay.example/bundle', ['email']]]);
  const report = storage.data['tab:1'];
  assert.deepEqual(report.leaks, [{ field: 'email', host: 'rec.replay.example', encoding: 'plain', location: 'body', company: 'Replayco' }]);
  assert.ok(!JSON.stringify(storage.data).includes('jane@'), 'the typed value is never stored');
  assert.deepEqual(saved, [['tab:1'], ['tab:1']]);

  // After submit the form's values may leave: they are no longer looked for.
  recorder.submitted(1, ['email']);
  recorder.request({ tabId: 1, url: 'https://rec.replay.example/bundle', type: 'xmlhttprequest', requestBody: body('jane@example.com') });
  await recorder.flush();
  assert.equal(checks.length, 1);
});

test('a submit right after a leaking request withdraws the value only after that request is checked', async () => {
  const storage = fakeStorage();
  const checks = [];
  const recorder = createRecorder({ storage, core: fakeCore(checks), flushDelayMs: 1000 });
  recorder.request({ tabId: 1, url: 'https://shop.example/', type: 'main_frame' });
  await recorder.flush();
  recorder.typed(1, 'email', 'jane@example.com');
  // The tracker sends the address, then the page submits at once, before the batch is applied.
  recorder.request({ tabId: 1, url: 'https://rec.replay.example/bundle', type: 'xmlhttprequest', requestBody: body('jane@example.com') });
  recorder.submitted(1, ['email']);
  recorder.request({ tabId: 1, url: 'https://rec.replay.example/after', type: 'xmlhttprequest', requestBody: body('jane@example.com') });
  await recorder.flush();
  assert.deepEqual(checks.map((c) => c.url), ['https://rec.replay.example/bundle']);
  assert.deepEqual(storage.data['tab:1'].leaks.map((l) => l.field), ['email']);
});

test('a new page in the tab forgets what was typed on the last one', async () => {
  const storage = fakeStorage();
  const checks = [];
  const recorder = createRecorder({ storage, core: fakeCore(checks), flushDelayMs: 1 });
  recorder.typed(1, 'email', 'jane@example.com');
  recorder.request({ tabId: 1, url: 'https://shop.example/next', type: 'main_frame' });
  recorder.request({ tabId: 1, url: 'https://rec.replay.example/bundle', type: 'xmlhttprequest', requestBody: body('jane@example.com') });
  await recorder.flush();
  assert.equal(checks.length, 0);
  assert.deepEqual(storage.data['tab:1'].leaks ?? [], []);
});

test('a tab closed at once: its final report goes to onClosed, then leaves storage; findings sent as it closed still land', async () => {
  const storage = fakeStorage();
  const closed = [];
  const recorder = createRecorder({ storage, core: fakeCore([]), flushDelayMs: 1000, onClosed: (report) => closed.push(structuredClone(report)) });
  recorder.request({ tabId: 1, url: 'https://shop.example/', type: 'main_frame' });
  recorder.request({ tabId: 1, url: 'https://rec.replay.example/bundle', type: 'script' });
  // Closed before the queue's own flush: the queued requests are applied first, not lost.
  await recorder.forget(1);
  assert.equal(closed.length, 1);
  assert.equal(closed[0].companies.Replayco.requests, 1);
  assert.ok(!('tab:1' in storage.data), 'the closed tab leaves storage.session');

  // The probe's pagehide message arrives after tabs.onRemoved: it reaches the history all the same.
  recorder.fingerprinting(1, 'https://shop.example/', [{ script: 'https://rec.replay.example/bundle', canvas_readback: 2 }]);
  await recorder.flush();
  assert.equal(closed.length, 2);
  assert.equal(closed[1].fingerprinting['https://rec.replay.example/bundle'].company, 'Replayco');
  // A request event of the closed tab arriving late makes no new report.
  recorder.request({ tabId: 1, url: 'https://rec.replay.example/late', type: 'xmlhttprequest' });
  await recorder.flush();
  assert.ok(!('tab:1' in storage.data));
});
