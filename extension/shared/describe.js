// Words for what the reports hold: labels of purposes, cookie lifetimes, a company's state and
// what it collected. Pure functions shared by the popup and the dashboard, unit-tested under node.
// Category and cookie-purpose labels come from the core (crate/src/vocabulary.rs, written into
// pkg/vocabulary.js by the build).
import { VOCABULARY } from '../pkg/vocabulary.js';

const labels = (terms) => Object.freeze(Object.fromEntries(terms.map((t) => [t.name, t.label])));
export const CATEGORY_LABELS = labels(VOCABULARY.categories);
export const COOKIE_PURPOSE_LABELS = labels(VOCABULARY.cookiePurposes);

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

/**
 * A company's state on this page, as the core derived it from what happened (`state`: blocked,
 * partly_blocked, loaded_without_cookies, loaded; `blocked` of `requests` stopped), shown as
 * cookie-stripped when the user's settings (`treatment`, from the popup's controls) load it
 * without cookies, else allowed.
 */
export function companyState(company, treatment = null) {
  const blocked = company?.blocked ?? company?.blockedRequests ?? 0;
  const partly = company?.state === 'partly_blocked' || (blocked > 0 && company?.requests > blocked && company?.state !== 'blocked');
  if (partly) return { key: 'partly', label: `Partly blocked (${blocked} of ${company.requests} requests)` };
  if (company?.state === 'blocked' || blocked > 0) return { key: 'blocked', label: 'Blocked' };
  if (company?.state === 'cookie-stripped' || company?.state === 'cookies_stripped' || company?.cookiesStripped || treatment === 'strip') {
    return { key: 'stripped', label: 'Cookies stripped' };
  }
  return { key: 'allowed', label: 'Allowed' };
}

/**
 * What a company collected on the page, as short phrases: its cookies, the identifiers and page
 * data its requests carried, its fingerprinting, typed text it received.
 */
export function collected(company, { fingerprinting = null, leaks = [] } = {}) {
  const items = [];
  // Its cookies: those its requests carried or set, and the page's cookies the core says are its
  // own (`company.cookies`: first-party cookies its script wrote never travel to its hosts).
  const cookies = [...new Set([...(company.cookiesSent ?? []), ...(company.cookiesSet ?? []), ...(company.cookies ?? [])])];
  if (cookies.length) items.push({ kind: 'cookies', text: `cookies ${cookies.slice(0, 6).join(', ')}${cookies.length > 6 ? '…' : ''}` });
  const sent = company.sent ?? [];
  const ids = sent.filter((p) => p.kind === 'identifier');
  if (ids.length) items.push({ kind: 'identifiers', text: `identifiers (${ids.map((p) => p.name).join(', ')})` });
  const page = sent.filter((p) => p.kind === 'page' || p.kind === 'device');
  if (page.length) items.push({ kind: 'data', text: page.map((p) => p.meaning.replace(/^(the|your) /, '')).slice(0, 4).join(', ') });
  if (fingerprinting) {
    items.push({ kind: 'fingerprinting', text: `fingerprinting (${fingerprinting.verdict.level}: ${fingerprinting.verdict.techniques.join(', ')})` });
  }
  if (company.categories?.includes('session_replay')) {
    items.push({ kind: 'replay', text: 'a recording of your clicks, mouse moves and typing (session replay)' });
  }
  for (const leak of leaks) items.push({ kind: 'typed', text: `what you typed in "${leak.field}" (${ENCODING_LABELS[leak.encoding] ?? leak.encoding})` });
  return items;
}

/** Whether the page's requests carried Global Privacy Control, when the report says. */
export function gpcStatus(report) {
  const gpc = report?.gpc;
  if (gpc === undefined || gpc === null) return null;
  const sent = typeof gpc === 'object' ? Boolean(gpc.sent ?? gpc.enabled) : Boolean(gpc);
  return sent ? 'sent, telling this site not to sell or share your data.' : 'not sent.';
}

/** The line under the summary: what was collected on the page, in counts. */
export function summaryDetail(report) {
  const cookies = [...(report?.cookies ?? []), ...(report?.storage ?? [])];
  const ids = cookies.filter((c) => c.identifier && c.purpose !== 'necessary').length;
  const fingerprinters = new Set(Object.values(report?.fingerprinting ?? {})
    .filter((s) => s.verdict?.level === 'medium' || s.verdict?.level === 'high').map((s) => s.company ?? s.host)).size;
  const parts = [`${plural(ids, 'identifier')} stored`];
  if (fingerprinters) parts.push(`fingerprinted by ${plural(fingerprinters, 'script owner')}`);
  if (report?.leaks?.length) parts.push(`typed text sent to ${plural(new Set(report.leaks.map((l) => l.host)).size, 'third party', 'third parties')}`);
  const blocked = Object.values(report?.companies ?? {}).filter((c) => companyState(c).key === 'blocked').length;
  if (blocked) parts.push(`${plural(blocked, 'company', 'companies')} blocked`);
  return parts.join(' · ');
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
