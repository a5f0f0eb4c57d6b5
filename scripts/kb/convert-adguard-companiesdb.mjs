#!/usr/bin/env node
// Builds crate/data/trackers-adguard.json, the long tail of the knowledge base, from AdGuard's
// companiesdb (CC BY-SA 4.0, https://github.com/AdguardTeam/companiesdb), below
// crate/data/trackers.json (third-party-web + overrides.json) in precedence.
//
//   node scripts/kb/convert-adguard-companiesdb.mjs COMPANIESDB_DIR [DATA_DIR]
//
// COMPANIESDB_DIR is a checkout of AdguardTeam/companiesdb (it reads dist/trackers.json and
// dist/companies.json). DATA_DIR (default ../shared/data) may hold public_suffix_list.dat.
// Run convert-third-party-web.mjs first: this converter only adds what trackers.json lacks.
//
// Precedence, in order: overrides.json, then third-party-web (trackers.json), then AdGuard.
//   - A domain trackers.json lists, or that overrides.adguard.drop names, is not taken.
//   - A subdomain of a trackers.json domain is not taken: trackers.json's purpose wins (reported
//     when AdGuard says otherwise), and another company is a conflict trackers.json wins.
//   - overrides.drop (domains never to list, such as a company's whole multi-purpose site) applies
//     here too, besides overrides.adguard.drop.
//   - An AdGuard company whose name matches a trackers.json company (legal forms ignored), or
//     that overrides.adguard.aliases maps onto one, adds its domains to that company
//     ("extends": true); its other facts come from trackers.json.
//   - AdGuard's categories map onto TrackLens's taxonomy (CATEGORY_MAP); overrides.adguard
//     .categories corrects one tracker. Unknown purposes are dropped, reported.
// Everything dropped or changed is written to crate/data/trackers-adguard-report.txt. The output
// stays under CC BY-SA 4.0 (ShareAlike): a separate file, credited in README. Node 20, no npm.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPublicSuffixes, serialise } from './convert-third-party-web.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OVERRIDES = join(REPO, 'crate', 'data', 'overrides.json');
const PRIMARY = join(REPO, 'crate', 'data', 'trackers.json');
const OUTPUT = join(REPO, 'crate', 'data', 'trackers-adguard.json');
const REPORT = join(REPO, 'crate', 'data', 'trackers-adguard-report.txt');
const USAGE = 'usage: node scripts/kb/convert-adguard-companiesdb.mjs COMPANIESDB_DIR [DATA_DIR]';

// AdGuard's category names (dist/trackers.json "categories") onto TrackLens's taxonomy.
// `essential`, `misc` and `hosting` are services and company sites the page itself uses: named,
// not called trackers. `unknown` and `extensions` say nothing about what the domain does.
const CATEGORY_MAP = {
  audio_video_player: ['audio_video'],
  comments: ['social'],
  customer_interaction: ['customer_interaction'],
  pornvertising: ['advertising'],
  advertising: ['advertising'],
  essential: ['cdn'],
  site_analytics: ['analytics'],
  social_media: ['social'],
  misc: ['cdn'],
  cdn: ['cdn'],
  hosting: ['cdn'],
  email: ['cdn'],
  consent: ['consent'],
  telemetry: ['analytics'],
  mobile_analytics: ['analytics'],
  unknown: null,
  extensions: null,
};
const TAXONOMY = ['advertising', 'analytics', 'social', 'fingerprinting', 'session_replay', 'personalization',
  'tag_manager', 'consent', 'customer_interaction', 'audio_video', 'security', 'cdn'];
const HOST = /^([a-z0-9-]+\.)+[a-z0-9-]*[a-z][a-z0-9-]*$/;
const LEGAL = /(,?\s+(inc|llc|l\.l\.c|ltd|limited|corp|corporation|gmbh|s\.?a\.?s?|ag|b\.?v|plc|s\.?r\.?l|s\.?p\.?a|oy|pty|co)\.?)+$/i;

function fail(message) {
  process.stderr.write(`convert-adguard-companiesdb: ${message}\n`);
  process.exit(2);
}

function readJson(path) {
  if (!existsSync(path)) fail(`${path} is missing.\n${USAGE}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`${path}: ${e.message}`);
  }
}

/** The key two spellings of one company share: "MediaMath, Inc." and "Mediamath" -> "mediamath". */
export function companyKey(name) {
  return name.replace(LEGAL, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}


function parents(domain) {
  const out = [];
  for (let d = domain.slice(domain.indexOf('.') + 1); d.includes('.'); d = d.slice(d.indexOf('.') + 1)) out.push(d);
  return out;
}

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (args.length < 1 || args.length > 2) fail(USAGE);
  const db = resolve(args[0]);
  const dataDir = resolve(args[1] ?? join(REPO, '..', 'shared', 'data'));
  const trackers = readJson(join(db, 'dist', 'trackers.json'));
  const companies = readJson(join(db, 'dist', 'companies.json')).companies;
  const primary = readJson(PRIMARY);
  const spec = readJson(OVERRIDES).adguard ?? {};
  const aliases = spec.aliases ?? {};
  const neverList = readJson(OVERRIDES).drop ?? {};
  const drop = spec.drop ?? {};
  const categoryFix = spec.categories ?? {};
  const psl = join(dataDir, 'public_suffix_list.dat');
  if (!existsSync(psl)) process.stderr.write(`warning: no public_suffix_list.dat in ${dataDir}; public suffixes are not filtered\n`);
  const suffixes = loadPublicSuffixes(existsSync(psl) ? psl : null);
  const notes = [];

  // What trackers.json already says, which wins.
  const primaryOwner = new Map();
  const primaryNames = new Map();
  for (const entity of primary.entities) {
    primaryNames.set(companyKey(entity.name), entity.name);
    for (const [domain, categories] of Object.entries(entity.domains)) primaryOwner.set(domain, { company: entity.name, categories });
  }
  for (const [id, name] of Object.entries(aliases)) {
    if (!companies[id] && !trackers.trackers[id]) fail(`overrides.adguard.aliases: no AdGuard company or tracker ${id}`);
    if (!primaryNames.has(companyKey(name))) fail(`overrides.adguard.aliases.${id}: ${name} is not a company in trackers.json`);
  }

  const owner = new Map(); // domain -> { company, categories, extends }
  const homepages = new Map();
  const unusedDrops = new Set(Object.keys(drop));
  for (const [raw, trackerId] of Object.entries(trackers.trackerDomains)) {
    const domain = raw.toLowerCase().replace(/^\*\./, '');
    const tracker = trackers.trackers[trackerId];
    if (!tracker) {
      notes.push(`dropped ${raw}: tracker ${trackerId} is not defined`);
      continue;
    }
    const company = tracker.companyId ? companies[tracker.companyId] : null;
    const upstreamName = (company?.name ?? tracker.name).trim();
    const alias = aliases[trackerId] ?? (tracker.companyId && aliases[tracker.companyId]);
    const matched = alias ?? primaryNames.get(companyKey(upstreamName));
    const name = matched ?? upstreamName.replace(LEGAL, '').trim();
    if (neverList[domain]) {
      notes.push(`dropped ${domain} (${name}): ${neverList[domain]} (overrides.drop)`);
      continue;
    }
    if (drop[domain]) {
      notes.push(`dropped ${domain} (${name}): ${drop[domain]}`);
      unusedDrops.delete(domain);
      continue;
    }
    if (!HOST.test(domain)) {
      notes.push(`dropped ${raw} (${name}): not a host name`);
      continue;
    }
    if (suffixes.has(domain)) {
      notes.push(`dropped ${domain} (${name}): a public suffix, shared by unrelated sites`);
      continue;
    }
    const category = trackers.categories[String(tracker.categoryId)];
    const mapped = categoryFix[trackerId] ?? CATEGORY_MAP[category];
    if (mapped === undefined) fail(`AdGuard category ${category} (tracker ${trackerId}) has no mapping in CATEGORY_MAP`);
    if (mapped === null) {
      notes.push(`dropped ${domain} (${name}): AdGuard category "${category}" says nothing about its purpose`);
      continue;
    }
    for (const c of mapped) if (!TAXONOMY.includes(c)) fail(`overrides.adguard.categories.${trackerId}: unknown category ${c}`);
    const categories = [...mapped].sort((a, b) => TAXONOMY.indexOf(a) - TAXONOMY.indexOf(b));
    const exact = primaryOwner.get(domain);
    if (exact) {
      if (exact.company !== name) notes.push(`conflict ${domain}: AdGuard says ${name}, trackers.json ${exact.company}; kept ${exact.company}`);
      continue;
    }
    const up = parents(domain).map((p) => [p, primaryOwner.get(p)]).find(([, e]) => e);
    if (up) {
      const [parent, entry] = up;
      if (entry.company !== name) {
        notes.push(`conflict ${domain}: AdGuard says ${name}, trackers.json lists ${parent} under ${entry.company}; kept ${entry.company}`);
        continue;
      }
      // Same company: third-party-web and the overrides already say what its subdomains are for.
      if (!sameList(entry.categories, categories)) {
        notes.push(`ignored ${domain} (${name}): AdGuard says ${categories.join('+')}, trackers.json's ${parent} ${entry.categories.join('+')}; kept trackers.json`);
      }
      continue;
    }
    owner.set(domain, { company: name, categories, extends: matched !== undefined });
    const url = company?.websiteUrl ?? tracker.url;
    if (!matched && url?.startsWith('https://') && !homepages.has(name)) homepages.set(name, url);
  }
  for (const domain of unusedDrops) fail(`overrides.adguard.drop: ${domain} is not in AdGuard's data; remove the stale entry`);

  // A subdomain with its AdGuard parent's company and purposes adds nothing.
  for (const [domain, entry] of [...owner]) {
    const parent = parents(domain).find((p) => owner.has(p));
    if (parent && owner.get(parent).company === entry.company && sameList(owner.get(parent).categories, entry.categories)) {
      owner.delete(domain);
    }
  }
  const byCompany = new Map();
  for (const [domain, entry] of [...owner].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!byCompany.has(entry.company)) byCompany.set(entry.company, { name: entry.company, extends: entry.extends, domains: {} });
    byCompany.get(entry.company).domains[domain] = entry.categories;
  }
  // Two AdGuard companies whose names differ only in legal form become one.
  const keys = new Map();
  for (const entity of byCompany.values()) {
    const key = companyKey(entity.name);
    const first = keys.get(key);
    if (first && first !== entity) {
      Object.assign(first.domains, entity.domains);
      notes.push(`merged AdGuard company ${entity.name} into ${first.name} (same name)`);
      byCompany.delete(entity.name);
    } else keys.set(key, entity);
  }
  const out = [...byCompany.values()]
    .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1))
    .map((e) => ({
      name: e.name,
      ...(e.extends ? { extends: true } : homepages.has(e.name) ? { homepage: homepages.get(e.name) } : {}),
      domains: Object.fromEntries(Object.entries(e.domains).sort(([a], [b]) => (a < b ? -1 : 1))),
    }));
  const header = {
    _comment:
      'GENERATED by scripts/kb/convert-adguard-companiesdb.mjs from AdGuard companiesdb; edit ' +
      'crate/data/overrides.json ("adguard"), not this file. Licensed CC BY-SA 4.0 like its source ' +
      '(https://creativecommons.org/licenses/by-sa/4.0/). trackers.json wins over this file: ' +
      '"extends" adds domains to a company defined there.',
    _source: `AdguardTeam/companiesdb dist/trackers.json, dist/companies.json (updated ${trackers.timeUpdated}), CC BY-SA 4.0`,
    _license: 'CC-BY-SA-4.0',
    yields_to: 'trackers.json',
  };
  writeFileSync(OUTPUT, serialise(header, out));
  const domains = out.reduce((n, e) => n + Object.keys(e.domains).length, 0);
  const summary = `${out.length} companies (${out.filter((e) => e.extends).length} extending trackers.json), ${domains} domains`;
  writeFileSync(REPORT, `# Generated by scripts/kb/convert-adguard-companiesdb.mjs: what it left out or changed, and why.\n${summary}\n\n${notes.join('\n')}\n`);
  process.stderr.write(`${summary}\n${notes.length} notes in ${REPORT}\nwrote ${OUTPUT}\n`);
}

main();
