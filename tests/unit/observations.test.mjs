// What a report says each company collected: named parameters, fingerprinting, typed-text leaks,
// bounded and without values; and how request bodies reach the leak check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIMITS, addLeak, addSentParams, addVerdict, companyFingerprinting, newReport, setFingerprinting, trackerCount,
} from '../../extension/shared/tab-report.js';
import { requestBodyBytes } from '../../extension/background/recorder.js';

function reportWith(...hosts) {
  const report = newReport('https://shop.example/', { site: 'shop.example' });
  for (const [host, name, tracker] of hosts) {
    addVerdict(report, {
      host, site: host, party: 'third_party', entity: { name }, categories: ['analytics'], tracker, reason: `${host} is ${name}'s`,
    });
  }
  return report;
}

test('sent parameters are kept once per name per company, bounded', () => {
  const report = reportWith(['www.google-analytics.com', 'Google', true]);
  const dl = { name: 'dl', kind: 'page', meaning: 'the address of the page you are on', documented: true };
  addSentParams(report, 'Google', [dl, dl]);
  addSentParams(report, 'Nobody', [dl]);
  assert.deepEqual(report.companies.Google.sent, [dl]);
  addSentParams(report, 'Google', Array.from({ length: 100 }, (_, i) => ({ ...dl, name: `p${i}` })));
  assert.equal(report.companies.Google.sent.length, LIMITS.sentParams);
});

test('fingerprinting is attributed to the company owning the script host; the strongest wins', () => {
  const report = reportWith(['fpnpmcdn.net', 'Fingerprint', true]);
  setFingerprinting(report, 'https://fpnpmcdn.net/a.js', 'fpnpmcdn.net', {}, { score: 40, level: 'medium', techniques: ['canvas'] });
  setFingerprinting(report, 'https://fpnpmcdn.net/b.js', 'fpnpmcdn.net', {}, { score: 90, level: 'high', techniques: ['canvas', 'fonts'] });
  setFingerprinting(report, 'https://elsewhere.example/c.js', 'elsewhere.example', {}, { score: 95, level: 'high', techniques: [] });
  assert.equal(companyFingerprinting(report, 'Fingerprint').script, 'https://fpnpmcdn.net/b.js');
  assert.equal(report.fingerprinting['https://elsewhere.example/c.js'].company, null);
  for (let i = 0; i < 100; i++) setFingerprinting(report, `https://x.example/${i}.js`, 'x.example', {}, { score: 1 });
  assert.equal(Object.keys(report.fingerprinting).length, LIMITS.fingerprintScripts);
});

test('a leak is stored as field, host, company and encoding, once', () => {
  const report = reportWith(['rs.fullstory.com', 'FullStory', true], ['cdn.example', 'CDN', false]);
  const leak = { field: 'email', host: 'rs.fullstory.com', encoding: 'sha256', location: 'body' };
  addLeak(report, leak);
  addLeak(report, { ...leak });
  assert.deepEqual(report.leaks, [{ ...leak, company: 'FullStory' }]);
  assert.equal(trackerCount(report), 1);
});

test('request bodies: raw parts are joined, forms encoded, sizes bounded', () => {
  const text = (bytes) => new TextDecoder().decode(bytes);
  const enc = (s) => new TextEncoder().encode(s).buffer;
  assert.equal(requestBodyBytes(undefined), undefined);
  assert.equal(text(requestBodyBytes({ raw: [{ bytes: enc('{"a":') }, { file: '/x' }, { bytes: enc('1}') }] })), '{"a":1}');
  assert.equal(text(requestBodyBytes({ formData: { email: ['jane@x.org'], n: ['1', '2'] } })), 'email=jane%40x.org&n=1&n=2');
  const huge = requestBodyBytes({ raw: [{ bytes: new Uint8Array(300 * 1024).buffer }, { bytes: enc('tail') }] });
  assert.equal(huge.length, 64 * 1024, "no more than the core reads (leaks::MAX_BODY)");
});
