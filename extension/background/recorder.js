// Turns browser request events into per-tab reports in chrome.storage.session.
//
// Events are queued and applied in batches: one wasm call classifies a whole batch, and one
// storage read and write covers every tab it touches. Each batch reads the stored reports back
// before updating them, because the service worker may have been stopped and restarted since the
// last one; batches are chained so two never interleave.
//
// When a page has loaded, the cookies it and its third parties hold are read from the browser's
// cookie store, classified, and stored in its report (names and verdicts only, never values),
// with the IAB consent string (euconsent-v2) decoded. That step is chained like the batches.
import { tabKey } from '../shared/state-keys.js';
import {
  addBlocked, addCookies, addLeak, addSentParams, addVerdict, consentEntry, cookieEntry, cookieSitesToRead, ignoredRefusal, newReport, setCookies,
  setFingerprinting, setStorage, storageEntry, trackingParamEntries,
} from '../shared/tab-report.js';

const MAX_QUEUE = 500;
// After a page's load: once soon, once more for cookies its scripts set a little later.
const COOKIE_READ_DELAYS_MS = [300, 3000];
const CONSENT_COOKIE = 'euconsent-v2';
const MAX_TYPED_FIELDS = 20;
// The core reads at most this much of a body for typed text (leaks::MAX_BODY); copy no more.
const MAX_BODY_BYTES = 64 * 1024;

export function createRecorder({
  storage, core, cookieStore = null, flushDelayMs = 50, cookieDelaysMs = COOKIE_READ_DELAYS_MS, onError = console.error,
  onSaved = () => {},
}) {
  let queue = [];
  // What the user typed, per tab: field -> value. In memory only, never stored; see typed().
  const typedValues = new Map();
  let timer = null;
  let chain = Promise.resolve();
  const cookieTimers = new Map();

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
    chain = chain.then(() => apply(events)).catch((error) => onError('TrackLens: could not record requests', error));
    return chain;
  }

  async function apply(events) {
    if (events.length === 0) return;
    const api = await core;
    const tabIds = [...new Set(events.map((e) => e.tabId))];
    const stored = await storage.get(tabIds.map(tabKey));
    const reports = new Map(tabIds.map((id) => [id, stored[tabKey(id)] ?? null]));

    // Pass 1: the page each request belongs to. A navigation starts a new page for its tab.
    const pages = new Map([...reports].map(([id, report]) => [id, report?.pageUrl]));
    const requests = [];
    for (const event of events.filter((e) => e.kind === 'request')) {
      if (event.type === 'main_frame') pages.set(event.tabId, event.url);
      // A tab seen for the first time mid-page (worker installed late): its initiator is the page.
      if (!pages.get(event.tabId)) pages.set(event.tabId, event.initiator ?? event.url);
      requests.push({ url: event.url, page_url: pages.get(event.tabId), resource_type: event.type });
    }
    const verdicts = requests.length ? api.engine.classifyBatch(requests) : [];

    // Pass 2: apply verdicts and cookie events in arrival order.
    let next = 0;
    const removed = [];
    for (const event of events) {
      if (event.type === 'main_frame') typedValues.delete(event.tabId);
      if (event.kind === 'forget') {
        reports.set(event.tabId, null);
        removed.push(tabKey(event.tabId));
        continue;
      }
      if (event.kind === 'cookies') {
        const report = reports.get(event.tabId);
        if (report) addCookies(report, hostOf(event.url), cookieNames(api, event), event.direction);
        continue;
      }
      if (event.kind === 'submitted') {
        for (const field of event.fields) typedValues.get(event.tabId)?.delete(field);
        continue;
      }
      if (event.kind === 'blocked') {
        const report = reports.get(event.tabId);
        if (report) addBlocked(report, hostOf(event.url));
        continue;
      }
      const verdict = verdicts[next];
      const page = requests[next].page_url;
      next += 1;
      let report = reports.get(event.tabId);
      if (event.type === 'main_frame' || !report) {
        report = newReport(page, verdict.error ? null : verdict);
        report.trackingParams = trackingParams(api, page);
        reports.set(event.tabId, report);
      }
      if (verdict.error) report.errors += 1;
      else {
        addVerdict(report, verdict);
        if (verdict.party === 'third_party') observeThirdParty(api, report, event, verdict);
      }
    }

    const updates = {};
    for (const [id, report] of reports) if (report) updates[tabKey(id)] = report;
    if (removed.length) await storage.remove(removed);
    await storage.set(updates);
    await onSaved(updates);
  }

  /** What a third-party request carried: named parameters, and any text the user typed. */
  function observeThirdParty(api, report, event, verdict) {
    if (verdict.entity) {
      try {
        addSentParams(report, verdict.entity.name, api.sentParams(event.url));
      } catch (error) {
        onError('TrackLens: could not read request parameters', error);
      }
    }
    const typed = typedValues.get(event.tabId);
    if (!typed?.size) return;
    const values = [...typed].map(([field, value]) => ({ field, value }));
    try {
      for (const leak of api.findLeaks(values, event.url, event.body ?? new Uint8Array())) {
        addLeak(report, { field: leak.field, host: verdict.host, encoding: leak.encoding, location: leak.location });
      }
    } catch (error) {
      onError('TrackLens: could not check a request for typed text', error);
    }
  }

  /** Classifies the cookies of a tab's current page into its stored report. */
  async function readCookies(tabId) {
    if (!cookieStore) return;
    const api = await core;
    const key = tabKey(tabId);
    const report = (await storage.get(key))[key];
    if (!report?.pageUrl || !/^https?:/.test(report.pageUrl)) return;
    const pageUrl = report.pageUrl;
    const reads = [{ url: pageUrl }, ...cookieSitesToRead(report).map((domain) => ({ domain }))];
    const found = await Promise.all(reads.map((query) => cookieStore.getAll(query).catch(() => [])));
    const entries = [];
    let consent = null;
    for (const cookie of found.flat()) {
      let entry;
      try {
        entry = cookieEntry(cookie, api.classifyCookie(cookie, pageUrl));
      } catch (error) {
        onError('TrackLens: could not classify a cookie', error);
        continue;
      }
      entries.push(entry);
      // The page's own consent string; a third party's would say nothing about this page.
      if (cookie.name === CONSENT_COOKIE && !consent && !entry.thirdParty) {
        try {
          consent = consentEntry(api.decodeConsent(cookie.value));
        } catch (error) {
          consent = consentEntry(null, String(error?.message ?? error));
        }
      }
    }
    setCookies(report, entries);
    report.consent = consent;
    report.ignoredRefusal = ignoredRefusal(report);
    await storage.set({ [key]: report });
    await onSaved({ [key]: report });
  }

  /**
   * Applies `update(report, api)` to the tab's stored report and saves it, if the tab is still on
   * `pageUrl`'s origin: a content script's message from a page the tab has since left is ignored.
   */
  async function updatePage(tabId, pageUrl, update) {
    const api = await core;
    const key = tabKey(tabId);
    const report = (await storage.get(key))[key];
    if (!report?.pageUrl || originOf(report.pageUrl) !== originOf(pageUrl)) return;
    update(report, api);
    await storage.set({ [key]: report });
    await onSaved({ [key]: report });
  }

  /** Classifies the storage keys the tab's content script found on its page. */
  function readStorage(report, api, found) {
    const entries = [];
    for (const { area, key: name, value } of found) {
      try {
        entries.push(storageEntry(area, name, api.classifyStorage(area, name, value, report.pageUrl)));
      } catch (error) {
        onError('TrackLens: could not classify a storage key', error);
      }
    }
    setStorage(report, entries);
  }

  /** Scores the fingerprinting the tab's probe saw (`scripts`: [{script, ...usage}]). */
  function readFingerprinting(report, api, scripts) {
    for (const { script, ...usage } of scripts) {
      try {
        setFingerprinting(report, script, hostOf(script), usage, api.scoreFingerprinting(usage));
      } catch (error) {
        onError('TrackLens: could not score fingerprinting', error);
      }
    }
  }

  /** Queues a content script's findings after the pending requests, like every other update. */
  function afterRequests(tabId, pageUrl, read, found, what) {
    flush();
    chain = chain.then(() => updatePage(tabId, pageUrl, (report, api) => read(report, api, found)))
      .catch((error) => onError(`TrackLens: could not record ${what}`, error));
  }

  function pageLoaded(tabId) {
    for (const pending of cookieTimers.get(tabId) ?? []) clearTimeout(pending);
    const timers = cookieDelaysMs.map((delay) =>
      setTimeout(() => {
        flush();
        chain = chain.then(() => readCookies(tabId)).catch((error) => onError('TrackLens: could not read cookies', error));
      }, delay));
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
    /** The tab's probe saw scripts use fingerprinting APIs on `pageUrl`. */
    fingerprinting(tabId, pageUrl, scripts) {
      afterRequests(tabId, pageUrl, readFingerprinting, scripts, 'fingerprinting');
    },
    cookies(tabId, url, headerValues, direction) {
      if (headerValues.length) enqueue({ kind: 'cookies', tabId, url, headerValues, direction });
    },
    forget(tabId) {
      typedValues.delete(tabId);
      for (const pending of cookieTimers.get(tabId) ?? []) clearTimeout(pending);
      cookieTimers.delete(tabId);
      enqueue({ kind: 'forget', tabId });
    },
    /** The tab's page has finished loading: read its cookies shortly. */
    pageLoaded,
    /** The tab's content script listed the page's storage keys (`[{area, key, value}]`). */
    storage(tabId, pageUrl, found) {
      afterRequests(tabId, pageUrl, readStorage, found, 'storage');
    },
    flush,
    /**
     * Changes the tab's stored report with `mutate(report)` after every event queued before it
     * (so a navigation's new report comes first), chained like the batches. Resolves when stored.
     */
    update(tabId, mutate) {
      flush();
      chain = chain.then(async () => {
        const key = tabKey(tabId);
        const report = (await storage.get(key))[key];
        if (!report) return;
        mutate(report);
        report.ignoredRefusal = ignoredRefusal(report);
        await storage.set({ [key]: report });
        await onSaved({ [key]: report });
      }).catch((error) => onError('TrackLens: could not update a report', error));
      return chain;
    },
  };
}

/** Link decoration in the page's own address (gclid, fbclid, utm_*…): names and why, no values. */
function trackingParams(api, url) {
  try {
    return trackingParamEntries(api.stripTrackingParams(url));
  } catch {
    return [];
  }
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
