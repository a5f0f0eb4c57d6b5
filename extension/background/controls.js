// The control side of the worker: settings, blocking rules, GPC, cookie deletion and consent
// banners. Listeners are registered synchronously when startControls() runs at the worker's top
// level; their work waits on the core. Every settings change goes through this module (extension
// pages send MSG.SETTINGS_SAVE or MSG.SETTINGS_CHANGE through the router), so rules are applied
// one change at a time.
import { evalSnippets } from '../pkg/autoconsent-snippets.js';
import { PROBLEMS_KEY, PROTECTION_STATUS_KEY, TAB_KEY_PREFIX, tabKey } from '../shared/state-keys.js';
import { MSG } from '../shared/message-types.js';
import { applySettings } from './protection.js';
import { createCookieCleaner } from './cookie-cleaner.js';
import { AUTOCONSENT_MESSAGES, createConsentDecliner } from './consent-decline.js';
import { headerSpec } from '../shared/platform.js';

export const STATUS_KEY = PROTECTION_STATUS_KEY;

/**
 * Starts the controls over `store` (settings.js). Returns { loadSettings, saveSettings, apply,
 * rememberSubjects, routes }: `routes` are the messages it answers, for the worker's router (messages.js).
 */
export function startControls({ core, recorder, store, session = chrome.storage.session }) {
  const browser = { core, dnr: chrome.declarativeNetRequest, scripting: chrome.scripting };
  const loadSettings = () => store.load();

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
    return Object.entries(all).filter(([key, report]) => key.startsWith(TAB_KEY_PREFIX) && report?.site === site).map(([, report]) => report);
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

  // A save or an edit, then the rules for the result.
  async function saved(answer) {
    const result = await answer;
    if (!result.ok) return result;
    await session.set({ [PROBLEMS_KEY]: [] });
    return { ...result, applied: await apply(result.settings) };
  }
  const saveSettings = (candidate) => saved(store.save(candidate));
  const changeSettings = (edit) => saved(store.change(edit));

  /**
   * The settings, their reading problems and (given a tab) the core's plain-words view of the
   * tab's report under them (the popup's first screen and rows).
   */
  async function describeSettings({ tabId }) {
    const { settings, problems } = await loadSettings();
    const answer = { ok: true, settings, problems };
    if (Number.isInteger(tabId)) {
      const [api, report] = await Promise.all([core, tabReport(tabId)]);
      answer.view = report ? api.pageView(report, settings) : null;
    }
    return answer;
  }

  /**
   * The "sensitive pages" protection (crate/src/sensitive_pages.rs): each saved report whose
   * page the core found to be about a protected category gets its site recorded as about it,
   * and the rules then cover the site from its next request. Nothing is recorded for a
   * category the user does not protect.
   */
  async function rememberSubjects(reports) {
    const { settings } = await loadSettings();
    const protectedNames = new Set(Object.keys(settings.sensitivePages ?? {}));
    if (!protectedNames.size) return;
    for (const report of reports) {
      const known = new Set(settings.sites?.[report?.site]?.about ?? []);
      const categories = (report?.context?.categories ?? []).map((c) => c.name)
        .filter((name) => protectedNames.has(name) && !known.has(name));
      if (categories.length) await changeSettings({ kind: 'site-about', site: report.site, categories });
    }
  }

  async function deleteCookies(tabId, purposes, keep) {
    const report = await tabReport(tabId);
    if (!report?.site) return { ok: false, error: 'no page recorded in this tab' };
    const { vocabulary } = await core;
    const deletable = new Set(vocabulary.cookiePurposes.filter((p) => p.choosable).map((p) => p.name));
    const chosen = (Array.isArray(purposes) ? purposes : []).filter((p) => deletable.has(p));
    const deleted = await cleaner.deleteByPurpose(report.site, chosen, report.thirdPartySites ?? []);
    if (keep && chosen.length) await changeSettings({ kind: 'keep-deleted', site: report.site, purposes: chosen });
    recorder.pageLoaded(tabId);
    return { ok: true, deleted };
  }

  const routes = [
    { types: [MSG.SETTINGS_GET], from: 'extensionPage', handle: (m) => describeSettings(m) },
    { types: [MSG.SETTINGS_SAVE], from: 'extensionPage', handle: (m) => saveSettings(m.settings) },
    { types: [MSG.SETTINGS_CHANGE], from: 'extensionPage', handle: (m) => changeSettings(m.edit) },
    {
      types: [MSG.CONSENT_DECLINE],
      from: 'extensionPage',
      handle: (m) => tabReport(m.tabId).then((r) => decliner.decline(m.tabId, r)).then((ok) => ({ ok })),
    },
    { types: [MSG.COOKIES_DELETE], from: 'extensionPage', handle: (m) => deleteCookies(m.tabId, m.purposes, Boolean(m.keep)) },
    // The autoconsent library's own protocol, from its content script in any frame of a tab.
    {
      types: [...AUTOCONSENT_MESSAGES],
      from: 'tabContent',
      handle: (m, sender) => {
        decliner.handle(m, sender).catch((error) => console.error('TrackLens: consent banner', error));
      },
    },
  ];

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
  }, { urls: ['<all_urls>'], types: ['main_frame'] }, headerSpec(chrome.webRequest.OnSendHeadersOptions, ['requestHeaders']));

  return { loadSettings, saveSettings, apply, rememberSubjects, routes };
}
