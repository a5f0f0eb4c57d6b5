// Evidence export: the history as a documented, versioned JSON document (docs/evidence-schema.json,
// docs/evidence.md) and as CSV tables. Pure functions, unit-tested under node; the dashboard only
// turns their output into a download. Nothing here is sent anywhere.

// 2: each site's page contexts (`contexts`) and the inferred profile (`inferredProfile`).
export const EVIDENCE_SCHEMA_VERSION = 2;
export const EVIDENCE_SCHEMA_ID = 'https://github.com/tracklens/tracklens/blob/main/docs/evidence-schema.json';

const iso = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/**
 * The core's inferred profile (crate/src/profile.rs) for the export: for one site, only what
 * its pages contributed to (items seen on that site).
 */
function profileFor(profile, site) {
  if (!profile) return null;
  const here = (items) => items.filter((i) => !site || i.sites.includes(site)).map((i) => ({ ...i, lastSeen: iso(i.lastSeen) }));
  return {
    companies: profile.companies
      .map((c) => ({ name: c.name, sensitive: here(c.sensitive), topics: here(c.topics) }))
      .filter((c) => c.sensitive.length || c.topics.length),
  };
}

/**
 * The evidence document for `records` (site records from the history), one site or all;
 * `profile` is the core's inferred profile of them (null when not asked for).
 */
export function evidenceDocument(records, { site = null, now = Date.now(), generator = 'TrackLens', profile = null } = {}) {
  const chosen = site ? records.filter((r) => r.site === site) : records;
  return {
    $schema: EVIDENCE_SCHEMA_ID,
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    generator,
    generatedAt: iso(now),
    scope: site ? { site } : { site: null },
    inferredProfile: profileFor(profile, site),
    sites: chosen.map((record) => ({
      site: record.site,
      firstSeen: iso(record.firstSeen),
      lastSeen: iso(record.lastSeen),
      visits: record.visitCount,
      companies: Object.values(record.companies).map((c) => ({
        name: c.name,
        parent: c.parent ?? null,
        tracker: Boolean(c.tracker),
        categories: [...c.categories],
        hosts: [...c.hosts],
        requests: c.requests,
        visits: c.visits,
        firstSeen: iso(c.firstSeen),
        lastSeen: iso(c.lastSeen),
        reasons: [...c.reasons],
        fingerprinting: c.fingerprinting ? { score: c.fingerprinting.score, level: c.fingerprinting.level, techniques: [...c.fingerprinting.techniques] } : null,
      })),
      cookies: Object.values(record.cookies).map((c) => ({
        name: c.name,
        domain: c.domain,
        purpose: c.purpose,
        vendor: c.vendor ?? null,
        identifier: Boolean(c.identifier),
        thirdParty: Boolean(c.thirdParty),
        expires: c.expires == null ? null : iso(c.expires * 1000),
        firstSeen: iso(c.firstSeen),
        lastSeen: iso(c.lastSeen),
      })),
      // What the core decided each recorded page was about, and who saw or received it.
      contexts: (record.contexts ?? []).map((c) => ({
        visit: iso(c.visit), categories: [...c.categories], topics: [...c.topics], evidence: [...c.evidence],
        companies: [...c.companies], received: [...c.received],
      })),
    })),
  };
}

/**
 * One CSV cell. Quoted per RFC 4180; a leading = + - @ is defused with an apostrophe, because
 * names come from web pages and spreadsheets would run them as formulas.
 */
export function csvCell(value) {
  let text = value == null ? '' : Array.isArray(value) ? value.join('; ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(header, rows) {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Companies per site as CSV, from an evidence document. */
export function companiesCsv(doc) {
  return csv(
    ['site', 'company', 'parent', 'tracker', 'categories', 'requests', 'visits', 'first_seen', 'last_seen', 'fingerprinting'],
    doc.sites.flatMap((s) => s.companies.map((c) => [
      s.site, c.name, c.parent, c.tracker, c.categories, c.requests, c.visits, c.firstSeen, c.lastSeen, c.fingerprinting?.level ?? '',
    ])),
  );
}

/** Cookies per site as CSV, from an evidence document. */
export function cookiesCsv(doc) {
  return csv(
    ['site', 'cookie', 'domain', 'purpose', 'vendor', 'identifier', 'third_party', 'expires', 'first_seen', 'last_seen'],
    doc.sites.flatMap((s) => s.cookies.map((c) => [
      s.site, c.name, c.domain, c.purpose, c.vendor, c.identifier, c.thirdParty, c.expires, c.firstSeen, c.lastSeen,
    ])),
  );
}
