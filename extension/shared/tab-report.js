// Per-tab report: what the current page sent where, built from the core's verdicts.
//
// Pure functions over plain objects (the shape stored in chrome.storage.session), so they can be
// unit-tested without a browser and survive a service-worker restart unchanged. Sizes are bounded:
// storage.session holds 10 MB for every tab together, and pages can make unbounded requests.

export const LIMITS = { hostsPerCompany: 50, unknownHosts: 200, cookieNames: 100 };

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
  };
}

function addBounded(list, item, limit) {
  if (!list.includes(item) && list.length < limit) list.push(item);
}

/** Counts one classified request into the report. */
export function addVerdict(report, verdict) {
  report.requests += 1;
  if (verdict.party === 'third_party') report.thirdPartyRequests += 1;
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

/** Companies for display: trackers first, then by number of requests. */
export function companiesByConcern(report) {
  return Object.values(report?.companies ?? {}).sort(
    (a, b) => Number(b.tracker) - Number(a.tracker) || b.requests - a.requests || a.name.localeCompare(b.name),
  );
}
