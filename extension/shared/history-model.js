// Per-site history: which companies and cookies each site the user visited brought along, kept in
// chrome.storage.local so the dashboard can show who follows the user across sites.
//
// Pure functions over plain objects, unit-tested under node. A site record is merged from tab
// reports idempotently: the same report merged twice (a batch retried after the service worker
// restarted, or the report updated as the page keeps loading) counts its visit and its requests
// once, because each visit is keyed by the report's `startedAt`. The history never leaves the
// device; it holds names and verdicts, never cookie values or typed text.

import { SITE_KEY_PREFIX, siteKey } from './state-keys.js';

export { SITE_KEY_PREFIX, siteKey };
export const HISTORY_VERSION = 1;
export const DAY_MS = 24 * 3600 * 1000;

// chrome.storage.local holds 10 MB without the unlimitedStorage permission, which TrackLens does
// not ask for: the history keeps to 8 MB (measured as JSON text), dropping the oldest sites first.
export const HISTORY_LIMITS = Object.freeze({
  sites: 1000, companiesPerSite: 100, cookiesPerSite: 200, visitsPerSite: 100, reasons: 8, bytes: 8_000_000,
});

/** The site a report is about, or null for pages that are not web sites (new tab, file:). */
export function reportSite(report) {
  if (!report?.site || !/^https?:/.test(report.pageUrl ?? '')) return null;
  return report.site;
}

export function newSiteRecord(site, now) {
  return { version: HISTORY_VERSION, site, firstSeen: now, lastSeen: now, visits: [], visitCount: 0, companies: {}, cookies: {} };
}

function addBounded(list, items, limit) {
  for (const item of items ?? []) if (!list.includes(item) && list.length < limit) list.push(item);
}

/**
 * Merges one tab report into the site's record (or a new one) and returns it. `now` is when the
 * merge happens; the visit is the report's start.
 */
export function mergeReport(record, report, now) {
  const site = reportSite(report);
  const merged = record?.version === HISTORY_VERSION ? record : newSiteRecord(site, now);
  const visit = report.startedAt ?? now;
  if (!merged.visits.includes(visit)) {
    merged.visits.push(visit);
    merged.visits.sort((a, b) => a - b);
    merged.visitCount += 1;
    if (merged.visits.length > HISTORY_LIMITS.visitsPerSite) merged.visits.shift();
  }
  merged.firstSeen = Math.min(merged.firstSeen, visit);
  merged.lastSeen = Math.max(merged.lastSeen, now);

  for (const company of Object.values(report.companies ?? {})) {
    let known = merged.companies[company.name];
    if (!known) {
      if (Object.keys(merged.companies).length >= HISTORY_LIMITS.companiesPerSite) continue;
      known = merged.companies[company.name] = {
        name: company.name, parent: company.parent ?? null, tracker: false, categories: [], hosts: [], reasons: [],
        firstSeen: visit, lastSeen: visit, visits: 0, lastVisit: null, requestsBefore: 0, visitRequests: 0, requests: 0,
        blockedBefore: 0, visitBlocked: 0, blocked: 0, state: null, fingerprinting: null,
      };
    }
    // Requests of earlier visits are settled; this visit's count is replaced, not added, so a
    // report merged again does not count twice.
    if (known.lastVisit !== visit) {
      if (known.lastVisit !== null && visit < known.lastVisit) continue; // an older report arriving late
      known.requestsBefore += known.visitRequests;
      known.visitRequests = 0;
      known.blockedBefore = (known.blockedBefore ?? 0) + (known.visitBlocked ?? 0);
      known.visitBlocked = 0;
      known.visits += 1;
      known.lastVisit = visit;
    }
    known.visitRequests = Math.max(known.visitRequests, company.requests ?? 0);
    known.requests = known.requestsBefore + known.visitRequests;
    // Blocked requests as the core counted them, settled per visit like the requests; the state
    // is the core's for the latest visit (report/mod.rs CompanyState).
    known.visitBlocked = Math.max(known.visitBlocked ?? 0, company.blocked ?? 0);
    known.blocked = (known.blockedBefore ?? 0) + known.visitBlocked;
    known.state = company.state ?? known.state ?? null;
    known.tracker ||= Boolean(company.tracker);
    known.lastSeen = Math.max(known.lastSeen, visit);
    addBounded(known.categories, company.categories, 16);
    addBounded(known.hosts, company.hosts, 20);
    addBounded(known.reasons, company.reasons, HISTORY_LIMITS.reasons);
    const fp = strongestFingerprinting(report, company.name);
    if (fp && (!known.fingerprinting || fp.score > known.fingerprinting.score)) known.fingerprinting = fp;
  }

  addContext(merged, report, visit);

  for (const cookie of [...(report.cookies ?? [])]) {
    const key = `${cookie.name}\u0000${cookie.domain}`;
    const known = merged.cookies[key];
    if (!known && Object.keys(merged.cookies).length >= HISTORY_LIMITS.cookiesPerSite) continue;
    merged.cookies[key] = {
      name: cookie.name, domain: cookie.domain, purpose: cookie.purpose, vendor: cookie.vendor ?? null,
      identifier: Boolean(cookie.identifier), thirdParty: Boolean(cookie.thirdParty), expires: cookie.expires ?? null,
      firstSeen: known?.firstSeen ?? now, lastSeen: now,
    };
  }
  return merged;
}

/**
 * Keeps what the core decided the visit's page is about (report.context: its sensitive
 * categories and topics, with the evidence) and which companies saw it (at least one request not
 * blocked) or received its address, title or content: the input of the core's inferred profile
 * (crate/src/profile.rs). One entry per visit, replaced when the report is merged again.
 */
function addContext(merged, report, visit) {
  const context = report.context;
  if (!context) return;
  const categories = (context.categories ?? []).map((c) => c.name);
  const topics = (context.topics ?? []).map((t) => t.name);
  if (!categories.length && !topics.length) return;
  const companies = Object.values(report.companies ?? {})
    .filter((c) => c.party === 'third_party' && c.state !== 'blocked').map((c) => c.name).slice(0, HISTORY_LIMITS.companiesPerSite);
  const entry = {
    visit, categories, topics, evidence: (context.evidence ?? []).slice(0, 4), companies,
    received: (context.sensitive ?? []).map((s) => s.company).slice(0, HISTORY_LIMITS.companiesPerSite),
  };
  merged.contexts = (merged.contexts ?? []).filter((c) => c.visit !== visit);
  merged.contexts.push(entry);
  merged.contexts.sort((a, b) => a.visit - b.visit);
  if (merged.contexts.length > HISTORY_LIMITS.visitsPerSite) merged.contexts.shift();
}

/**
 * The record without the category or topic `name` in its visits' contexts (the dashboard's
 * "forget"); a visit left with neither is dropped. Returns null when nothing changed.
 */
export function forgetInferred(record, name) {
  if (!record?.contexts?.some((c) => c.categories.includes(name) || c.topics.includes(name))) return null;
  const contexts = record.contexts
    .map((c) => ({ ...c, categories: c.categories.filter((n) => n !== name), topics: c.topics.filter((n) => n !== name) }))
    .filter((c) => c.categories.length || c.topics.length);
  return { ...record, contexts };
}

/** The highest fingerprinting verdict of a company's scripts in a report: {score, level, techniques}. */
function strongestFingerprinting(report, companyName) {
  let best = null;
  for (const script of Object.values(report.fingerprinting ?? {})) {
    if (script.company !== companyName || !script.verdict) continue;
    if (!best || script.verdict.score > best.score) {
      best = { score: script.verdict.score, level: script.verdict.level, techniques: [...script.verdict.techniques] };
    }
  }
  return best;
}

/**
 * The site keys to delete: records last seen before the retention window (`retentionDays`, a
 * setting the core has checked), then the oldest beyond the count and size caps (`limits` is for
 * tests).
 */
export function keysToPrune(records, { retentionDays }, now, limits = HISTORY_LIMITS) {
  const cutoff = now - retentionDays * DAY_MS;
  const stale = [];
  const kept = [];
  for (const record of records) (record.lastSeen < cutoff ? stale : kept).push(record);
  kept.sort((a, b) => b.lastSeen - a.lastSeen);
  let bytes = 0;
  const within = kept.findIndex((record, at) => {
    bytes += JSON.stringify(record).length;
    return at >= limits.sites || bytes > limits.bytes;
  });
  return [...stale, ...(within < 0 ? [] : kept.slice(within))].map((r) => siteKey(r.site));
}

/** All site records in a storage snapshot (`chrome.storage.local.get(null)`), newest first. */
export function siteRecords(all) {
  return Object.entries(all ?? {})
    .filter(([key, value]) => key.startsWith(SITE_KEY_PREFIX) && value?.version === HISTORY_VERSION)
    .map(([, value]) => value)
    .sort((a, b) => b.lastSeen - a.lastSeen);
}

/**
 * Companies across sites, ranked by reach (the number of sites they appeared on), then requests:
 * [{name, sites: [site], reach, requests, blocked, states: {state: sites}, tracker, categories, reasons,
 * fingerprinting, firstSeen, lastSeen}]: `states` counts the sites by the company's state on the last visit.
 */
export function companiesByReach(records) {
  const companies = new Map();
  for (const record of records) {
    for (const company of Object.values(record.companies)) {
      const entry = companies.get(company.name) ?? {
        name: company.name, parent: company.parent, sites: [], reach: 0, requests: 0, blocked: 0, states: {}, tracker: false, categories: [], reasons: [],
        fingerprinting: null, firstSeen: company.firstSeen, lastSeen: company.lastSeen,
      };
      entry.sites.push(record.site);
      entry.reach = entry.sites.length;
      entry.requests += company.requests;
      entry.blocked += company.blocked ?? 0;
      if (company.state) entry.states[company.state] = (entry.states[company.state] ?? 0) + 1;
      entry.tracker ||= company.tracker;
      addBounded(entry.categories, company.categories, 16);
      addBounded(entry.reasons, company.reasons, HISTORY_LIMITS.reasons);
      if (company.fingerprinting && (!entry.fingerprinting || company.fingerprinting.score > entry.fingerprinting.score)) {
        entry.fingerprinting = company.fingerprinting;
      }
      entry.firstSeen = Math.min(entry.firstSeen, company.firstSeen);
      entry.lastSeen = Math.max(entry.lastSeen, company.lastSeen);
      companies.set(company.name, entry);
    }
  }
  return [...companies.values()].sort((a, b) => b.reach - a.reach || b.requests - a.requests || a.name.localeCompare(b.name));
}

/** Every cookie of every site: [{site, name, domain, purpose, vendor, identifier, thirdParty, expires, lastSeen}]. */
export function cookiesAcrossSites(records) {
  return records.flatMap((record) => Object.values(record.cookies).map((cookie) => ({ site: record.site, ...cookie })));
}
