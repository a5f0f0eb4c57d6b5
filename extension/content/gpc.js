// Global Privacy Control for page scripts: navigator.globalPrivacyControl is true, as the GPC
// specification says a browser sending `Sec-GPC: 1` must report. Runs in the page's own (MAIN)
// world at document_start, before any page script, and only where the user has not paused
// TrackLens (the worker registers it with those sites excluded).
(() => {
  const descriptor = { get: () => true, configurable: true, enumerable: true };
  try {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', descriptor);
  } catch {
    // A page cannot have redefined it this early; nothing else to do if the browser refuses.
  }
})();
