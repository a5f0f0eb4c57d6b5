// Where per-tab results live in chrome.storage.session. The service worker writes them; the popup
// and dashboard only read. One definition so the two sides cannot drift apart.
export const TAB_KEY_PREFIX = 'tab:';

export function tabKey(tabId) {
  return `${TAB_KEY_PREFIX}${tabId}`;
}
