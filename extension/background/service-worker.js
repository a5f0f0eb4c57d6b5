// TrackLens service worker: observes every request and records what each page sends where;
// blocking itself is done by Chrome with the declarativeNetRequest rules controls.js installs. Listeners are registered synchronously at start-up, as Manifest V3 requires for a
// worker woken by an event; the work itself waits on the core's `ready` promise.
import { ready } from './core.js';
import { createRecorder } from './recorder.js';
import { startControls } from './controls.js';
import { createHistory } from './history.js';
import { showTrackerCount } from './badge.js';

const storage = chrome.storage.session;
const history = createHistory({ storage: chrome.storage.local });
const recorder = createRecorder({
  storage,
  core: ready,
  cookieStore: chrome.cookies,
  // Each saved tab report also feeds the site's durable history and the toolbar badge.
  onSaved: (reports) => {
    showTrackerCount(reports);
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
  ({ lists, loadMs, warning }) => storage.set({ coreStatus: { ok: true, lists, loadMs, warning, at: Date.now() } }),
  (error) => storage.set({ coreStatus: { ok: false, error: String(error?.message ?? error), at: Date.now() } }),
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

// 'extraHeaders' is what makes Chrome show Cookie and Set-Cookie to extensions.
chrome.webRequest.onSendHeaders.addListener((details) => {
  if (inTab(details)) recorder.cookies(details.tabId, details.url, headerValues(details.requestHeaders, 'cookie'), 'sent');
}, ALL_URLS, ['requestHeaders', 'extraHeaders']);

chrome.webRequest.onHeadersReceived.addListener((details) => {
  if (inTab(details)) recorder.cookies(details.tabId, details.url, headerValues(details.responseHeaders, 'set-cookie'), 'set');
}, ALL_URLS, ['responseHeaders', 'extraHeaders']);

// A request our declarativeNetRequest rules blocked: it reached onBeforeRequest first, so the
// report already knows its company; this records that it never left the browser.
chrome.webRequest.onErrorOccurred.addListener((details) => {
  if (inTab(details) && details.error === 'net::ERR_BLOCKED_BY_CLIENT') recorder.blocked(details);
}, ALL_URLS);

chrome.tabs.onRemoved.addListener((tabId) => recorder.forget(tabId));

// A page has loaded: classify the cookies it and its third parties hold. The tab id and status
// need no "tabs" permission; the page's URL comes from the tab's stored report.
chrome.tabs.onUpdated.addListener((tabId, changeInfo) => {
  if (changeInfo.status === 'complete') recorder.pageLoaded(tabId);
});

// Storage keys from our own content script, in a tab's top frame. Anything else is ignored: the
// message type is allow-listed and the sender checked, as pages are hostile.
const AREAS = new Set(['local', 'session']);
chrome.runtime.onMessage.addListener((message, sender) => {
  if (sender.id !== chrome.runtime.id || !sender.tab || sender.frameId !== 0 || message?.type !== 'tracklens/storage') return;
  if (!Array.isArray(message.entries)) return;
  const entries = message.entries
    .filter((e) => AREAS.has(e?.area) && typeof e.key === 'string' && typeof e.value === 'string')
    .slice(0, 400);
  recorder.storage(sender.tab.id, sender.url, entries);
});

// Blocking, cookie stripping and deletion, GPC and consent banners, as the user's settings say.
startControls({ core: ready, recorder, session: storage });
// Fingerprinting counts and typed text from our own content scripts in a tab (top frames). The
// values are page-derived: the types are allow-listed and every field checked before use.
chrome.runtime.onMessage.addListener((message, sender) => {
  if (sender.id !== chrome.runtime.id || !sender.tab) return;
  const tabId = sender.tab.id;
  if (message?.type === 'tracklens/fingerprint' && Array.isArray(message.scripts)) {
    recorder.fingerprinting(tabId, sender.tab.url ?? sender.url, message.scripts.slice(0, 50));
  } else if (message?.type === 'tracklens/typed' && typeof message.field === 'string' && typeof message.value === 'string') {
    recorder.typed(tabId, message.field.slice(0, 80), message.value.slice(0, 256));
  } else if (message?.type === 'tracklens/submitted' && Array.isArray(message.fields)) {
    recorder.submitted(tabId, message.fields.filter((f) => typeof f === 'string').slice(0, 100));
  }
});

// The dashboard asks the worker to clear or prune the history, so that is chained with its writes.
chrome.runtime.onMessage.addListener((message, sender, respond) => {
  const fromDashboard = sender.url?.startsWith(chrome.runtime.getURL('extension/dashboard/'));
  if (sender.id !== chrome.runtime.id || !fromDashboard) return;
  if (message?.type === 'tracklens/clear-history') {
    history.clear(typeof message.site === 'string' ? message.site : null).then(() => respond({ ok: true }));
    return true;
  }
  if (message?.type === 'tracklens/prune-history') {
    history.prune().then(() => respond({ ok: true }));
    return true;
  }
});
