// The control side of the worker: settings, blocking rules, GPC, cookie deletion and consent
// banners. Listeners are registered synchronously when startControls() runs at the worker's top
// level; their work waits on the core. Every settings change goes through this module (extension
// pages send 'tracklens/settings/save'), so rules are applied one change at a time.
import { evalSnippets } from '../pkg/autoconsent-snippets.js';
import { tabKey } from '../shared/state-keys.js';
import { createSettingsStore, PROBLEMS_KEY } from './settings.js';
import { applySettings } from './protection.js';
import { createCookieCleaner } from './cookie-cleaner.js';
import { AUTOCONSENT_MESSAGES, createConsentDecliner } from './consent-decline.js';

export const STATUS_KEY = 'protectionStatus';
const PURPOSES = new Set(['advertising', 'analytics', 'personalization', 'social', 'unknown', 'preferences', 'security']);

export function startControls({ core, recorder, session = chrome.storage.session }) {
  const store = createSettingsStore({ local: chrome.storage.local, core });
  const browser = { core, dnr: chrome.declarativeNetRequest, scripting: chrome.scripting };
  let cached = null;
  const loadSettings = () => (cached ??= store.load().catch((error) => {
    cached = null;
    throw error;
  }));

  // One application at a time: two overlapping rule diffs would add the same ids twice.
  let applying = Promise.resolve();
  function apply(settings) {
    const run = applying.then(async () => {
      try {
        const result = await applySettings(browser, settings);
        await session.set({ [STATUS_KEY]: { ok: true, ...result, at: Date.now() } });
        return result;
      } catch (error) {
        await session.set({ [STATUS_KEY]: { ok: false, error: String(error?.message ?? error), at: Date.now() } });
        throw error;
      }
    });
    applying = run.catch(() => {});
    return run;
  }

  // At every start (install, update, browser start, worker wake-up): the stored settings, or the
  // defaults on a new install, put into effect. Applying is idempotent, so repeating it is cheap.
  store.ensureStored().then(async ({ settings, problems }) => {
    cached = Promise.resolve({ settings, problems, stored: true });
    await session.set({ [PROBLEMS_KEY]: problems });
    await apply(settings);
  }).catch((error) => console.error('TrackLens: could not apply the settings', error));

  async function tabReport(tabId) {
    const key = tabKey(tabId);
    return (await session.get(key))[key] ?? null;
  }

  async function reportsForSite(site) {
    // Requests still queued in the recorder are applied first: a tracker's Set-Cookie can arrive
    // before the batch that records the tracker on the new page, which would hide it here.
    await recorder.flush();
    const all = await session.get(null);
    return Object.entries(all).filter(([key, report]) => key.startsWith('tab:') && report?.site === site).map(([, report]) => report);
  }

  const cleaner = createCookieCleaner({ cookieStore: chrome.cookies, core, loadSettings, reportsForSite });
  const decliner = createConsentDecliner({
    loadSettings,
    tabs: chrome.tabs,
    scripting: chrome.scripting,
    snippets: evalSnippets,
    updateReport: (tabId, event) => recorder.record(tabId, event),
    onDeclined: (tabId) => recorder.pageLoaded(tabId),
  });

  async function saveSettings(candidate) {
    const saved = await store.save(candidate);
    if (!saved.ok) return saved;
    cached = Promise.resolve({ settings: saved.settings, problems: [], stored: true });
    await session.set({ [PROBLEMS_KEY]: [] });
    return { ...saved, applied: await apply(saved.settings) };
  }

  async function deleteCookies(tabId, purposes, keep) {
    const report = await tabReport(tabId);
    if (!report?.site) return { ok: false, error: 'no page recorded in this tab' };
    const chosen = (Array.isArray(purposes) ? purposes : []).filter((p) => PURPOSES.has(p));
    const deleted = await cleaner.deleteByPurpose(report.site, chosen, report.thirdPartySites ?? []);
    if (keep && chosen.length) {
      const { settings } = await loadSettings();
      const next = structuredClone(settings);
      const site = (next.sites[report.site] ??= { mode: 'protect', categories: {}, companies: {}, domains: {}, deleteCookies: [] });
      site.deleteCookies = [...new Set([...(site.deleteCookies ?? []), ...chosen])];
      await saveSettings(next);
    }
    recorder.pageLoaded(tabId);
    return { ok: true, deleted };
  }

  // Extension pages (popup, options) only: a content script's sender URL is its web page.
  const fromExtensionPage = (sender) => sender.id === chrome.runtime.id && sender.url?.startsWith(chrome.runtime.getURL(''));
  const fromContentScript = (sender) => sender.id === chrome.runtime.id && sender.tab && !fromExtensionPage(sender);

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    const type = message?.type;
    let work = null;
    if (fromContentScript(sender) && AUTOCONSENT_MESSAGES.has(type)) {
      decliner.handle(message, sender).catch((error) => console.error('TrackLens: consent banner', error));
      return false;
    }
    if (!fromExtensionPage(sender)) return false;
    if (type === 'tracklens/settings/save') work = saveSettings(message.settings);
    else if (type === 'tracklens/consent/decline') work = tabReport(message.tabId).then((r) => decliner.decline(message.tabId, r)).then((ok) => ({ ok }));
    else if (type === 'tracklens/cookies/delete') work = deleteCookies(message.tabId, message.purposes, Boolean(message.keep));
    if (!work) return false;
    work.then(sendResponse, (error) => sendResponse({ ok: false, error: String(error?.message ?? error) }));
    return true;
  });

  chrome.cookies.onChanged.addListener((change) => {
    loadSettings().then(({ settings }) => {
      const keeping = Object.values(settings.sites ?? {}).some((s) => s.deleteCookies?.length);
      if (keeping) cleaner.changed(change);
    }).catch(() => {});
  });

  // Whether the page's own request carried Sec-GPC (DNR adds it before the request is sent).
  chrome.webRequest.onSendHeaders.addListener((details) => {
    if (details.tabId < 0) return;
    const gpc = (details.requestHeaders ?? []).some((h) => h.name.toLowerCase() === 'sec-gpc' && h.value === '1');
    recorder.record(details.tabId, { kind: 'gpc', sent: gpc });
  }, { urls: ['<all_urls>'], types: ['main_frame'] }, ['requestHeaders', 'extraHeaders']);

  return { loadSettings, saveSettings, apply };
}
