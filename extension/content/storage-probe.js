// Content script: lists the keys the page keeps in localStorage and sessionStorage, so the
// service worker can say what each is for. Values go only to our own worker, shortened, and are
// never stored; the page cannot see or change this script (isolated world).
(() => {
  const MAX_KEYS = 200;
  const MAX_VALUE = 256;

  function entries(area, storage) {
    const found = [];
    try {
      for (let i = 0; i < storage.length && found.length < MAX_KEYS; i++) {
        const key = storage.key(i);
        if (typeof key !== 'string') continue;
        found.push({ area, key: key.slice(0, 200), value: String(storage.getItem(key) ?? '').slice(0, MAX_VALUE) });
      }
    } catch {
      // Storage can be disabled or throw in sandboxed documents: nothing to report then.
    }
    return found;
  }

  function report() {
    const all = [...entries('local', window.localStorage), ...entries('session', window.sessionStorage)];
    chrome.runtime.sendMessage({ type: 'tracklens/storage', entries: all }).catch(() => {});
  }

  // Once when the page is idle, once more for what its scripts store a little later.
  // And as the page goes away, in case it is closed before the second look.
  report();
  setTimeout(report, 2000);
  window.addEventListener('pagehide', report);
})();
