// The dashboard's "what advertisers could infer about you": page reports with the core's context
// merged into site records (history-model.js), then the core's profile of them through wasm
// (crate/src/profile.rs), forgetting a category, and the export carrying both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pkg, reportCore } from '../support/core.mjs';
import { forgetInferred, mergeReport } from '../../extension/shared/history-model.js';
import { evidenceDocument } from '../../extension/shared/evidence.js';

const NOW = Date.UTC(2026, 11, 1);

function pageReport(url, title, startedAt, { blocked = false } = {}) {
  const meta = { host: 'www.facebook.com', site: 'facebook.com', party: 'third_party', entity: { name: 'Meta' }, categories: ['advertising', 'social'], tracker: true, reason: '' };
  const events = [
    { kind: 'request', url: `https://www.facebook.com/tr/?ev=ViewContent&dl=${encodeURIComponent(url)}`, verdict: meta },
    ...(blocked ? [{ kind: 'blocked', host: 'www.facebook.com' }] : []),
    { kind: 'pageSignals', source: 'page', signals: { url, title } },
  ];
  return reportCore.applyPageEvents(null, events, { kind: 'page', url, startedAt });
}

test('each company gets the sensitive categories and topics of the pages where a request of it left', () => {
  let record = mergeReport(null, pageReport('https://shop.example/pharmacy/oraquick-hiv-self-test', 'OraQuick HIV Self-Test', NOW - 2000), NOW);
  record = mergeReport(record, pageReport('https://shop.example/products/ice-scraper', 'Ice scraper with brush for your car', NOW - 1000), NOW);
  // Merged again (the report kept updating): the visit counts once.
  record = mergeReport(record, pageReport('https://shop.example/products/ice-scraper', 'Ice scraper with brush for your car', NOW - 1000), NOW);
  // A visit where every Meta request was blocked: Meta did not see it.
  record = mergeReport(record, pageReport('https://shop.example/pharmacy/hiv-test-kit', 'HIV self-test kit', NOW - 500, { blocked: true }), NOW);
  assert.equal(record.contexts.length, 3);

  const profile = pkg.inferredProfile([record]);
  const meta = profile.companies.find((c) => c.name === 'Meta');
  assert.deepEqual(meta.sensitive.map((i) => [i.name, i.pages, i.received, i.sites]), [['health', 1, 1, ['shop.example']]]);
  assert.match(meta.sensitive[0].evidence.join('; '), /hiv self-test/);
  assert.ok(meta.topics.some((t) => t.name === 'Automotive'), JSON.stringify(meta.topics));
  assert.ok(profile.names.some((n) => n.name === 'health' && n.sensitive));

  // Forgetting health removes it from every visit; the topics stay.
  const forgotten = forgetInferred(record, 'health');
  assert.ok(forgotten.contexts.every((c) => !c.categories.includes('health')));
  assert.deepEqual(pkg.inferredProfile([forgotten]).companies.find((c) => c.name === 'Meta').sensitive, []);
  assert.equal(forgetInferred(forgotten, 'health'), null, 'nothing left to forget');

  const doc = evidenceDocument([record], { now: NOW, profile });
  assert.equal(doc.schemaVersion, 2);
  assert.equal(doc.inferredProfile.companies.find((c) => c.name === 'Meta').sensitive[0].name, 'health');
  assert.equal(doc.sites[0].contexts.length, 3);
  assert.equal(evidenceDocument([record], { site: 'other.example', profile }).inferredProfile.companies.length, 0);
});
