// The worker's message router against senders as Chrome describes them: settings and deletion
// only from extension pages, findings only from our content scripts and only about their own tab,
// unknown types and other extensions ignored, a failing handler answered with its error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter } from '../../extension/background/messages.js';

const ID = 'tracklensid';
const runtime = { id: ID, getURL: (path) => `chrome-extension://${ID}/${path}` };
const POPUP = { id: ID, url: `chrome-extension://${ID}/extension/popup/popup.html?tab=7`, tab: { id: 99 } };
const OPTIONS = { id: ID, url: `chrome-extension://${ID}/extension/options/options.html` };
const PAGE_TOP = { id: ID, url: 'https://news.example/', tab: { id: 7, url: 'https://news.example/' }, frameId: 0 };
const PAGE_FRAME = { ...PAGE_TOP, url: 'https://ads.example/frame', frameId: 3 };
const OTHER_EXTENSION = { id: 'someoneelse', url: 'chrome-extension://someoneelse/page.html' };

function router() {
  const calls = [];
  const { listener } = createRouter([
    { types: ['save'], from: 'extensionPage', handle: (m) => Promise.resolve({ ok: true, saved: m.settings }) },
    { types: ['finding'], from: 'tabContent', handle: (m, sender) => { calls.push({ tab: sender.tab.id, claimed: m.tabId }); } },
    { types: ['storage'], from: 'tabTopFrame', handle: (m, sender) => { calls.push({ storage: sender.tab.id }); } },
    { types: ['broken'], from: 'extensionPage', handle: () => Promise.reject(new Error('disk full')) },
  ], { runtime, onError: () => {} });
  const send = (message, sender) => new Promise((resolve) => {
    const open = listener(message, sender, resolve);
    if (!open) setImmediate(() => resolve('no answer'));
  });
  return { calls, send };
}

test('settings messages are answered for extension pages only', async () => {
  const { send } = router();
  assert.deepEqual(await send({ type: 'save', settings: 1 }, POPUP), { ok: true, saved: 1 });
  assert.deepEqual(await send({ type: 'save', settings: 2 }, OPTIONS), { ok: true, saved: 2 });
  for (const sender of [PAGE_TOP, PAGE_FRAME, OTHER_EXTENSION, {}]) {
    assert.equal(await send({ type: 'save', settings: 3 }, sender), 'no answer', JSON.stringify(sender));
  }
  assert.deepEqual(await send({ type: 'broken' }, POPUP), { ok: false, error: 'disk full' });
  for (const message of [null, 'save', { type: 'nonsense' }, { type: { toString: () => 'save' } }]) {
    assert.equal(await send(message, POPUP), 'no answer');
  }
});

test('findings come from our content scripts and land in the sender\'s own tab only', async () => {
  const { send, calls } = router();
  await send({ type: 'finding', tabId: 12345 }, PAGE_FRAME);
  await send({ type: 'finding', tabId: 12345 }, POPUP); // an extension page is not a tab's content script
  await send({ type: 'finding' }, { ...OTHER_EXTENSION, tab: { id: 5 } });
  await send({ type: 'storage' }, PAGE_FRAME); // top frames only
  await send({ type: 'storage' }, PAGE_TOP);
  assert.deepEqual(calls, [{ tab: 7, claimed: 12345 }, { storage: 7 }]);
});

test('a type routed twice or an unknown sender kind is a programming error', () => {
  assert.throws(() => createRouter([{ types: ['a'], from: 'extensionPage', handle() {} }, { types: ['a'], from: 'tabContent', handle() {} }], { runtime }), /routed twice/);
  assert.throws(() => createRouter([{ types: ['a'], from: 'anyone', handle() {} }], { runtime }), /unknown sender kind/);
});
