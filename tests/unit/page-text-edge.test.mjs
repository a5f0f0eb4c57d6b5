// The wasm edge reads a page's long text with TextEncoder.encodeInto (crate/src/wasm.rs page_text)
// instead of wasm-bindgen's string glue: the core must decide the same as on the ordinary path,
// count a cut exactly as PageSignals::bound does, keep characters beyond ASCII whole, and leave
// the sender's objects as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportCore } from '../support/core.mjs';

const url = 'https://clinic.example/services';
const start = { kind: 'page', url, startedAt: 1 };
const context = (text, extra = {}) =>
  reportCore.applyPageEvents(null, [{ kind: 'pageSignals', source: 'page', signals: { url, title: 'Services', text, ...extra } }], start).context;

test('long page text decides as short text does, with its terms found past the first kilobyte', () => {
  const filler = 'Opening hours and directions to our practice. '.repeat(30); // over 1,024 characters
  const short = context('Confidential HIV testing and PrEP consultations for everyone.');
  const long = context(`${filler}Confidential HIV testing and PrEP consultations for everyone.`);
  assert.ok(filler.length > 1024);
  assert.equal(long.category, 'health');
  assert.equal(long.category, short.category);
  assert.deepEqual(long.categories.map((c) => c.evidence), short.categories.map((c) => c.evidence));
  assert.equal(long.skipped ?? 0, 0);
});

test('text over the core bound is cut once and counted; folded letters beyond ASCII still match', () => {
  const over = context(`${'é'.repeat(30000)} Schwangerschaftsabbruch Beratung`);
  assert.equal(over.skipped, 1, JSON.stringify(over));
  const german = context(`${'Öffnungszeiten und Anfahrt zur Praxis. '.repeat(40)}Schwangerschaftsabbruch und Beratung`);
  const germanShort = context('Schwangerschaftsabbruch und Beratung');
  assert.match(JSON.stringify(germanShort.categories), /schwangerschaftsabbruch/);
  assert.deepEqual(german.categories, germanShort.categories);
});

test('the sender\'s event and signals are not changed by the read', () => {
  const text = 'x '.repeat(5000);
  const signals = { url, title: 'Services', text };
  const event = { kind: 'pageSignals', source: 'page', signals };
  reportCore.applyPageEvents(null, [event], start);
  assert.equal(event.signals, signals);
  assert.equal(signals.text, text);
});

// The rest of an event list crosses the edge as one JSON text (crate/src/wasm.rs events_from_js).
const request = (host) => ({
  kind: 'request', url: `https://${host}/p`,
  verdict: { host, site: host, party: 'third_party', entity: null, categories: ['advertising'], tracker: true, reason: 'r' },
});

test('events around a long-text event keep their order and their effect', () => {
  const long = { kind: 'pageSignals', source: 'page', signals: { url, title: 'Services', text: `${'Opening hours. '.repeat(100)}HIV testing` } };
  const events = [request('a.example'), long, request('b.example'), { kind: 'blocked', host: 'b.example' }];
  const report = reportCore.applyPageEvents(null, events, start);
  const oneByOne = events.reduce((stored, event) => reportCore.applyPageEvents(stored, [event], null), reportCore.applyPageEvents(null, [], start));
  assert.deepEqual(report, oneByOne);
  assert.deepEqual(Object.keys(report.hostOwners ?? {}).sort(), Object.keys(oneByOne.hostOwners ?? {}).sort());
  assert.equal(report.context.signals, 'page');
});

test('a malformed event is refused with what is wrong; a missing start reads as none', () => {
  assert.throws(() => reportCore.applyPageEvents(null, [{ kind: 'request' }], start), /missing field `url`/);
  assert.throws(() => reportCore.applyPageEvents(null, [{ kind: 'gpc', sent: 1n }], start), /JSON cannot hold/);
  assert.throws(() => reportCore.applyPageEvents(null, [{ kind: 'noSuchEvent' }], start), /unknown variant `noSuchEvent`/);
  assert.equal(reportCore.applyPageEvents(null, [], undefined), null);
});

test('a lone surrogate a page sent becomes U+FFFD, as the string glue makes it; an escape written as text stays text', () => {
  const text = `${'a '.repeat(600)}\ud800 HIV testing`;
  assert.equal(context(text).category, context('\ud800 HIV testing').category);
  const entry = (name) => ({ name, domain: 'clinic.example', path: '/', purpose: 'unknown', vendor: null, identifier: false, reason: 'r', thirdParty: false, company: null });
  const names = ['\ud800x', 'y\udfff', '\\ud800', '\\\ud83d', '\ud83d\ude00'];
  const report = reportCore.applyPageEvents(null, [{ kind: 'storage', entries: names.map(entry) }], start);
  assert.deepEqual(report.storage.map((e) => e.name), ['\ufffdx', 'y\ufffd', '\\ud800', '\\\ufffd', '\ud83d\ude00']);
});
