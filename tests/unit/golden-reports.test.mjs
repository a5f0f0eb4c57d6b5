// The golden corpus (tests/golden/), through the wasm build the extension runs: the same events
// build the same reports as in the Rust test (crate/tests/golden_reports.rs), and the popup's
// display helpers read those reports as the user will see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { pkg, reportCore } from '../support/core.mjs';
import { companiesByConcern, companyFingerprinting, cookiesByPurpose, trackerCount } from '../../extension/shared/tab-report.js';

// The core's plain-words view of a report (report/summary.rs), under the default settings.
const view = (report) => pkg.pageView(report, { version: 1 });
const row = (report, name) => view(report).companies.find((c) => c.name === name);

const dir = new URL('../golden/', import.meta.url);
const cases = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8'))]));

function build(golden) {
  if (golden.stored) return reportCore.applyPageEvents(golden.stored, golden.events, null);
  const [start, ...rest] = golden.events;
  return reportCore.applyPageEvents(null, rest, start);
}

test('every golden case builds its expected report through the wasm core', () => {
  assert.ok(Object.keys(cases).length >= 4);
  for (const [name, golden] of Object.entries(cases)) assert.deepEqual(build(golden), golden.expected, name);
});

test('the news page as the popup shows it: trackers first, states, cookies by purpose, fingerprinting', () => {
  const report = cases['news-observed'].expected;
  assert.equal(trackerCount(report), 3);
  assert.deepEqual(companiesByConcern(report).map((c) => c.name), ['Google', 'Hotjar', 'Meta']);
  assert.deepEqual(view(report).companies.map((c) => [c.name, c.stateLabel]), [['Google', 'Loaded'], ['Hotjar', 'Loaded'], ['Meta', 'Loaded']]);
  assert.equal(companyFingerprinting(report, 'Hotjar').verdict.level, 'high');
  assert.deepEqual(cookiesByPurpose(report).map((g) => g.purpose), ['advertising', 'analytics', 'necessary']);
  const google = report.companies.Google;
  assert.ok(google.cookiesSent.length || google.cookies.length);
  assert.match(row(report, 'Google').collected.find((f) => f.kind === 'cookies').text, /_ga/);
  // GPC refused tracking; the three trackers that loaded and keep identifiers ignored it.
  assert.deepEqual(report.ignoredRefusal.map((r) => [r.company, r.cookies]), [['Google', ['_ga', 'IDE']], ['Hotjar', ['_hjSessionUser']], ['Meta', ['_fbp']]]);
});

test('the shop page as the popup shows it: blocked, partly blocked, loaded', () => {
  const report = cases['shop-blocked'].expected;
  const label = (name) => `${row(report, name).stateLabel}: ${row(report, name).stateDetail}`;
  assert.equal(label('Meta'), 'Blocked: 1 request stopped; nothing reached it.');
  assert.equal(label('Google'), 'Partly blocked: 1 of 2 requests stopped; 1 sent.');
  assert.match(label('Tagco'), /^Loaded/);
  // A blocked company collected nothing; the sentence counts what the core says happened.
  assert.deepEqual(row(report, 'Meta').collected, []);
  assert.match(view(report).sentence, /TrackLens stopped 1 and partly stopped 1\.$/);
});
