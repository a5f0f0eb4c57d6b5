// TrackLens service worker: observes every request and records what each page sends where;
// blocking itself is done by Chrome with the declarativeNetRequest rules controls.js installs. Listeners are registered synchronously at start-up, as Manifest V3 requires for a
// worker woken by an event; the work itself waits on the core's `ready` promise.
import { ready } from './core.js';
import { createRecorder } from './recorder.js';
import { startControls } from './controls.js';
import { createHistory } from './history.js';
import { showTrackerCount } from './badge.js';
import { createSettingsStore } from './settings.js';
import { createRouter } from './messages.js';
import { MSG } from '../shared/message-types.js';
import { CORE_STATUS_KEY } from '../shared/state-keys.js';
import { blockSignal, headerSpec, requestInitiator } from '../shared/platform.js';

const storage = chrome.storage.session;
// The one owner of the settings; the history reads its preferences from it.
const settings = createSettingsStore({ local: chrome.storage.local, core: ready });
const history = createHistory({ storage: chrome.storage.local, preferences: async () => (await settings.load()).settings });
const recorder = createRecorder({
  storage,
  core: ready,
  cookieStore: chrome.cookies,
  // Each saved tab report also feeds the site's durable history, the toolbar badge and the
  // "sensitive pages" protection's record of what sites are about.
  onSaved: (reports) => {
    showTrackerCount(reports);
    controls.rememberSubjects(Object.values(reports)).catch((error) => console.error('TrackLens: sensitive pages', error));
    return history.record(Object.values(reports));
  },
  // A closed tab's final report is written to the history at once, not after the debounce.
  onClosed: (report) => {
    history.record([report]);
    return history.flush();
  },
});
const ALL_URLS = { urls: ['<all_urls>'] };

// The popup shows this instead of an empty panel when the core could not start.
ready.then(
  ({ lists, loadMs, warning }) => storage.set({ [CORE_STATUS_KEY]: { ok: true, lists, loadMs, warning, at: Date.now() } }),
  (error) => storage.set({ [CORE_STATUS_KEY]: { ok: false, error: String(error?.message ?? error), at: Date.now() } }),
);

// Requests outside tabs (tabId -1: other extensions, the browser itself) belong to no page.
const inTab = (details) => details.tabId >= 0;

function headerValues(headers = [], name) {
  return headers.filter((h) => h.name.toLowerCase() === name && h.value).map((h) => h.value);
}

// 'requestBody' lets the recorder look for typed text in what a request sends (key logging).
chrome.webRequest.onBeforeRequest.addListener((details) => {
  if (inTab(details)) recorder.request(details);
}, ALL_URLS, ['requestBody']);

// 'extraHeaders' is what makes Chrome show Cookie and Set-Cookie to extensions (platform.js).
chrome.webRequest.onSendHeaders.addListener((details) => {
  if (inTab(details)) recorder.cookies(details.tabId, details.url, headerValues(details.requestHeaders, 'cookie'), 'sent');
}, ALL_URLS, headerSpec(chrome.webRequest.OnSendHeadersOptions, ['requestHeaders']));

chrome.webRequest.onHeadersReceived.addListener((details) => {
  if (inTab(details)) recorder.cookies(details.tabId, details.url, headerValues(details.responseHeaders, 'set-cookie'), 'set');
}, ALL_URLS, headerSpec(chrome.webRequest.OnHeadersReceivedOptions, ['responseHeaders']));

// A request our declarativeNetRequest rules blocked: it reached onBeforeRequest first, so the
// report already knows its company; this records that it never left the browser. Where a block
// is reported as a plain abort (Firefox), the core says whether our rules, from the settings
// they were compiled from, stop that request.
chrome.webRequest.onErrorOccurred.addListener((details) => {
  if (!inTab(details)) return;
  const signal = blockSignal(details.error);
  if (signal === 'blocked') recorder.blocked(details);
  if (signal === 'aborted') {
    Promise.all([ready, settings.load()])
      .then(([api, loaded]) => api.engine.blockedByOwnRules(loaded.settings, details.url, requestInitiator(details), details.type))
      .then((ours) => ours && recorder.blocked(details))
      .catch((error) => console.error('TrackLens: could not tell whether a request was blocked', error));
  }
}, ALL_URLS);

chrome.tabs.onRemoved.addListener((tabId) => recorder.forget(tabId));

// A page has loaded: classify the cookies it and its third parties hold. The tab id and status
// need no "tabs" permission; the page's URL comes from the tab's stored report.
chrome.tabs.onUpdated.addListener((tabId, changeInfo) => {
  if (changeInfo.status === 'complete') recorder.pageLoaded(tabId);
});

// Blocking, cookie stripping and deletion, GPC and consent banners, as the user's settings say.
const controls = startControls({ core: ready, recorder, store: settings, session: storage });
// Every message goes through one router: what each type does and who may send it (messages.js).
// Findings from our content scripts are always about the sender's own tab (sender.tab.id); the
// values are page-derived, so every field is checked and capped before use.
const AREAS = new Set(['local', 'session']);
const SIGNAL_TEXTS = ['url', 'title', 'description', 'keywords', 'ogTitle', 'ogDescription', 'text'];

/** The page signals a content script sent, with only the fields and types the core reads. */
function pageSignals(sent) {
  if (typeof sent !== 'object' || sent === null) return null;
  const strings = (list, max) => (Array.isArray(list) ? list.filter((s) => typeof s === 'string').slice(0, max) : []);
  const signals = Object.fromEntries(SIGNAL_TEXTS.map((k) => [k, typeof sent[k] === 'string' ? sent[k].slice(0, 20000) : '']));
  signals.headings = strings(sent.headings, 24);
  signals.schemaTypes = strings(sent.schemaTypes, 32);
  signals.skipped = Number.isSafeInteger(sent.skipped) && sent.skipped >= 0 ? sent.skipped : 0;
  return signals;
}
const routes = [
  ...controls.routes,
  {
    types: [MSG.STORAGE],
    from: 'tabTopFrame',
    handle: (message, sender) => {
      if (!Array.isArray(message.entries)) return;
      const entries = message.entries
        .filter((e) => AREAS.has(e?.area) && typeof e.key === 'string' && typeof e.value === 'string')
        .slice(0, 400);
      recorder.storage(sender.tab.id, sender.url, entries);
    },
  },
  {
    types: [MSG.FINGERPRINT],
    from: 'tabContent',
    handle: (message, sender) => {
      if (Array.isArray(message.scripts)) recorder.fingerprinting(sender.tab.id, sender.tab.url ?? sender.url, message.scripts.slice(0, 50));
    },
  },
  {
    types: [MSG.TYPED],
    from: 'tabContent',
    handle: (message, sender) => {
      if (typeof message.field === 'string' && typeof message.value === 'string') {
        recorder.typed(sender.tab.id, message.field.slice(0, 80), message.value.slice(0, 256));
      }
    },
  },
  {
    types: [MSG.SUBMITTED],
    from: 'tabContent',
    handle: (message, sender) => {
      if (Array.isArray(message.fields)) recorder.submitted(sender.tab.id, message.fields.filter((f) => typeof f === 'string').slice(0, 100));
    },
  },
  {
    // What the page says it is about (content/page-signals.js), for the core to decide on. The
    // core bounds every field again; here only the shape is checked.
    types: [MSG.PAGE_SIGNALS],
    from: 'tabTopFrame',
    handle: (message, sender) => {
      const signals = pageSignals(message.signals);
      if (signals) recorder.pageSignals(sender.tab.id, sender.url, signals);
    },
  },
  // Clearing and pruning go through the worker so they are chained with the history's writes.
  {
    types: [MSG.HISTORY_CLEAR],
    from: 'extensionPage',
    handle: (message) => history.clear(typeof message.site === 'string' ? message.site : null).then(() => ({ ok: true })),
  },
  { types: [MSG.HISTORY_PRUNE], from: 'extensionPage', handle: () => history.prune().then(() => ({ ok: true })) },
  // What advertisers could infer about you: the core's profile of the stored history, and
  // forgetting one category or topic of it (the history is the one writer of site records).
  {
    types: [MSG.PROFILE_GET],
    from: 'extensionPage',
    handle: async () => ({ ok: true, profile: (await ready).inferredProfile(await history.records()) }),
  },
  {
    types: [MSG.PROFILE_FORGET],
    from: 'extensionPage',
    handle: (message) => (typeof message.name === 'string'
      ? history.forgetInferred(message.name.slice(0, 100)).then(() => ({ ok: true }))
      : { ok: false, error: 'no category named' }),
  },
];
chrome.runtime.onMessage.addListener(createRouter(routes).listener);
