#!/usr/bin/env node
// Builds the Open Cookie Database part of crate/data/cookies.json, TrackLens's table of cookie
// and storage-key names, and keeps the hand-written part of that file as it is.
//
//   node scripts/kb/convert-open-cookie-database.mjs [CSV]
//
// CSV is the Open Cookie Database export (jkwakman/Open-Cookie-Database, Apache-2.0; default:
// ../shared/data/open-cookie-database-80.csv beside the repository). Columns used: ID, Platform,
// Category, "Cookie / Data Key name", Domain, Description, "Retention period", "Wildcard match".
//
// cookies.json holds, besides the entries:
//   - `vendor_entities`: vendor names (the CSV's Platform, or a hand entry's vendor) that are a
//     company of crate/data/trackers.json under another name ("Facebook" is "Meta");
//   - `corrections`: vendors whose CSV category misdescribes what they do (Hotjar's cookies are
//     filed as Functional; TrackLens calls session recording analytics), applied to their rows;
//   - entries with `"source": "tracklens"`, written by hand from the vendors' own documentation.
//     They win over a CSV row for the same pattern and domain, and are never regenerated.
//
// What the conversion does with each CSV row:
//   1. Name: trimmed, invisible characters (soft hyphen, zero-width space) removed. A row with
//      a placeholder for part of its name (`%INTEGER%`) is skipped: it cannot match a real name.
//   2. Pattern: a wildcard row (or a name ending in `*`) is a prefix, `name*`. A prefix shorter
//      than 5 characters that does not end in a separator (`_ - . : $`) would match unrelated
//      names (`CT*`, `cap*`), so it is kept as an exact name instead.
//   3. Purpose: Functional and Necessary → necessary, Preferences → preferences, Analytics →
//      analytics, Marketing → advertising, Personalization → personalization, Security →
//      security; then `corrections` (not applied to Security rows or rows about consent).
//   4. Identifier: the description says it identifies a user, browser or device (unique, ID,
//      identify, distinguish, recognise) and the retention is at least 30 days or unknown.
//   5. Domain: a pattern shared by rows of different vendors or purposes, and a generic name
//      (three characters or fewer, or a word such as `token` or `uid`), applies only on its
//      row's domain (reduced to the registrable domain), so `uids` on adnxs.com is Xandr's
//      without every `uids` cookie being Xandr's.
//   6. Domain profiles (`domains`): for each registrable domain with at least two rows of which
//      75% agree, that purpose and vendor, used for names the table does not know.
//   7. Hold-out: rows whose ID hashes (FNV-1a, 32 bits, of the ID's UTF-8 bytes) to 0 mod 4 are
//      the hold-out quarter. An entry made only from hold-out rows is marked `"holdout": true`:
//      the shipped classifier uses it, and the evaluation (crate/benches/cookies.rs) leaves it
//      out to score the classifier on names its table did not learn from.
//
// Output is sorted by pattern then domain, one entry per line, so regenerating gives a minimal
// diff. Skipped and merged rows are printed. No npm dependencies; Node 20.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = join(REPO, 'crate', 'data', 'cookies.json');
const DEFAULT_CSV = join(REPO, '..', 'shared', 'data', 'open-cookie-database-80.csv');

const PURPOSES = ['necessary', 'preferences', 'analytics', 'advertising', 'personalization', 'social', 'security'];
export const CATEGORY_MAP = {
  Functional: 'necessary',
  Necessary: 'necessary',
  Preferences: 'preferences',
  Analytics: 'analytics',
  Marketing: 'advertising',
  Personalization: 'personalization',
  Security: 'security',
};
// Names too common to belong to one vendor everywhere.
const GENERIC = new Set([
  'token', 'uid', 'uids', 'id', 'pid', 'sid', 'auid', 'cid', 'sess', 'session', 'user', 'userid', 'user_id',
  'auth', 'test', 'optout', 'data', 'lang', 'locale', 'visitor', 'visitor_id', 'device', 'guid', 'uuid', 'sync',
  'cookie', 'consent', 'status', 'ref', 'referrer', 'country', 'currency', 'cart', 'state',
]);
// Two-label public suffixes seen in the data, for reducing a host to its registrable domain.
const TWO_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'com.au', 'net.au', 'co.jp', 'ne.jp', 'or.jp', 'com.br', 'com.tr', 'co.nz',
  'co.in', 'co.kr', 'com.cn', 'com.mx', 'com.ar', 'co.za', 'com.sg', 'com.hk', 'com.tw', 'co.il', 'com.pl',
]);
const SEPARATORS = new Set(['_', '-', '.', ':', '$']);
const IDENTIFYING =
  /\b(unique|identif\w*|user ?id|visitor ?id|client ?id|device ?id|browser ?id|distinguish\w*|recogni[sz]\w*)\b|\bIDs?\b/i;

function fail(message) {
  console.error(`convert-open-cookie-database: ${message}`);
  process.exit(1);
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.some((f) => f !== ''));
  return body.map((r) => Object.fromEntries(header.map((name, i) => [name.replace(/^\uFEFF/, ''), r[i] ?? ''])));
}

/** FNV-1a, 32 bits, of the UTF-8 bytes: the hold-out split (the bench computes the same). */
export function fnv1a32(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function retentionDays(text) {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'unknown' || t === 'varies') return null;
  if (t.includes('session') || t.includes('immediately') || t.includes('deleted when')) return 0;
  if (t.includes('local storage') || t.includes('no expiration') || t.includes('persistent')) return 3650;
  const m = t.match(/(\d+(?:\.\d+)?)\s*(second|minute|hour|day|week|month|year)/);
  if (!m) return null;
  const per = { second: 1 / 86400, minute: 1 / 1440, hour: 1 / 24, day: 1, week: 7, month: 30, year: 365 };
  return Number(m[1]) * per[m[2]];
}

function registrableDomain(column) {
  const text = column.toLowerCase().replace(/^.*\]/, '');
  const host = text.match(/[a-z0-9-]+(?:\.[a-z0-9-]+)+/)?.[0];
  if (!host) return null;
  const labels = host.replace(/^\.+|\.+$/g, '').split('.');
  const keep = TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 3 : 2;
  return labels.length >= 2 ? labels.slice(-keep).join('.') : null;
}

function pattern(row, skipped) {
  let name = row['Cookie / Data Key name'].replace(/[\u00AD\u200B-\u200D\uFEFF]/g, '').trim();
  if (name === '') return skipped.push(`${row.ID}: no name`), null;
  if (/%[A-Z]+%/.test(name)) return skipped.push(`${row.ID}: ${name}: placeholder in the name`), null;
  let prefix = row['Wildcard match'].trim() === '1' || name.endsWith('*');
  name = name.replace(/\*+$/, '');
  if (name.includes('*')) return skipped.push(`${row.ID}: ${name}: wildcard inside the name`), null;
  if (prefix && name.length < 5 && !SEPARATORS.has(name.at(-1))) {
    skipped.push(`${row.ID}: ${name}*: prefix too short to be specific, kept as an exact name`);
    prefix = false;
  }
  return prefix ? `${name}*` : name;
}

function main() {
  const csvPath = resolve(process.argv[2] ?? DEFAULT_CSV);
  if (!existsSync(csvPath)) fail(`${csvPath} not found; pass the Open Cookie Database CSV`);
  if (!existsSync(OUTPUT)) fail(`${OUTPUT} not found: it holds the hand-written entries this keeps`);
  const kb = JSON.parse(readFileSync(OUTPUT, 'utf8'));
  const corrections = new Map(kb.corrections.map((c) => [c.vendor, c.purpose]));
  for (const [vendor, purpose] of corrections) {
    if (!PURPOSES.includes(purpose)) fail(`correction for ${vendor}: unknown purpose ${purpose}`);
  }
  const hand = kb.cookies.filter((e) => e.source === 'tracklens');
  const handKeys = new Set(hand.map((e) => `${e.name}\u0000${e.domain ?? ''}`));

  const rows = parseCsv(readFileSync(csvPath, 'utf8'));
  const skipped = [];
  const groups = new Map();
  let holdoutRows = 0;
  for (const row of rows) {
    const category = CATEGORY_MAP[row.Category.trim()];
    if (!category) {
      skipped.push(`${row.ID}: unknown category ${JSON.stringify(row.Category)}`);
      continue;
    }
    const name = pattern(row, skipped);
    if (name === null) continue;
    const vendor = row.Platform.trim() || row['Data Controller'].trim() || null;
    const description = row.Description;
    let purpose = category;
    const correction = vendor && corrections.get(vendor);
    if (correction && row.Category.trim() !== 'Security' && !/consent|opt.?out/i.test(`${name} ${description}`)) {
      purpose = correction;
    }
    const days = retentionDays(row['Retention period']);
    const identifier = IDENTIFYING.test(description) && (days === null || days >= 30);
    const holdout = fnv1a32(row.ID) % 4 === 0;
    if (holdout) holdoutRows++;
    const item = { name, purpose, vendor, identifier, holdout, domain: registrableDomain(row.Domain), id: row.ID };
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(item);
  }

  const generated = [];
  let superseded = 0;
  for (const [name, items] of groups) {
    const bare = name.replace(/\*$/, '').toLowerCase();
    const generic = bare.length <= 3 || GENERIC.has(bare);
    const agree = items.every((i) => i.purpose === items[0].purpose && i.vendor === items[0].vendor);
    const byDomain = new Map();
    for (const item of items) {
      const key = (!agree || generic) && item.domain ? item.domain : '';
      if (!byDomain.has(key)) byDomain.set(key, []);
      byDomain.get(key).push(item);
    }
    for (const [domain, group] of byDomain) {
      if (handKeys.has(`${name}\u0000${domain}`)) {
        superseded += group.length;
        continue;
      }
      // The most frequent purpose; the first row's on a tie. A vendor only if all rows agree.
      const counts = new Map();
      for (const i of group) counts.set(i.purpose, (counts.get(i.purpose) ?? 0) + 1);
      const purpose = [...counts].sort((a, b) => b[1] - a[1])[0][0];
      const vendors = new Set(group.map((i) => i.vendor));
      const entry = { name };
      if (domain) entry.domain = domain;
      entry.purpose = purpose;
      entry.vendor = vendors.size === 1 ? group[0].vendor : null;
      entry.identifier = group.some((i) => i.identifier && i.purpose === purpose);
      entry.source = 'ocd';
      if (group.every((i) => i.holdout)) entry.holdout = true;
      if (group.length > 1) {
        skipped.push(`${name}${domain ? ` on ${domain}` : ''}: ${group.length} rows merged (${[...vendors].join(', ')})`);
      }
      generated.push(entry);
    }
  }

  // Per registrable domain, what its cookies are for: the purpose most of the domain's rows give,
  // when at least 2 rows and 75% of them agree. Counted on the rows outside the hold-out when
  // there are any, so the evaluation does not learn a hold-out row's purpose from the row itself.
  const byDomain = new Map();
  for (const items of groups.values()) {
    for (const item of items) {
      if (!item.domain) continue;
      if (!byDomain.has(item.domain)) byDomain.set(item.domain, []);
      byDomain.get(item.domain).push(item);
    }
  }
  const domains = [];
  for (const [domain, all] of [...byDomain].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const training = all.filter((i) => !i.holdout);
    const basis = training.length > 0 ? training : all;
    const counts = new Map();
    for (const i of basis) counts.set(i.purpose, (counts.get(i.purpose) ?? 0) + 1);
    const [purpose, votes] = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (basis.length < 2 || votes / basis.length < 0.75) continue;
    const vendors = new Set(basis.map((i) => i.vendor));
    const profile = { domain, purpose, vendor: vendors.size === 1 ? basis[0].vendor : null, rows: basis.length };
    if (training.length === 0) profile.holdout = true;
    domains.push(profile);
  }

  const entries = [...hand, ...generated].sort(
    (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.domain ?? '').localeCompare(b.domain ?? '')),
  );
  for (let i = 1; i < entries.length; i++) {
    const [a, b] = [entries[i - 1], entries[i]];
    if (a.name === b.name && (a.domain ?? '') === (b.domain ?? '')) {
      fail(`${a.name}${a.domain ? ` on ${a.domain}` : ''} is listed twice (${a.source} and ${b.source})`);
    }
  }
  const ocd = generated.length;
  kb.counts = {
    patterns: entries.length,
    prefixes: entries.filter((e) => e.name.endsWith('*')).length,
    hand_written: hand.length,
    from_open_cookie_database: ocd,
    open_cookie_database_rows: rows.length,
    holdout_rows: holdoutRows,
    holdout_only_patterns: generated.filter((e) => e.holdout).length,
    rows_superseded_by_hand_entries: superseded,
    domain_profiles: domains.length,
  };
  kb.domains = domains;
  kb.cookies = entries;
  writeFileSync(OUTPUT, serialize(kb));
  for (const line of skipped) console.error(line);
  console.log(JSON.stringify(kb.counts));
}

/** Pretty JSON, except that each cookie entry stays on one line. */
function serialize(kb) {
  const { cookies, domains, ...rest } = kb;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  const list = (items) => items.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `${head},\n  "domains": [\n${list(domains)}\n  ],\n  "cookies": [\n${list(cookies)}\n  ]\n}\n`;
}

// Run as a script; imported (by train-cookie-model.mjs) for its CSV reader and split.
if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
