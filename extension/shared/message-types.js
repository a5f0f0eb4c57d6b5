// The messages extension pages send the worker, defined once; the worker's router
// (background/messages.js) says who may send each. Content scripts run as classic scripts and
// cannot import this module: their five types (storage, fingerprint, typed, submitted, page signals) are
// written out in each script and must match the values here.
export const MSG = Object.freeze({
  // Extension pages only.
  SETTINGS_GET: 'tracklens/settings/get',
  SETTINGS_SAVE: 'tracklens/settings/save',
  SETTINGS_CHANGE: 'tracklens/settings/change',
  CONSENT_DECLINE: 'tracklens/consent/decline',
  COOKIES_DELETE: 'tracklens/cookies/delete',
  HISTORY_CLEAR: 'tracklens/clear-history',
  HISTORY_PRUNE: 'tracklens/prune-history',
  PROFILE_GET: 'tracklens/profile/get',
  PROFILE_FORGET: 'tracklens/profile/forget',
  // Content scripts, about their own tab.
  STORAGE: 'tracklens/storage',
  FINGERPRINT: 'tracklens/fingerprint',
  TYPED: 'tracklens/typed',
  SUBMITTED: 'tracklens/submitted',
  PAGE_SIGNALS: 'tracklens/page-signals',
});
