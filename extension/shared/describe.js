// Words for what the reports hold: labels of purposes and treatments, cookie lifetimes, what the
// bounds left out. Pure functions shared by the popup and the dashboard, unit-tested under node.
// The labels come from the core (crate/src/vocabulary.rs, written into pkg/vocabulary.js by the
// build); a company's state, what it collected and why are the core's too (report/summary.rs).
import { VOCABULARY } from '../pkg/vocabulary.js';

const labels = (terms) => Object.freeze(Object.fromEntries(terms.map((t) => [t.name, t.label])));
export const CATEGORY_LABELS = labels(VOCABULARY.categories);
export const COOKIE_PURPOSE_LABELS = labels(VOCABULARY.cookiePurposes);
export const TREATMENT_LABELS = labels(VOCABULARY.treatments);

export const ENCODING_LABELS = {
  plain: 'as typed', url_encoded: 'URL-encoded', base64: 'Base64-encoded', md5: 'hashed with MD5', sha1: 'hashed with SHA-1',
  sha256: 'hashed with SHA-256',
};

export const FINGERPRINT_LEVEL_LABELS = { none: 'none', low: 'low', medium: 'medium', high: 'high' };

export function categoryLabel(category) {
  return CATEGORY_LABELS[category] ?? String(category);
}

/** Only https addresses become links, even from TrackLens' own knowledge base: a link is a link. */
export function isWebLink(href) {
  return typeof href === 'string' && /^https:\/\//.test(href);
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Whose a cookie is, in words: a third party's partitioned cookie (Firefox's Total Cookie
 * Protection, CHIPS) is said to be kept to this site, since it cannot follow the visitor elsewhere.
 */
export function cookieParty({ thirdParty = false, partitioned = false } = {}) {
  if (!thirdParty) return '';
  return partitioned ? 'third party, partitioned: kept to this site, it cannot follow you to others' : 'third party';
}

/**
 * How long a cookie or storage entry lasts, in words: `expires` in seconds since the epoch (null
 * for a session cookie), `domain` naming the storage area for storage keys.
 */
export function lifetime({ expires = null, domain = '' } = {}, nowMs = Date.now()) {
  if (domain === 'localStorage') return 'until cleared';
  if (domain === 'sessionStorage') return 'until the tab closes';
  if (typeof expires !== 'number') return 'until the browser closes';
  const seconds = expires - nowMs / 1000;
  if (seconds <= 0) return 'expired';
  const days = seconds / 86400;
  if (days >= 365) return `${plural(Math.round((days / 365) * 10) / 10, 'year')}`;
  if (days >= 60) return `${plural(Math.round(days / 30), 'month')}`;
  if (days >= 1) return `${plural(Math.round(days), 'day')}`;
  const hours = Math.max(1, Math.round(seconds / 3600));
  return plural(hours, 'hour');
}

/** Whether the page's requests carried Global Privacy Control, when the report says. */
export function gpcStatus(report) {
  const gpc = report?.gpc;
  if (gpc === undefined || gpc === null) return null;
  const sent = typeof gpc === 'object' ? Boolean(gpc.sent ?? gpc.enabled) : Boolean(gpc);
  return sent ? 'sent, telling this site not to sell or share your data.' : 'not sent.';
}

/**
 * What the report's bounds left out, for the user ("and N more"), or null when nothing was: the
 * core counts it in `omitted` (crate/src/report lists every bound); a report cut to make room for
 * other tabs says so.
 */
export function omittedText(report) {
  const o = report?.omitted;
  if (!o) return null;
  const hosts = Object.values(report.companies ?? {}).reduce((n, c) => n + (c.omittedHosts ?? 0), 0);
  const parts = [];
  if (hosts) parts.push(`${plural(hosts, 'more request')} to hosts of listed companies`);
  if (o.unknownHostRequests) parts.push(`${plural(o.unknownHostRequests, 'more request')} to other unknown hosts`);
  if (o.companyRequests) parts.push(`${plural(o.companyRequests, 'request')} to further companies`);
  if (o.cookies) parts.push(`${plural(o.cookies, 'more cookie')}`);
  if (o.storageKeys) parts.push(`${plural(o.storageKeys, 'more storage key')}`);
  if (o.fingerprintScripts) parts.push(`${plural(o.fingerprintScripts, 'more fingerprinting script')}`);
  if (o.leaks) parts.push(`${plural(o.leaks, 'more typed-text leak')}`);
  const said = [];
  if (parts.length) said.push(`Counted but not listed: ${parts.join(', ')}.`);
  if (o.trimmedForSpace) said.push('Details of this page were cut to make room for your other tabs; the counts are complete.');
  return said.length ? said.join(' ') : null;
}
