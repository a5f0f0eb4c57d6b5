// Isolated-world half of the fingerprinting probe: receives the page-world probe's counts and
// forwards them to the service worker. The page can dispatch the same event with anything in it,
// so the message is parsed defensively, checked field by field, and capped; it can make a page
// look worse than it is, never inject markup or grow the report without bound.
(() => {
  const EVENT = 'tracklens:fingerprint';
  const MAX_SCRIPTS = 50;
  const MAX_NAMES = 32;
  const MAX_COUNT = 1_000_000;

  const count = (n) => (Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_COUNT) : 0);
  const names = (list) => (Array.isArray(list) ? list.filter((n) => typeof n === 'string' && n.length <= 40).slice(0, MAX_NAMES) : []);

  function validScripts(detail) {
    let parsed;
    try {
      parsed = JSON.parse(typeof detail === 'string' ? detail.slice(0, 200_000) : '');
    } catch {
      return [];
    }
    if (!Array.isArray(parsed?.scripts)) return [];
    return parsed.scripts
      .filter((s) => typeof s?.script === 'string' && /^https?:\/\//.test(s.script) && s.script.length <= 2048)
      .slice(0, MAX_SCRIPTS)
      .map((s) => ({
        script: s.script, canvas_readback: count(s.canvas_readback), webgl_unmasked: count(s.webgl_unmasked), audio: count(s.audio),
        fonts: count(s.fonts), navigator: names(s.navigator), screen: names(s.screen),
      }));
  }

  // A page can fire the event in a loop: forward at most one message per interval. Counts are
  // cumulative per script, so the latest entry of each script is all that needs to travel.
  const INTERVAL_MS = 400;
  const pending = new Map();
  let cooling = false;

  function forward() {
    if (pending.size === 0) {
      cooling = false;
      return;
    }
    chrome.runtime.sendMessage({ type: 'tracklens/fingerprint', scripts: [...pending.values()] }).catch(() => {});
    pending.clear();
    cooling = true;
    setTimeout(forward, INTERVAL_MS);
  }

  // Once the page is going away (closed, navigated, hidden), nothing waits for the interval:
  // the worker keeps a closed tab's report for what arrives from its last moments.
  let leaving = false;
  const leave = () => {
    leaving = true;
    if (pending.size) forward();
  };
  window.addEventListener('pagehide', leave);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') leave();
    else leaving = false;
  });

  document.addEventListener(EVENT, (event) => {
    for (const entry of validScripts(event.detail)) {
      if (pending.has(entry.script) || pending.size < MAX_SCRIPTS) pending.set(entry.script, entry);
    }
    if (!cooling || leaving) forward();
  });
})();
