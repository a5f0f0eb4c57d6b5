// The toolbar badge: how many tracking companies the tab's page talks to.
import { TAB_KEY_PREFIX } from '../shared/state-keys.js';
import { trackerCount } from '../shared/tab-report.js';

/** Sets each tab's badge from its saved report (`{ 'tab:<id>': report }`). */
export function showTrackerCount(reports) {
  for (const [key, report] of Object.entries(reports)) {
    const tabId = Number(key.slice(TAB_KEY_PREFIX.length));
    const count = trackerCount(report);
    chrome.action.setBadgeText({ tabId, text: count ? String(count) : '' }).catch(() => {});
    chrome.action.setBadgeBackgroundColor({ tabId, color: '#8a2411' }).catch(() => {});
  }
}
