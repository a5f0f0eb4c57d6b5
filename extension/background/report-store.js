// The tab reports in chrome.storage.session, kept within one budget for every tab together.
//
// storage.session holds 10 MB for the whole extension, and a write past it fails for every tab.
// The core bounds each report and decides what to give up (report::budget): a report over one
// tab's share is trimmed, and when a write would take all reports past the session budget, the
// other tabs' reports are trimmed, oldest page first, then largest. A trimmed report says so
// (`omitted.trimmedForSpace`), and the popup tells the user. The sizes of the stored reports are
// kept in memory, read back once after the worker (re)starts.
import { TAB_KEY_PREFIX } from '../shared/state-keys.js';

const encoder = new TextEncoder();
const bytesOf = (value) => encoder.encode(JSON.stringify(value)).length;

export function createReportStore({ storage, core }) {
  // key -> { bytes, startedAt } of every stored tab report; null until read back.
  let sizes = null;

  async function known() {
    if (sizes) return sizes;
    const all = await storage.get(null);
    sizes = new Map();
    for (const [key, report] of Object.entries(all)) {
      if (key.startsWith(TAB_KEY_PREFIX) && report) sizes.set(key, { bytes: bytesOf(report), startedAt: report.startedAt ?? 0 });
    }
    return sizes;
  }

  return {
    get: (keys) => storage.get(keys),

    /** Saves `{ 'tab:<id>': report }` within the budget; resolves to what was written (with any reports trimmed). */
    async save(updates) {
      const api = await core;
      const stored = await known();
      const { tabBytes, trimmedBytes } = api.planReportBudget([], [], 0);
      const written = { ...updates };
      const incoming = new Map();
      for (const [key, report] of Object.entries(written)) {
        let bytes = bytesOf(report);
        if (bytes > tabBytes) {
          written[key] = api.trimPageReport(report, tabBytes);
          bytes = bytesOf(written[key]);
        }
        incoming.set(key, bytes);
      }
      const others = [...stored].filter(([key]) => !incoming.has(key)).map(([key, s]) => ({ key, bytes: s.bytes, startedAt: s.startedAt }));
      const total = [...incoming.values()].reduce((a, b) => a + b, 0);
      const { trim } = api.planReportBudget(others, [], total);
      if (trim.length) {
        const old = await storage.get(trim);
        const unreadable = [];
        for (const key of trim) {
          if (!old[key]) continue;
          try {
            written[key] = api.trimPageReport(old[key], trimmedBytes);
            incoming.set(key, bytesOf(written[key]));
          } catch {
            unreadable.push(key); // not a report this version can read: it goes
          }
        }
        if (unreadable.length) await storage.remove(unreadable);
        for (const key of unreadable) stored.delete(key);
      }
      await storage.set(written);
      for (const [key, bytes] of incoming) stored.set(key, { bytes, startedAt: written[key].startedAt ?? 0 });
      return written;
    },

    async remove(key) {
      await storage.remove(key);
      sizes?.delete(key);
    },
  };
}
