#!/usr/bin/env node
// Builds crate/data/trackers.json, TrackLens's knowledge base, from third-party-web (Patrick
// Hulce, MIT) plus the hand-curated corrections in crate/data/overrides.json.
//
//   node scripts/kb/convert-third-party-web.mjs [DATA_DIR]
//
// DATA_DIR holds third-party-web-entities.json, third-party-web-usage-*.json and
// third-party-web-categories.json (default: ../shared/data beside the repository). If it also
// holds public_suffix_list.dat, domains that are public suffixes are dropped (a suffix such as
// cloudfront.net is shared by unrelated owners, so it names no company).
//
// What it does, in order:
//   1. Every third-party-web entity is a product. Its company is overrides.products[name].company,
//      else overrides.aliases[its company or name], else its company field, else its name.
//   2. Each product's domains get the product's category mapped onto TrackLens's taxonomy
//      (CATEGORY_MAP below, or overrides.products[name].categories).
//   3. A company's reach is the largest number of pages any of its products was seen on.
//   4. overrides.companies adds or re-categorises domains per company (moving a domain from
//      another company if needed) and supplies parent, homepage, privacy policy and opt-out page;
//      overrides.drop removes domains that must not be in the knowledge base at all.
//   5. Every company is kept; overrides.required names companies that must exist.
//   6. A subdomain whose company and categories equal its closest listed parent's is redundant
//      (lookup already finds the parent) and is left out.
//
// Output is sorted (companies by name, domains alphabetically) so regenerating gives a minimal
// diff. Every decision that removes or moves data is printed to stderr and written to
// crate/data/trackers-report.txt. No npm dependencies; Node 20.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OVERRIDES = join(REPO, 'crate', 'data', 'overrides.json');
const OUTPUT = join(REPO, 'crate', 'data', 'trackers.json');
const REPORT = join(REPO, 'crate', 'data', 'trackers-report.txt');
const USAGE = 'usage: node scripts/kb/convert-third-party-web.mjs [DATA_DIR]';

// TrackLens's taxonomy (crate/src/taxonomy.rs), in display order. The converter refuses any
// other name, so a typo in overrides.json fails here rather than in build.rs.
const TAXONOMY = [
  'advertising',
  'analytics',
  'social',
  'fingerprinting',
  'session_replay',
  'personalization',
  'tag_manager',
  'consent',
  'customer_interaction',
  'audio_video',
  'security',
  'cdn',
];

// third-party-web's categories onto the taxonomy. Theirs describe what a script costs a page;
// ours describe what the company does with the visitor's data, so the mapping is coarse and
// overrides.json corrects it per product and per domain. `cdn` means "content delivery and
// other services the page needs": not a tracker. `other` has no meaning of its own: a product
// in it is kept only when overrides.json says what it is.
const CATEGORY_MAP = {
  ad: ['advertising'],
  marketing: ['advertising'],
  analytics: ['analytics'],
  social: ['social'],
  video: ['audio_video'],
  'customer-success': ['customer_interaction'],
  'tag-manager': ['tag_manager'],
  'consent-provider': ['consent'],
  cdn: ['cdn'],
  hosting: ['cdn'],
  content: ['cdn'],
  utility: ['cdn'],
  other: null,
};

// A host name with at least two labels and a top-level label that is not all digits (no IPs).
const HOST = /^([a-z0-9-]+\.)+[a-z0-9-]*[a-z][a-z0-9-]*$/;

function fail(message) {
  process.stderr.write(`convert-third-party-web: ${message}\n`);
  process.exit(2);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`${path}: ${e.message}`);
  }
}

function parseArgs(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (argv.length > 1 || argv.some((a) => a.startsWith('-'))) fail(USAGE);
  const dir = resolve(argv[0] ?? join(REPO, '..', 'shared', 'data'));
  if (!existsSync(dir)) {
    fail(`data directory ${dir} does not exist.\n` +
      'Pass the directory holding third-party-web-entities.json, third-party-web-usage-*.json and ' +
      `third-party-web-categories.json.\n${USAGE}`);
  }
  return dir;
}

function findInputs(dir) {
  const need = (name) => {
    const path = join(dir, name);
    if (!existsSync(path)) fail(`${path} is missing (see README "Data sources").\n${USAGE}`);
    return path;
  };
  const entities = need('third-party-web-entities.json');
  const categories = need('third-party-web-categories.json');
  // The usage snapshot is dated; take the newest one present.
  const usage = readdirSync(dir).filter((f) => /^third-party-web-usage-.*\.json$/.test(f)).sort().pop();
  if (!usage) fail(`no third-party-web-usage-*.json in ${dir} (see README "Data sources").\n${USAGE}`);
  const psl = join(dir, 'public_suffix_list.dat');
  if (!existsSync(psl)) process.stderr.write(`warning: no public_suffix_list.dat in ${dir}; public suffixes are not filtered\n`);
  return { entities, categories, usage: join(dir, usage), psl: existsSync(psl) ? psl : null };
}

/** Public suffixes (ICANN and private sections), exact rules only; wildcards and exceptions are
 * irrelevant here because a listed domain is compared against the rules themselves. */
export function loadPublicSuffixes(path) {
  const rules = new Set();
  if (!path) return rules;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const rule = line.trim();
    if (!rule || rule.startsWith('//') || rule.startsWith('!')) continue;
    rules.add(rule.replace(/^\*\./, ''));
  }
  return rules;
}

function checkCategories(list, where) {
  if (!Array.isArray(list) || list.length === 0) fail(`${where}: categories must be a non-empty list`);
  for (const c of list) if (!TAXONOMY.includes(c)) fail(`${where}: unknown category ${JSON.stringify(c)}`);
  return [...new Set(list)].sort((a, b) => TAXONOMY.indexOf(a) - TAXONOMY.indexOf(b));
}

/** The key two spellings of one company share (legal forms, case and punctuation ignored). */
const companyKey = (name) =>
  name.replace(/(,?\s+(inc|llc|ltd|limited|corp|corporation|gmbh|co)\.?)+$/i, '').toLowerCase().replace(/[^a-z0-9]/g, '');

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const byName = (a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : a > b ? 1 : 0);

function main() {
  const inputs = findInputs(parseArgs(process.argv.slice(2)));
  const entities = readJson(inputs.entities);
  const usage = readJson(inputs.usage);
  const upstreamCategories = readJson(inputs.categories);
  const overrides = readJson(OVERRIDES);
  const suffixes = loadPublicSuffixes(inputs.psl);
  // Notes name the companies they concern; only those about companies in the output are
  // reported, so the report is not buried under products nobody selected.
  const notes = [];
  const note = (line, ...about) => notes.push({ line, about });

  for (const category of Object.keys(upstreamCategories)) {
    if (!(category in CATEGORY_MAP)) fail(`third-party-web category ${category} has no mapping in CATEGORY_MAP`);
  }
  const reachOf = new Map(usage.map((u) => [u.canonicalDomain, u.totalOccurrences]));
  const products = overrides.products ?? {};
  const aliases = overrides.aliases ?? {};
  const companyOverrides = overrides.companies ?? {};
  const drop = overrides.drop ?? {};
  for (const name of Object.keys(products)) {
    if (!entities.some((e) => e.name === name)) fail(`overrides.products: no third-party-web entity named ${name}`);
  }

  // 1-3. Products into companies; domain -> { company, categories, product }. Two spellings of
  // one company ("WideOrbit", "Wideorbit"; "Acme" and "Acme, Inc.") become the first one seen.
  const companies = new Map();
  const owner = new Map();
  const spelling = new Map();
  const company = (raw) => {
    const key = companyKey(raw);
    const name = spelling.get(key) ?? raw;
    if (name !== raw) note(`merged company ${raw} into ${name} (same name)`, name);
    spelling.set(key, name);
    if (!companies.has(name)) companies.set(name, { name, reach: 0, products: [], homepage: null });
    return companies.get(name);
  };
  for (const entity of entities) {
    const override = products[entity.name] ?? {};
    const upstream = entity.company || entity.name;
    const target = company(override.company ?? aliases[upstream] ?? upstream);
    const mapped = override.categories ?? CATEGORY_MAP[entity.category];
    if (!mapped) {
      note(`dropped product ${entity.name} (${target.name}): third-party-web category "${entity.category}" and no override says what it does`, target.name);
      continue;
    }
    const categories = checkCategories(mapped, `product ${entity.name}`);
    const reach = Math.max(0, ...entity.domains.map((d) => reachOf.get(d) ?? 0));
    target.reach = Math.max(target.reach, reach);
    target.products.push({ name: entity.name, reach });
    if (entity.homepage && !entity.homepage.startsWith('https://')) {
      note(`ignored homepage ${entity.homepage} of ${entity.name}: not https`, target.name);
    } else if (entity.homepage && (!target.homepage || reach > target.homepageReach)) {
      target.homepage = entity.homepage;
      target.homepageReach = reach;
    }
    for (const raw of entity.domains) {
      const domain = raw.toLowerCase().replace(/^\*\./, '');
      if (!HOST.test(domain)) {
        note(`dropped ${raw} (${entity.name}): not a host name`, target.name);
        continue;
      }
      const existing = owner.get(domain);
      if (!existing) {
        owner.set(domain, { company: target.name, categories, product: entity.name });
      } else if (existing.company === target.name) {
        const merged = checkCategories([...existing.categories, ...categories], domain);
        if (!sameList(merged, existing.categories)) {
          note(`merged ${domain}: listed by ${existing.product} and ${entity.name}, categories ${merged.join('+')}`, target.name);
        }
        existing.categories = merged;
      } else {
        // Two companies claim one domain: the one seen on more pages keeps it, unless
        // overrides.companies assigns it explicitly (step 4).
        const other = companies.get(existing.company);
        const keepExisting = other.reach >= target.reach;
        const [kept, lost] = keepExisting ? [existing.company, target.name] : [target.name, existing.company];
        note(`conflict ${domain}: claimed by ${existing.company} and ${target.name}; kept ${kept} (more reach), dropped from ${lost}`, kept, lost);
        if (!keepExisting) owner.set(domain, { company: target.name, categories, product: entity.name });
      }
    }
  }

  // 4. Per-company corrections and additions.
  for (const [name, spec] of Object.entries(companyOverrides)) {
    const target = company(name);
    for (const [domain, value] of Object.entries(spec.domains ?? {})) {
      // `host/path-prefix`: a purpose for part of a host that serves several (reCAPTCHA on www.google.com).
      const [host, ...path] = domain.split('/');
      if (!HOST.test(host)) fail(`overrides.companies.${name}: ${domain} is not a lower-case host name (or host/path)`);
      if (path.length && !path.join('/').endsWith('/')) fail(`overrides.companies.${name}: path rule ${domain} must end with /`);
      const categories = checkCategories(Array.isArray(value) ? value : value.categories, `${name}: ${domain}`);
      const existing = owner.get(domain);
      if (existing && existing.company !== name) {
        note(`moved ${domain} from ${existing.company} to ${name} (overrides.json)`, existing.company, name);
      }
      owner.set(domain, { company: name, categories, product: 'overrides.json' });
    }
  }
  for (const [domain, reason] of Object.entries(drop)) {
    const existing = owner.get(domain);
    if (!existing) fail(`overrides.drop: ${domain} is not listed by anyone; remove the stale entry`);
    note(`dropped ${domain} (${existing.company}): ${reason}`, existing.company);
    owner.delete(domain);
  }
  for (const [domain, { company: name }] of owner) {
    if (suffixes.has(domain)) {
      note(`dropped ${domain} (${name}): a public suffix, shared by unrelated sites`, name);
      owner.delete(domain);
    }
  }

  // 6 (per company, so selection can count what each company contributes). Walk parents in the
  // full table: a chain a.b.c -> b.c -> c with equal verdicts collapses to c.
  const redundant = new Set();
  for (const [domain, entry] of owner) {
    if (domain.includes('/')) continue; // path rules refine their host; never redundant
    for (let parent = domain.slice(domain.indexOf('.') + 1); parent.includes('.'); parent = parent.slice(parent.indexOf('.') + 1)) {
      const up = owner.get(parent);
      if (!up) continue;
      if (up.company === entry.company && sameList(up.categories, entry.categories)) redundant.add(domain);
      break;
    }
  }
  for (const domain of [...redundant].sort()) {
    note(`redundant ${domain}: ${owner.get(domain).company} already lists a parent domain with the same purposes`, owner.get(domain).company);
    owner.delete(domain);
  }
  const domainsOf = new Map();
  for (const [domain, entry] of owner) {
    if (!domainsOf.has(entry.company)) domainsOf.set(entry.company, new Map());
    domainsOf.get(entry.company).set(domain, entry.categories);
  }

  // 5. Every company is kept (a user meets the long tail too); reach still decides conflicts.
  const required = overrides.required ?? [];
  for (const name of required) {
    if (!domainsOf.has(name)) fail(`overrides.required: ${name} has no domains (missing from third-party-web and overrides.companies)`);
  }
  const chosen = [...domainsOf.keys()];
  for (const name of Object.keys(companyOverrides)) {
    if (!chosen.includes(name)) note(`overrides.companies.${name} has no domains left; its entry is unused`);
  }

  // Output.
  const out = chosen.sort(byName).map((name) => {
    const spec = companyOverrides[name] ?? {};
    for (const key of Object.keys(spec)) {
      if (!['parent', 'country', 'homepage', 'privacy_policy', 'opt_out', 'domains', 'why'].includes(key)) {
        fail(`overrides.companies.${name}: unknown field ${key}`);
      }
    }
    const homepage = spec.homepage ?? companies.get(name).homepage ?? undefined;
    for (const [key, url] of Object.entries({ homepage, privacy_policy: spec.privacy_policy, opt_out: spec.opt_out })) {
      if (url !== undefined && !/^https:\/\/[^\s]+$/.test(url)) fail(`${name}: ${key} ${url} is not an https URL`);
    }
    const domains = Object.fromEntries([...domainsOf.get(name)].sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      name,
      ...(spec.parent && { parent: spec.parent }),
      ...(spec.country && { country: spec.country }),
      ...(homepage && { homepage }),
      ...(spec.privacy_policy && { privacy_policy: spec.privacy_policy }),
      ...(spec.opt_out && { opt_out: spec.opt_out }),
      domains,
    };
  });
  const total = out.reduce((n, e) => n + Object.keys(e.domains).length, 0);
  const tracking = out.reduce(
    (n, e) => n + Object.values(e.domains).filter((c) => c.some((x) => x !== 'cdn' && x !== 'consent')).length,
    0,
  );
  const header = {
    _comment:
      'GENERATED by scripts/kb/convert-third-party-web.mjs from third-party-web (MIT) and ' +
      'crate/data/overrides.json; edit those, not this file. Categories are the taxonomy in ' +
      'crate/src/taxonomy.rs. A longer, more specific domain wins over a shorter one.',
    _source: overrides.upstream,
  };
  writeFileSync(OUTPUT, serialise(header, out));

  const summary = [
    `${out.length} companies, ${total} domains (${tracking} with a tracking purpose)`,
    `inputs: ${[inputs.entities, inputs.usage, inputs.categories, inputs.psl ?? '(no public suffix list)'].map((p) => p.replace(/.*\//, '')).join(', ')}`,
  ];
  const log = notes.filter(({ about }) => about.length === 0 || about.some((c) => chosen.includes(c))).map((n) => n.line);
  writeFileSync(REPORT, `# Generated by scripts/kb/convert-third-party-web.mjs: what it left out or changed, and why.\n${summary.join('\n')}\n\n${log.join('\n')}\n`);
  process.stderr.write(`${log.join('\n')}\n${summary.join('\n')}\nwrote ${OUTPUT}\n`);
}

/** JSON with one line per domain, so a change to one domain is a one-line diff. */
export function serialise(header, entities) {
  const s = JSON.stringify;
  const lines = ['{'];
  for (const [key, value] of Object.entries(header)) lines.push(`  ${s(key)}: ${s(value)},`);
  lines.push('  "entities": [');
  entities.forEach((entity, i) => {
    lines.push('    {');
    for (const [key, value] of Object.entries(entity)) {
      if (key !== 'domains') lines.push(`      ${s(key)}: ${s(value)},`);
    }
    lines.push('      "domains": {');
    const domains = Object.entries(entity.domains);
    domains.forEach(([domain, categories], j) => {
      lines.push(`        ${s(domain)}: [${categories.map((c) => s(c)).join(', ')}]${j < domains.length - 1 ? ',' : ''}`);
    });
    lines.push('      }');
    lines.push(`    }${i < entities.length - 1 ? ',' : ''}`);
  });
  lines.push('  ]', '}');
  return `${lines.join('\n')}\n`;
}

// Run as a script; imported (by convert-adguard-companiesdb.mjs) for its output format.
if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
