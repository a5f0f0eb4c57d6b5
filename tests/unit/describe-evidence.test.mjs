// Words the popup and dashboard show, and the evidence export: lifetimes, GPC, what the bounds
// left out, CSV safety, and the JSON document against its published schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { gpcStatus, lifetime, omittedText } from '../../extension/shared/describe.js';
import { companiesCsv, csvCell, evidenceDocument } from '../../extension/shared/evidence.js';
import { mergeReport } from '../../extension/shared/history-model.js';

const NOW = Date.UTC(2026, 10, 25);
const inDays = (days) => NOW / 1000 + days * 86400;

test('lifetimes in words', () => {
  assert.equal(lifetime({ expires: null }, NOW), 'until the browser closes');
  assert.equal(lifetime({ domain: 'localStorage' }, NOW), 'until cleared');
  assert.equal(lifetime({ domain: 'sessionStorage' }, NOW), 'until the tab closes');
  assert.equal(lifetime({ expires: inDays(400) }, NOW), '1.1 years');
  assert.equal(lifetime({ expires: inDays(90) }, NOW), '3 months');
  assert.equal(lifetime({ expires: inDays(7) }, NOW), '7 days');
  assert.equal(lifetime({ expires: inDays(1 / 24) }, NOW), '1 hour');
  assert.equal(lifetime({ expires: inDays(-1) }, NOW), 'expired');
});

test('Global Privacy Control in words, when the report says', () => {
  assert.equal(gpcStatus({}), null);
  assert.match(gpcStatus({ gpc: true }), /^sent/);
  assert.match(gpcStatus({ gpc: { sent: false } }), /not sent/);
});

test('CSV cells are quoted and spreadsheet formulas defused', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
  assert.equal(csvCell('-1'), "'-1");
  assert.equal(csvCell(['a', 'b']), '"a; b"');
  assert.equal(csvCell(null), '');
});

test('the evidence document validates against docs/evidence-schema.json and keeps no values', () => {
  const schema = JSON.parse(readFileSync(new URL('../../docs/evidence-schema.json', import.meta.url), 'utf8'));
  const validate = new Ajv().compile(schema);
  const report = {
    pageUrl: 'https://news.example/', site: 'news.example', startedAt: NOW,
    companies: { Google: { name: 'Google', parent: 'Alphabet', tracker: true, categories: ['analytics'], hosts: ['www.google-analytics.com'], requests: 2, reasons: ['r'] } },
    cookies: [{ name: '=cmd', domain: 'news.example', purpose: 'analytics', vendor: null, identifier: true, thirdParty: false, expires: inDays(30) }],
    fingerprinting: { s: { company: 'Google', verdict: { score: 40, level: 'medium', techniques: ['canvas'] } } },
  };
  const doc = evidenceDocument([mergeReport(null, report, NOW)], { now: NOW, generator: 'TrackLens test' });
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  assert.equal(doc.sites[0].cookies[0].expires, new Date((NOW / 1000 + 30 * 86400) * 1000).toISOString());
  assert.equal(doc.sites[0].companies[0].fingerprinting.level, 'medium');
  assert.equal(validate({ ...doc, sites: [{ ...doc.sites[0], extra: 1 }] }), false);
  assert.equal(evidenceDocument([mergeReport(null, report, NOW)], { site: 'other.example' }).sites.length, 0);
  assert.match(companiesCsv(doc), /\r\nnews\.example,Google,Alphabet,true,analytics,2,1,/);
});

test('what the bounds left out is told, and a report cut for space says so', () => {
  assert.equal(omittedText({ omitted: { cookies: 0, trimmedForSpace: false }, companies: {} }), null);
  assert.equal(omittedText({}), null);
  const text = omittedText({ omitted: { unknownHostRequests: 3, cookies: 1, trimmedForSpace: true }, companies: { G: { omittedHosts: 99950 } } });
  assert.match(text, /^Counted but not listed: 99950 more requests to hosts of listed companies, 3 more requests to other unknown hosts, 1 more cookie\./);
  assert.match(text, /cut to make room for your other tabs/);
});
