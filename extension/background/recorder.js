// Turns browser events into per-tab page reports in chrome.storage.session.
//
// The report itself is the core's (crate/src/report, through wasm): this module only turns what
// the browser says into the core's events and stores what comes back. Events are queued and
// applied in batches: one wasm call classifies a whole batch's requests, one applies each tab's
// events, and one storage read and write covers every tab it touches. Each batch reads the stored
// reports back before updating them, because the service worker may have been stopped and
// restarted since the last one; batches are chained so two never interleave.
//
// When a page has loaded, the cookies it and its third parties hold are read from the browser's
// cookie store, classified, and applied to its report (names and verdicts only, never values),
// with its IAB consent string (euconsent-v2). When its tab closes, the cookies are read once more
// and the final report goes to the history before it leaves storage.session.
import { distinctCookies, pageCookieQueries } from '../shared/platform.js';
import { tabKey } from '../shared/state-keys.js';
import { createReportStore } from './report-store.js';

const MAX_QUEUE = 500;
// After a page's load: once soon, once more for cookies its scripts set a little later.
const COOKIE_READ_DELAYS_MS = [300, 3000];
const CONSENT_COOKIE = 'euconsent-v2';
const MAX_TYPED_FIELDS = 20;
// The core reads at most this much of a body for typed text (leaks::MAX_BODY); copy no more.
const MAX_BODY_BYTES = 64 * 1024;
// Reports of tabs closed in this worker's life, kept in memory so findings a page sent as it
// closed (pagehide) still land in its history when they arrive after tabs.onRemoved.
const MAX_CLOSED_TABS = 16;

export function createRecorder({
  storage, core, cookieStore = null, flushDelayMs = 50, cookieDelaysMs = COOKIE_READ_DELAYS_MS, onError = console.error,
  onSaved = () => {}, onClosed = () => {}, now = Date.now,
}) {
  const store = createReportStore({ storage, core });
  let queue = [];
  // What the user typed, per tab: field -> value. In memory only, never stored; see typed().
  const typedValues = new Map();
  let timer = null;
  let chain = Promise.resolve();
  const cookieTimers = new Map();
  // tabId -> its last report, for tabs closed recently (see MAX_CLOSED_TABS); oldest first.
  const closedTabs = new Map();

  function enqueue(event) {
    queue.push(event);
    if (queue.length >= MAX_QUEUE) flush();
    else timer ??= setTimeout(flush, flushDelayMs);
  }

  function flush() {
    clearTimeout(timer);
    timer = null;
    const events = queue;
    queue = [];
    chain = chain.then(() => applyBatch(events)).catch((error) => onError('TrackLens: could not record requests', error));
    return chain;
  }

  /** Chains `task` after every batch queued so far. */
  function afterQueued(task, what) {
    flush();
    chain = chain.then(task).catch((error) => onError(`TrackLens: could not record ${what}`, error));
    return chain;
  }

  async function applyBatch(events) {
    // A closed tab's late request events belong to no page any more.
    events = events.filter((e) => !closedTabs.has(e.tabId));
    if (events.length === 0) return;
    const api = await core;
    const tabIds = [...new Set(events.map((e) => e.tabId))];
    const stored = await store.get(tabIds.map(tabKey));

    // Pass 1: the page each request belongs to. A navigation starts a new page for its tab.
    const pages = new Map(tabIds.map((id) => [id, stored[tabKey(id)]?.pageUrl]));
    const requests = [];
    for (const event of events.filter((e) => e.kind === 'request')) {
      if (event.type === 'main_frame') pages.set(event.tabId, event.url);
      // A tab seen for the first time mid-page (worker installed late): its initiator is the page.
      if (!pages.get(event.tabId)) pages.set(event.tabId, event.initiator ?? event.url);
      requests.push({ url: event.url, page_url: pages.get(event.tabId), resource_type: event.type });
    }
    const verdicts = requests.length ? api.engine.classifyBatch(requests) : [];

    // Pass 2: each tab's events for the core, in arrival order.
    const tabs = new Map(tabIds.map((id) => [id, { start: null, events: [] }]));
    let next = 0;
    for (const event of events) {
      const tab = tabs.get(event.tabId);
      if (event.kind === 'cookies') {
        tab.events.push({ kind: 'cookies', host: hostOf(event.url), sent: event.direction === 'sent', names: cookieNames(api, event) });
        continue;
      }
      if (event.kind === 'submitted') {
        for (const field of event.fields) typedValues.get(event.tabId)?.delete(field);
        continue;
      }
      if (event.kind === 'blocked') {
        tab.events.push({ kind: 'blocked', host: hostOf(event.url) });
        continue;
      }
      const verdict = verdicts[next];
      const page = { kind: 'page', url: requests[next].page_url, startedAt: now() };
      next += 1;
      if (event.type === 'main_frame') {
        typedValues.delete(event.tabId);
        tab.events.push(page);
      }
      tab.start ??= page;
      if (verdict.error) {
        tab.events.push({ kind: 'unclassified' });
        continue;
      }
      tab.events.push({ kind: 'request', url: event.url, verdict });
      if (verdict.party === 'third_party') tab.events.push(...leaks(api, event, verdict));
    }

    const updates = {};
    for (const [id, { start, events: tabEvents }] of tabs) {
      const report = api.applyPageEvents(stored[tabKey(id)] ?? null, tabEvents, start);
      if (report) updates[tabKey(id)] = report;
    }
    await onSaved(await store.save(updates));
  }

  /** Text the user typed on the tab's page found in a third-party request: leak events. */
  function leaks(api, event, verdict) {
    const typed = typedValues.get(event.tabId);
    if (!typed?.size) return [];
    const values = [...typed].map(([field, value]) => ({ field, value }));
    try {
      return api.findLeaks(values, event.url, event.body ?? new Uint8Array())
        .map((leak) => ({ kind: 'leak', field: leak.field, host: verdict.host, encoding: leak.encoding, location: leak.location }));
    } catch (error) {
      onError('TrackLens: could not check a request for typed text', error);
      return [];
    }
  }

  /**
   * Applies `events(report, api)` (core events built from the tab's stored report) and saves the
   * result. With `pageUrl`, only while the tab is still on that origin: a content script's message
   * from a page the tab has since left is ignored. A closed tab's report goes to onClosed.
   */
  async function recordEvents(tabId, pageUrl, events) {
    const api = await core;
    const key = tabKey(tabId);
    const closed = closedTabs.get(tabId);
    const stored = closed ?? (await store.get(key))[key];
    if (!stored?.pageUrl || (pageUrl !== null && originOf(stored.pageUrl) !== originOf(pageUrl))) return;
    const report = api.applyPageEvents(stored, events(stored, api), null);
    if (!report) return;
    if (closed) {
      closedTabs.set(tabId, report);
      await onClosed(report);
      return;
    }
    await onSaved(await store.save({ [key]: report }));
  }

  /** The cookies of the tab's page and of its third parties, classified, and its consent string. */
  async function cookieEvents(tabId) {
    if (!cookieStore) return;
    const key = tabKey(tabId);
    const stored = closedTabs.get(tabId) ?? (await store.get(key))[key];
    if (!stored?.pageUrl || !/^https?:/.test(stored.pageUrl)) return;
    const pageUrl = stored.pageUrl;
    const sites = (stored.thirdPartySites ?? []).filter((site) => site && site !== stored.site);
    // With the page's partition: Firefox keeps a third party's cookies there (platform.js).
    const reads = [{ url: pageUrl }, ...sites.map((domain) => ({ domain }))].flatMap((query) => pageCookieQueries(query, stored.site));
    const found = distinctCookies((await Promise.all(reads.map((query) => cookieStore.getAll(query).catch(() => [])))).flat());
    await recordEvents(tabId, pageUrl, (report, api) => {
      const entries = [];
      let consent = null;
      for (const cookie of found) {
        try {
          const entry = cookieEntry(cookie, api.classifyCookie(cookie, pageUrl));
          entries.push(entry);
          // The page's own consent string; a third party's would say nothing about this page.
          if (cookie.name === CONSENT_COOKIE && consent === null && !entry.thirdParty) consent = cookie.value;
        } catch (error) {
          onError('TrackLens: could not classify a cookie', error);
        }
      }
      return [{ kind: 'pageCookies', entries }, { kind: 'consentString', value: consent }];
    });
  }

  /**
   * The tab was closed: its cookies are read one last time (they outlive the tab), the final
   * report goes to onClosed (the history) and only then leaves storage.session. The report stays
   * in memory a while for findings the page sent as it closed that arrive after this.
   */
  async function closeTab(tabId) {
    const key = tabKey(tabId);
    await cookieEvents(tabId);
    const report = (await store.get(key))[key];
    if (report) {
      closedTabs.set(tabId, report);
      if (closedTabs.size > MAX_CLOSED_TABS) closedTabs.delete(closedTabs.keys().next().value);
      await onClosed(report);
    }
    await store.remove(key);
  }

  function pageLoaded(tabId) {
    for (const pending of cookieTimers.get(tabId) ?? []) clearTimeout(pending);
    const timers = cookieDelaysMs.map((delay) => setTimeout(() => afterQueued(() => cookieEvents(tabId), 'cookies'), delay));
    cookieTimers.set(tabId, timers);
  }

  return {
    request(details) {
      // The body matters only while the tab has typed text to look for; it stays in memory.
      const body = typedValues.get(details.tabId)?.size ? requestBodyBytes(details.requestBody) : undefined;
      enqueue({ kind: 'request', tabId: details.tabId, url: details.url, type: details.type, initiator: details.initiator, body });
    },
    /**
     * TrackLens' own rules stopped this request (webRequest reports net::ERR_BLOCKED_BY_CLIENT
     * after onBeforeRequest), so the page's report can say what was blocked, not just configured.
     */
    blocked(details) {
      enqueue({ kind: 'blocked', tabId: details.tabId, url: details.url });
    },
    /** The user typed `value` into `field` on the tab's page. Held in memory for this tab only. */
    typed(tabId, field, value) {
      const fields = typedValues.get(tabId) ?? new Map();
      if (fields.size < MAX_TYPED_FIELDS || fields.has(field)) fields.set(field, value);
      typedValues.set(tabId, fields);
    },
    /**
     * A form was submitted: its fields' values may now legitimately leave; forget them, but only
     * after the requests queued before the submit were checked, so a submit never erases a leak.
     */
    submitted(tabId, fields) {
      enqueue({ kind: 'submitted', tabId, fields });
    },
    /** The tab's probe saw scripts use fingerprinting APIs on `pageUrl` (`scripts`: [{script, ...usage}]). */
    fingerprinting(tabId, pageUrl, scripts) {
      return afterQueued(() => recordEvents(tabId, pageUrl, (report, api) => scripts.flatMap(({ script, ...usage }) => {
        try {
          return [{ kind: 'fingerprinting', script, host: hostOf(script), usage, verdict: api.scoreFingerprinting(usage) }];
        } catch (error) {
          onError('TrackLens: could not score fingerprinting', error);
          return [];
        }
      })), 'fingerprinting');
    },
    cookies(tabId, url, headerValues, direction) {
      if (headerValues.length) enqueue({ kind: 'cookies', tabId, url, headerValues, direction });
    },
    /** The tab was closed: its last findings are saved to the history, then its report dropped. */
    forget(tabId) {
      typedValues.delete(tabId);
      for (const pending of cookieTimers.get(tabId) ?? []) clearTimeout(pending);
      cookieTimers.delete(tabId);
      return afterQueued(() => closeTab(tabId), 'a closed tab');
    },
    /** The tab's page has finished loading: read its cookies shortly. */
    pageLoaded,
    /** The tab's content script listed the page's storage keys (`[{area, key, value}]`). */
    storage(tabId, pageUrl, found) {
      return afterQueued(() => recordEvents(tabId, pageUrl, (report, api) => {
        const entries = [];
        for (const { area, key: name, value } of found) {
          try {
            entries.push(storageEntry(area, name, api.classifyStorage(area, name, value, report.pageUrl)));
          } catch (error) {
            onError('TrackLens: could not classify a storage key', error);
          }
        }
        return [{ kind: 'storage', entries }];
      }), 'storage');
    },
    /** The tab's content script read what its page says it is about (core PageSignals shape). */
    pageSignals(tabId, pageUrl, signals) {
      return afterQueued(() => recordEvents(tabId, pageUrl, () => [{ kind: 'pageSignals', signals, source: 'page' }]), 'page signals');
    },
    flush,
    /**
     * Applies one core event (`{kind: 'gpc', sent}`, `{kind: 'declined', status, ...}`) to the
     * tab's report after every event queued before it (so a navigation's new report comes first).
     * Resolves when stored.
     */
    record(tabId, event) {
      return afterQueued(() => recordEvents(tabId, null, () => [event]), 'a report update');
    },
  };
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
    // In the page's own partition (platform.js pageCookieQueries): it cannot follow the visitor.
    partitioned: Boolean(cookie.partitionKey?.topLevelSite),
  };
}

/** A localStorage / sessionStorage key as a cookie entry (the area stands where a cookie's domain would). */
export function storageEntry(area, key, verdict) {
  return cookieEntry({ name: key, domain: `${area}Storage`, path: '' }, verdict);
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function cookieNames(api, event) {
  if (event.direction === 'sent') return event.headerValues.flatMap((value) => api.cookieNames(value));
  return event.headerValues.map((line) => api.setCookieName(line)).filter(Boolean);
}

/**
 * A request's body as bytes, from webRequest's `requestBody`: raw parts joined, or form fields
 * encoded as a query string would carry them. Bounded; undefined when there is none.
 */
export function requestBodyBytes(requestBody) {
  if (!requestBody) return undefined;
  if (requestBody.formData) {
    const form = new URLSearchParams();
    for (const [name, values] of Object.entries(requestBody.formData)) for (const value of values) form.append(name, value);
    return new TextEncoder().encode(form.toString().slice(0, MAX_BODY_BYTES));
  }
  const parts = (requestBody.raw ?? []).filter((part) => part.bytes).map((part) => new Uint8Array(part.bytes));
  const size = Math.min(MAX_BODY_BYTES, parts.reduce((n, part) => n + part.length, 0));
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    if (at >= size) break;
    bytes.set(part.subarray(0, size - at), at);
    at += Math.min(part.length, size - at);
  }
  return bytes;
}
