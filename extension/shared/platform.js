// Where Firefox and Chromium differ for TrackLens, in one place. Both run the same pages and the
// same background code (Firefox answers the `chrome` namespace with promises in Manifest V3);
// the few APIs that differ are asked here, by feature, never by browser name.

/**
 * The extraInfoSpec for a webRequest header event: `base` plus 'extraHeaders' where the browser
 * has it. Chrome hides Cookie and Set-Cookie from listeners without it; Firefox shows them anyway
 * and rejects the unknown value (which would stop the whole background script at start-up).
 * `options` is the event's enum, e.g. chrome.webRequest.OnSendHeadersOptions.
 */
export function headerSpec(options, base) {
  const known = Object.values(options ?? {});
  return known.includes('extraHeaders') ? [...base, 'extraHeaders'] : base;
}

/**
 * What a webRequest error says about a block by an extension's rule: 'blocked' when the browser
 * says so (Chrome: net::ERR_BLOCKED_BY_CLIENT); 'aborted' when a block looks like any other
 * abort (Firefox cancels what its declarativeNetRequest blocked with NS_ERROR_ABORT, as it does
 * a load the page or the visitor stopped), so the core must say whether TrackLens' rules stop
 * that request; null for every other failure.
 */
export function blockSignal(error) {
  if (error === 'net::ERR_BLOCKED_BY_CLIENT') return 'blocked';
  if (error === 'NS_ERROR_ABORT') return 'aborted';
  return null;
}

/**
 * The page a request is judged from, as declarativeNetRequest judges it: its initiator (Chrome's
 * `initiator`, Firefox's `originUrl`), or the request itself for a top-level navigation.
 */
export function requestInitiator(details) {
  if (details.type === 'main_frame') return details.url;
  return details.initiator ?? details.originUrl ?? details.documentUrl ?? '';
}

/**
 * The cookies.getAll queries for what a page of `site` (a registrable domain, https) can use: the
 * unpartitioned cookies, and those in the site's own partition. Firefox keeps third-party cookies
 * in one partition per top-level site (Total Cookie Protection, on by default) and returns them
 * only to a query naming the partition; Chrome keeps CHIPS cookies the same way. Other sites'
 * partitions are left out: a tracker's cookie there cannot follow the visitor to this site.
 */
export function pageCookieQueries(query, site) {
  return [query, { ...query, partitionKey: { topLevelSite: `https://${site}` } }];
}

/** Cookies from several queries, each once (a browser may answer both queries with one cookie). */
export function distinctCookies(cookies) {
  const seen = new Map();
  for (const cookie of cookies) {
    const key = [cookie.storeId, cookie.domain, cookie.path, cookie.name, cookie.partitionKey?.topLevelSite ?? ''].join('\n');
    if (!seen.has(key)) seen.set(key, cookie);
  }
  return [...seen.values()];
}

/** The details cookies.remove needs for `cookie`, in its partition when it has one. */
export function removalOf(cookie) {
  const host = cookie.domain.replace(/^\./, '');
  const details = { url: `http${cookie.secure ? 's' : ''}://${host}${cookie.path}`, name: cookie.name, storeId: cookie.storeId };
  if (cookie.partitionKey) details.partitionKey = cookie.partitionKey;
  return details;
}

// Resource types Chrome's declarativeNetRequest files under one name and Firefox under several
// (MDN, webRequest.ResourceType): a rule for Chrome's type must name Firefox's too.
const SPLIT_TYPES = { ping: ['beacon'], image: ['imageset'], other: ['xslt', 'xml_dtd', 'web_manifest', 'speculative'] };

function fitTypes(types, supported) {
  const fitted = types.flatMap((type) => [type, ...(SPLIT_TYPES[type] ?? [])]).filter((type) => supported.has(type));
  return [...new Set(fitted)];
}

/**
 * The core's declarativeNetRequest rules (written for Chrome's resource types) for a browser that
 * takes the types in `supported` (chrome.declarativeNetRequest.ResourceType's values). Firefox
 * refuses a whole update over one unknown type (webtransport, webbundle), so those are dropped and
 * Chrome's broad types widened to Firefox's finer ones. A rule left with no type would match every
 * type: it is dropped instead. For Chrome, rules come back unchanged.
 */
export function fitRules(rules, supported) {
  const known = new Set(supported);
  if (!known.size) return rules;
  return rules.flatMap((rule) => {
    const condition = { ...rule.condition };
    if (condition.resourceTypes) {
      condition.resourceTypes = fitTypes(condition.resourceTypes, known);
      if (!condition.resourceTypes.length) return [];
    }
    if (condition.excludedResourceTypes) {
      condition.excludedResourceTypes = fitTypes(condition.excludedResourceTypes, known);
      if (!condition.excludedResourceTypes.length) delete condition.excludedResourceTypes;
    }
    return [{ ...rule, condition }];
  });
}
