#!/usr/bin/env node
// Trains the small model TrackLens uses for cookies its table does not know, and writes it to
// crate/data/cookie-model.json (compiled into the core by crate/build/cookies.rs).
//
//   node scripts/kb/train-cookie-model.mjs [CSV]
//
// CSV: the Open Cookie Database export (Apache-2.0; default ../shared/data/open-cookie-database-80.csv).
// Only the training part of the seeded split is read: rows whose ID does NOT hash (FNV-1a 32)
// to 0 mod 4. The other quarter is the hold-out the evaluation (crate/benches/cookies.rs) scores
// on, so the model never sees it.
//
// The model is multinomial naive Bayes, CookieBlock-style features that the core can compute
// for any cookie the browser reports:
//   - `w:<word>`: the lower-case words of the name (split at punctuation and lower→upper case
//     changes, as `name_words` in crate/src/cookie_purpose/heuristics.rs), `w:#` for a number;
//   - `u:_`: the name starts with an underscore (analytics and ad scripts' convention);
//   - `l:session`, `l:hours`, `l:days`, `l:long`: the lifetime (long = over 90 days);
//   - `t:<category>`: the purpose of the cookie's domain in the tracker knowledge base;
//   - `g:<abc>`: the letter trigrams of the lower-case name between `^` and `$` (`^ab`, `abc`,
//     …), so a name of unseen words still resembles names of one purpose (`sess`, `csrf`, `_ga`
//     families). Trigrams are a second multinomial with their own totals; the core averages their
//     log-probabilities, so all of a name's trigrams together weigh as much as one word.
// Features seen fewer than twice are left out. Log-probabilities are stored in thousandths of a
// nat (integers), so the compiled table is small and the same on every platform. Node 20, no npm.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_MAP as GOLD, fnv1a32, parseCsv, retentionDays } from './convert-open-cookie-database.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = join(REPO, 'crate', 'data', 'cookie-model.json');
const KNOWLEDGE = ['trackers.json', 'trackers-adguard.json'].map((f) => join(REPO, 'crate', 'data', f));
const CSV = resolve(process.argv[2] ?? join(REPO, '..', 'shared', 'data', 'open-cookie-database-80.csv'));
const CLASSES = ['necessary', 'preferences', 'analytics', 'advertising', 'personalization', 'security'];
const MIN_COUNT = 2;
const SMOOTHING = 0.5;

/** As `name_words` in heuristics.rs: split at non-alphanumerics and at lower→upper changes. */
export function nameWords(name) {
  const words = [];
  let current = '';
  let previousLower = false;
  for (const c of name) {
    const alnum = /^[A-Za-z0-9]$/.test(c);
    if (!alnum) {
      if (current) words.push(current);
      current = '';
      previousLower = false;
      continue;
    }
    const upper = c >= 'A' && c <= 'Z';
    if (upper && previousLower && current) {
      words.push(current);
      current = '';
    }
    previousLower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    current += c.toLowerCase();
  }
  if (current) words.push(current);
  return words;
}

/** The lifetime bucket, as `Lifetime::bucket` in heuristics.rs. */
function lifetimeFeature(days) {
  if (days === null) return null;
  if (days === 0) return 'l:session';
  if (days < 1) return 'l:hours';
  if (days <= 90) return 'l:days';
  return 'l:long';
}

function loadKnowledge() {
  const owner = new Map();
  for (const path of KNOWLEDGE) {
    for (const entity of JSON.parse(readFileSync(path, 'utf8')).entities) {
      for (const [domain, categories] of Object.entries(entity.domains)) {
        if (!domain.includes('/') && !owner.has(domain)) owner.set(domain, categories);
      }
    }
  }
  return (host) => {
    for (let d = host; d.includes('.'); d = d.slice(d.indexOf('.') + 1)) if (owner.has(d)) return owner.get(d);
    return null;
  };
}

/** As `trigrams` in crate/src/cookie_purpose/model.rs. */
export function trigrams(name) {
  const text = `^${name.toLowerCase().replace(/[^a-z0-9]/g, '_')}$`;
  const out = new Set();
  for (let i = 0; i + 3 <= text.length; i++) out.add(`g:${text.slice(i, i + 3)}`);
  return [...out];
}

export function features(name, days, categories) {
  const out = new Set(trigrams(name));
  for (const word of nameWords(name)) out.add(/^[0-9]+$/.test(word) ? 'w:#' : `w:${word}`);
  if (name.startsWith('_')) out.add('u:_');
  const lifetime = lifetimeFeature(days);
  if (lifetime) out.add(lifetime);
  if (categories?.length) out.add(`t:${categories[0]}`);
  return [...out];
}

function main() {
  if (!existsSync(CSV)) {
    process.stderr.write(`train-cookie-model: ${CSV} is missing; pass the Open Cookie Database CSV (see README "Data sources")\n`);
    process.exit(2);
  }
  const rows = parseCsv(readFileSync(CSV, 'utf8'));
  const tracker = loadKnowledge();
  const classCount = new Array(CLASSES.length).fill(0);
  const featureCount = new Map();
  let training = 0;
  for (const row of rows) {
    if (fnv1a32(row.ID) % 4 === 0) continue; // the hold-out quarter
    const gold = GOLD[row.Category?.trim()];
    const name = row['Cookie / Data Key name'].replace(/[\u00AD\u200B-\u200D\uFEFF]/g, '').trim().replace(/\*+$/, '');
    if (!gold || !name) continue;
    const c = CLASSES.indexOf(gold);
    const host = row.Domain.toLowerCase().match(/[a-z0-9-]+(?:\.[a-z0-9-]+)+/)?.[0]?.replace(/^\.+/, '');
    training++;
    classCount[c]++;
    for (const f of features(name, retentionDays(row['Retention period']), host ? tracker(host) : null)) {
      if (!featureCount.has(f)) featureCount.set(f, new Array(CLASSES.length).fill(0));
      featureCount.get(f)[c]++;
    }
  }
  const kept = [...featureCount].filter(([, counts]) => counts.reduce((a, b) => a + b, 0) >= MIN_COUNT);
  // Two multinomials: trigrams (`g:`) and the other features, each normalised over its own kind.
  const family = (f) => (f.startsWith('g:') ? 'g' : 'f');
  const totals = {};
  const sizes = {};
  for (const kind of ['g', 'f']) {
    const mine = kept.filter(([f]) => family(f) === kind);
    sizes[kind] = mine.length;
    totals[kind] = CLASSES.map((_, c) => mine.reduce((n, [, counts]) => n + counts[c], 0));
  }
  const milli = (x) => Math.round(x * 1000);
  const logp = (f, count, c) =>
    milli(Math.log((count + SMOOTHING) / (totals[family(f)][c] + SMOOTHING * sizes[family(f)])));
  const model = {
    _comment:
      'GENERATED by scripts/kb/train-cookie-model.mjs from the training part (FNV-1a(ID) % 4 != 0) of the Open ' +
      'Cookie Database (Apache-2.0); do not edit. Multinomial naive Bayes: log-probabilities in thousandths of a nat.',
    _source: `jkwakman/Open-Cookie-Database @ 0ee5a17f, ${CSV.replace(/.*\//, '')}: ${training} training rows`,
    classes: CLASSES,
    prior: classCount.map((n) => milli(Math.log((n + 1) / (training + CLASSES.length)))),
    features: Object.fromEntries(kept.sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, counts]) => [f, counts.map((n, c) => logp(f, n, c))])),
  };
  const lines = Object.entries(model.features).map(([f, v]) => `    ${JSON.stringify(f)}: ${JSON.stringify(v)}`);
  const head = Object.entries(model)
    .filter(([k]) => k !== 'features')
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  writeFileSync(OUTPUT, `{\n${head.join(',\n')},\n  "features": {\n${lines.join(',\n')}\n  }\n}\n`);
  process.stderr.write(`${training} training rows, ${kept.length} features (of ${featureCount.size}); wrote ${OUTPUT}\n`);
}

main();
