// Per-tab report: what the current page sent where, built from the core's verdicts.
//
// Pure functions over plain objects (the shape stored in chrome.storage.session), so they can be
// unit-tested without a browser and survive a service-worker restart unchanged. Sizes are bounded:
// storage.session holds 10 MB for every tab together, and pages can make unbounded requests.

export const LIMITS = {
  hostsPerCompany: 50, unknownHosts: 200, cookieNames: 100, thirdPartySites: 100, pageCookies: 200, storageKeys: 200,
  sentParams: 40, fingerprintScripts: 50, leaks: 50,
};

export function newReport(pageUrl, verdict) {
  return {
    pageUrl,
    site: verdict?.site ?? null,
    startedAt: Date.now(),
    requests: 0,
    thirdPartyRequests: 0,
    errors: 0,
    companies: {},
    unknownThirdParties: {},
    // host -> company name, to attribute the cookie headers that arrive after each request.
    hostOwners: {},
    // Registrable sites of the third parties seen, whose cookies are read when the page has loaded.
    thirdPartySites: [],
    // The cookies the page and its third parties hold, classified: names and verdicts, never values.
    cookies: [],
    consent: null,
    // Whether `Sec-GPC: 1` went out with the page's own request (the visitor's opt-out signal).
    gpc: false,
    // The consent banner TrackLens found and declined: { cmp, status, auto, at } or null.
    declined: null,
    // Trackers that still loaded and kept identifier cookies after the visitor's refusal.
    ignoredRefusal: [],
  };
}

function addBounded(list, item, limit) {
  if (!list.includes(item) && list.length < limit) list.push(item);
}

/** Counts one classified request into the report. */
export function addVerdict(report, verdict) {
  report.requests += 1;
  if (verdict.party === 'third_party') {
    report.thirdPartyRequests += 1;
    // Reports stored before this field existed lack it.
    if (verdict.site) addBounded((report.thirdPartySites ??= []), verdict.site, LIMITS.thirdPartySites);
  }
  if (!verdict.entity) {
    if (verdict.party === 'third_party') {
      const known = report.unknownThirdParties[verdict.host];
      if (known) known.requests += 1;
      else if (Object.keys(report.unknownThirdParties).length < LIMITS.unknownHosts) {
        report.unknownThirdParties[verdict.host] = { host: verdict.host, requests: 1, reason: verdict.reason };
      }
    }
    return;
  }
  const { name } = verdict.entity;
  const company = (report.companies[name] ??= {
    name,
    parent: verdict.entity.parent,
    privacyPolicy: verdict.entity.privacy_policy,
    optOut: verdict.entity.opt_out,
    party: verdict.party,
    tracker: false,
    categories: [],
    hosts: [],
    requests: 0,
    reasons: [],
    cookiesSent: [],
    cookiesSet: [],
  });
  company.requests += 1;
  company.tracker ||= verdict.tracker;
  // A company is as much a third party as its most third-party request.
  if (verdict.party === 'third_party') company.party = 'third_party';
  for (const category of verdict.categories) addBounded(company.categories, category, 16);
  addBounded(company.hosts, verdict.host, LIMITS.hostsPerCompany);
  addBounded(company.reasons, verdict.reason, LIMITS.hostsPerCompany);
  report.hostOwners[verdict.host] = name;
}

/** Records cookie names a request to `host` carried ('sent') or its response set ('set'). */
export function addCookies(report, host, names, direction) {
  const company = report.companies[report.hostOwners[host]];
  if (!company) return;
  const list = direction === 'sent' ? company.cookiesSent : company.cookiesSet;
  for (const name of names) addBounded(list, name, LIMITS.cookieNames);
}

/** A request to `host` was blocked by TrackLens' rules: counted for the page and its company. */
export function addBlocked(report, host) {
  report.blockedRequests = (report.blockedRequests ?? 0) + 1;
  const company = report.companies[report.hostOwners[host]];
  if (company) company.blocked = (company.blocked ?? 0) + 1;
}

/** Companies for display: trackers first, then by number of requests. */
export function companiesByConcern(report) {
  return Object.values(report?.companies ?? {}).sort(
    (a, b) => Number(b.tracker) - Number(a.tracker) || b.requests - a.requests || a.name.localeCompare(b.name),
  );
}

/** The third-party sites whose cookies to read for this page (the page's own site is read by URL). */
export function cookieSitesToRead(report) {
  return (report?.thirdPartySites ?? []).filter((site) => site && site !== report.site);
}

/**
 * The report's entry for one cookie: the core's verdict on it, without its value. `cookie` is a
 * chrome.cookies.Cookie, `verdict` what classifyCookie said about it.
 */
export function cookieEntry(cookie, verdict) {
  return {
    name: cookie.name,
    domain: cookie.domain,
    path: cookie.path,
    purpose: verdict.purpose,
    vendor: verdict.vendor ?? null,
    identifier: Boolean(verdict.identifier),
    reason: verdict.reason,
    thirdParty: Boolean(verdict.third_party),
    company: verdict.entity?.name ?? null,
    // Seconds since the epoch, as chrome.cookies reports it; null for a session cookie.
    expires: typeof cookie.expirationDate === 'number' ? Math.round(cookie.expirationDate) : null,
  };
}

/** Replaces the report's cookies with `entries`: one per name, domain and path, bounded. */
export function setCookies(report, entries) {
  report.cookies = unique(entries, LIMITS.pageCookies);
}

/**
 * The report's entry for one localStorage / sessionStorage key, in the shape of a cookie entry
 * (the area stands where a cookie's domain would), so both are shown and grouped alike.
 */
export function storageEntry(area, key, verdict) {
  return cookieEntry({ name: key, domain: `${area}Storage`, path: '' }, verdict);
}

/** Replaces the report's storage keys with `entries`, bounded. */
export function setStorage(report, entries) {
  report.storage = unique(entries, LIMITS.storageKeys);
}

function unique(entries, limit) {
  const seen = new Set();
  const kept = [];
  for (const entry of entries) {
    const key = `${entry.name}\u0000${entry.domain}\u0000${entry.path}`;
    if (seen.has(key) || kept.length >= limit) continue;
    seen.add(key);
    kept.push(entry);
  }
  return kept;
}

/**
 * The report's consent entry from what decodeConsent returned, or from why it could not decode
 * the string (`error`); null when there was no string.
 */
export function consentEntry(decoded, error = null) {
  if (error) return { format: null, summary: null, cmpId: null, purposes: [], vendors: 0, error };
  if (!decoded) return null;
  return {
    format: decoded.format,
    summary: decoded.summary,
    cmpId: decoded.cmp_id ?? null,
    purposes: Array.isArray(decoded.purposes_consent) ? decoded.purposes_consent.slice(0, 32) : [],
    vendors: decoded.vendor_consents?.ids?.count ?? 0,
  };
}

/** Display order of cookie purposes: what tracks first, what the site needs last. */
export const COOKIE_PURPOSE_ORDER = [
  'advertising', 'analytics', 'personalization', 'social', 'unknown', 'preferences', 'security', 'necessary',
];

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

/** The report's tracking parameters from what stripTrackingParams said: names, owners, reasons. */
export function trackingParamEntries(stripped) {
  return (stripped?.removed ?? []).slice(0, 50).map(({ name, company, kind, reason }) => ({
    name, company: company ?? null, kind, reason,
  }));
}

/** How the visitor refused tracking on this page: GPC, a declined banner, a TCF string without consent. */
export function refusals(report) {
  const said = [];
  if (report?.gpc) said.push('Global Privacy Control');
  if (report?.declined?.status === 'declined') said.push('declined the consent banner');
  const consent = report?.consent;
  if (consent?.format === 'tcf' && !consent.error && consent.purposes.length === 0) said.push('consent string without consent');
  return said;
}

/**
 * The compliance check: after a refusal, the tracking companies that still loaded and still hold
 * identifier cookies on this page. [{company, cookies, requests, refusals}], worst first.
 */
export function ignoredRefusal(report) {
  const said = refusals(report);
  if (!said.length) return [];
  const flagged = [];
  for (const company of Object.values(report.companies ?? {})) {
    if (!company.tracker || company.party !== 'third_party' || company.requests === 0) continue;
    const names = new Set([...(company.cookiesSent ?? []), ...(company.cookiesSet ?? [])]);
    const cookies = (report.cookies ?? [])
      .filter((c) => c.identifier && (c.company === company.name || names.has(c.name)))
      .map((c) => c.name);
    if (cookies.length) {
      flagged.push({ company: company.name, cookies: [...new Set(cookies)].slice(0, 20), requests: company.requests, refusals: said });
    }
  }
  return flagged.sort((a, b) => b.cookies.length - a.cookies.length || a.company.localeCompare(b.company));
}

/**
 * Records what a company's request carried, as sentParams named it: [{name, kind, meaning,
 * documented}]. Names and meanings only; the values never reach the report.
 */
export function addSentParams(report, companyName, params) {
  const company = report.companies[companyName];
  if (!company) return;
  const sent = (company.sent ??= []);
  for (const { name, kind, meaning, documented } of params) {
    if (sent.length >= LIMITS.sentParams) break;
    if (!sent.some((p) => p.name === name)) sent.push({ name, kind, meaning, documented });
  }
}

/**
 * Records one script's fingerprinting: `usage` as the probe counted it, `verdict` the core's
 * score. The company is the one that owns the script's host, when the report knows it.
 */
export function setFingerprinting(report, script, host, usage, verdict) {
  const scripts = (report.fingerprinting ??= {});
  if (!(script in scripts) && Object.keys(scripts).length >= LIMITS.fingerprintScripts) return;
  scripts[script] = { script, host, company: report.hostOwners?.[host] ?? null, usage, verdict };
}

/** Records that a typed field left the page: {field, host, company, encoding, location}, once each. */
export function addLeak(report, leak) {
  const leaks = (report.leaks ??= []);
  const same = (l) => l.field === leak.field && l.host === leak.host && l.encoding === leak.encoding;
  if (leaks.length < LIMITS.leaks && !leaks.some(same)) leaks.push({ ...leak, company: report.hostOwners?.[leak.host] ?? null });
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
