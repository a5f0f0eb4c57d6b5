// The durable per-site history in chrome.storage.local, fed with the tab reports the recorder
// writes. Every update reads the site records back first (the service worker may have restarted
// since the last one) and writes are chained, so two never interleave. The user's settings decide
// whether anything is kept at all and for how long: `preferences()` resolves to the settings (as
// the core read them) with `historyEnabled` and `retentionDays`; the settings store owns them.
import {
  DAY_MS, SITE_KEY_PREFIX, forgetInferred, keysToPrune, mergeReport, reportSite, siteKey, siteRecords,
} from '../shared/history-model.js';
import { PRUNED_AT_KEY } from '../shared/state-keys.js';

// Reports of a loading page are saved every few tens of milliseconds; the history takes the
// latest of each tab at most this often (chrome.storage.local writes go to disk).
const DEBOUNCE_MS = 300;
// Pruning reads every record: at most once an hour is plenty for a retention counted in days.
const PRUNE_EVERY_MS = 3600 * 1000;

export function createHistory({ storage, preferences, now = Date.now, onError = console.error, debounceMs = DEBOUNCE_MS }) {
  let chain = Promise.resolve();
  // The latest report of each page (address and start time), waiting for the next write.
  let pending = new Map();
  let timer = null;

  function flush() {
    clearTimeout(timer);
    timer = null;
    const reports = [...pending.values()];
    pending = new Map();
    return serialise(() => record(reports));
  }

  function serialise(task) {
    chain = chain.then(task).catch((error) => onError('TrackLens: could not update the history', error));
    return chain;
  }

  const settings = () => preferences();

  async function record(reports) {
    const current = await settings();
    if (!current.historyEnabled) return;
    const bySite = new Map();
    for (const report of reports) {
      const site = reportSite(report);
      if (site) bySite.set(site, [...(bySite.get(site) ?? []), report]);
    }
    if (bySite.size === 0) return;
    const keys = [...bySite.keys()].map(siteKey);
    const stored = await storage.get([...keys, PRUNED_AT_KEY]);
    const at = now();
    const updates = {};
    for (const [site, siteReports] of bySite) {
      let merged = stored[siteKey(site)] ?? null;
      for (const report of siteReports) merged = mergeReport(merged, report, at);
      updates[siteKey(site)] = merged;
    }
    try {
      await storage.set(updates);
    } catch (error) {
      // Over the storage quota despite the size cap (other data grew): make room, then retry once.
      onError('TrackLens: history write failed, pruning', error);
      await prune(current, at);
      await storage.set(updates);
    }
    if (!(at - (stored[PRUNED_AT_KEY] ?? 0) < PRUNE_EVERY_MS)) await prune(current, at);
  }

  async function prune(current, at) {
    const all = await storage.get(null);
    const doomed = keysToPrune(siteRecords(all), current, at);
    if (doomed.length) await storage.remove(doomed);
    await storage.set({ [PRUNED_AT_KEY]: at });
  }

  return {
    /** Merges tab reports into their sites' records, when history is on (debounced). */
    record(reports) {
      for (const report of reports) pending.set(`${report.pageUrl}\u0000${report.startedAt}`, report);
      timer ??= setTimeout(flush, debounceMs);
    },
    /** Writes what is waiting now. */
    flush,
    /** Deletes records older than the retention setting now. */
    prune: () => serialise(async () => prune(await settings(), now())),
    /** Deletes every site record (all) or one site's; settings are kept. */
    clear: (site = null) => serialise(async () => {
      // Reports waiting to be written belong to the history being deleted.
      pending = new Map();
      const keys = site ? [siteKey(site)] : Object.keys(await storage.get(null)).filter((k) => k.startsWith(SITE_KEY_PREFIX));
      if (keys.length) await storage.remove(keys);
    }),
    /** The site records, as stored (for the core's inferred profile). */
    records: () => serialise(async () => siteRecords(await storage.get(null))),
    /** Removes the sensitive category or topic `name` from every visit's context (what waits is written first). */
    forgetInferred: (name) => flush().then(() => serialise(async () => {
      const updates = {};
      for (const record of siteRecords(await storage.get(null))) {
        const changed = forgetInferred(record, name);
        if (changed) updates[siteKey(record.site)] = changed;
      }
      if (Object.keys(updates).length) await storage.set(updates);
    })),
    retentionMs: async () => (await settings()).retentionDays * DAY_MS,
  };
}
