// Turns browser request events into per-tab reports in chrome.storage.session.
//
// Events are queued and applied in batches: one wasm call classifies a whole batch, and one
// storage read and write covers every tab it touches. Each batch reads the stored reports back
// before updating them, because the service worker may have been stopped and restarted since the
// last one; batches are chained so two never interleave.
import { tabKey } from '../shared/state-keys.js';
import { addCookies, addVerdict, newReport } from '../shared/tab-report.js';

const MAX_QUEUE = 500;

export function createRecorder({ storage, core, flushDelayMs = 50, onError = console.error }) {
  let queue = [];
  let timer = null;
  let chain = Promise.resolve();

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
      const verdict = verdicts[next];
      const page = requests[next].page_url;
      next += 1;
      let report = reports.get(event.tabId);
      if (event.type === 'main_frame' || !report) {
        report = newReport(page, verdict.error ? null : verdict);
        reports.set(event.tabId, report);
      }
      if (verdict.error) report.errors += 1;
      else addVerdict(report, verdict);
    }

    const updates = {};
    for (const [id, report] of reports) if (report) updates[tabKey(id)] = report;
    if (removed.length) await storage.remove(removed);
    await storage.set(updates);
  }

  return {
    request(details) {
      enqueue({ kind: 'request', tabId: details.tabId, url: details.url, type: details.type, initiator: details.initiator });
    },
    cookies(tabId, url, headerValues, direction) {
      if (headerValues.length) enqueue({ kind: 'cookies', tabId, url, headerValues, direction });
    },
    forget(tabId) {
      enqueue({ kind: 'forget', tabId });
    },
    flush,
  };
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
