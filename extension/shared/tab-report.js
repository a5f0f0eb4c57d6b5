// Display helpers over a tab's page report (the core's, crate/src/report, stored by the service
// worker in chrome.storage.session): ordering and grouping for the popup and the badge. What
// happened on the page — counts, states, cookie ownership, ignored refusals — is the core's and
// is read from the report as it is, never recomputed here.
import { VOCABULARY } from '../pkg/vocabulary.js';

/** Companies for display: trackers first, then by number of requests. */
export function companiesByConcern(report) {
  return Object.values(report?.companies ?? {}).sort(
    (a, b) => Number(b.tracker) - Number(a.tracker) || b.requests - a.requests || a.name.localeCompare(b.name),
  );
}

/** Display order of cookie purposes: what tracks first, what the site needs last. */
export const COOKIE_PURPOSE_ORDER = VOCABULARY.cookiePurposes.map((p) => p.name);

/** Cookies and storage keys grouped by purpose, in display order: [{purpose, cookies}], sorted by name. */
export function cookiesByPurpose(report) {
  const groups = new Map();
  for (const cookie of [...(report?.cookies ?? []), ...(report?.storage ?? [])]) {
    if (!groups.has(cookie.purpose)) groups.set(cookie.purpose, []);
    groups.get(cookie.purpose).push(cookie);
  }
  const rank = (purpose) => {
    const at = COOKIE_PURPOSE_ORDER.indexOf(purpose);
    return at < 0 ? COOKIE_PURPOSE_ORDER.length : at;
  };
  return [...groups]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([purpose, cookies]) => ({ purpose, cookies: cookies.sort((a, b) => a.name.localeCompare(b.name) || a.domain.localeCompare(b.domain)) }));
}

/** A company's scripts' strongest fingerprinting verdict in the report, or null. */
export function companyFingerprinting(report, companyName) {
  const scripts = Object.values(report?.fingerprinting ?? {}).filter((s) => s.company === companyName && s.verdict?.score > 0);
  return scripts.sort((a, b) => b.verdict.score - a.verdict.score)[0] ?? null;
}

/** Number of tracking companies on the page: what the toolbar badge shows. */
export function trackerCount(report) {
  return Object.values(report?.companies ?? {}).filter((c) => c.tracker).length;
}
