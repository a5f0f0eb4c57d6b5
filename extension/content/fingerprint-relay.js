// Isolated-world half of the fingerprinting probe: receives the page-world probe's counts and
// forwards them to the service worker.
//
// The page cannot forge them: at document_start, after the probe and before any page script,
// this relay hands the probe a node that is in no document, once (`HELLO`, see
// fingerprint-probe.js), and listens only on that node, which no page script can reach; events
// on the document or the window, under any name, are never heard. Nor can the page silence it:
// `document.open()` erases the listeners of the document, its nodes and the window (the isolated
// world's too), not those of a node in no document, and the relay's own listeners there come
// back through lasting-listeners.js. The counts are still parsed defensively,
// checked field by field and capped: the probe shares its world with the page, which can make its
// own calls look worse than they are, never inject markup or grow the report without bound.
(() => {
  const HELLO = 'tracklens:relay-hello';
  const MAX_SCRIPTS = 50;
  const MAX_NAMES = 32;
  const MAX_COUNT = 1_000_000;

  const CHANNEL_EVENT = 'tracklens:fingerprint';
  const channel = document.createTextNode('');

  const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const count = (n) => (Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_COUNT) : 0);
  // The probe sends a set of names as { name: true }.
  const names = (set) => (isObject(set) ? Object.keys(set).filter((n) => n.length <= 40 && set[n] === true).slice(0, MAX_NAMES) : []);

  function validScripts(detail) {
    let parsed;
    try {
      parsed = JSON.parse(typeof detail === 'string' ? detail.slice(0, 200_000) : '');
    } catch {
      return [];
    }
    if (!isObject(parsed?.scripts)) return [];
    return Object.entries(parsed.scripts)
      .filter(([script, use]) => /^https?:\/\//.test(script) && script.length <= 2048 && isObject(use))
      .slice(0, MAX_SCRIPTS)
      .map(([script, use]) => ({
        script, canvas_readback: count(use.canvas_readback), webgl_unmasked: count(use.webgl_unmasked), audio: count(use.audio),
        fonts: count(use.fonts), navigator: names(use.navigator), screen: names(use.screen),
      }));
  }

  // Forward at most one message per interval. Counts are cumulative per script, so the latest
  // entry of each script is all that needs to travel.
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
  tracklensListen(window, 'pagehide', leave);
  tracklensListen(document, 'visibilitychange', () => {
    if (document.visibilityState === 'hidden') leave();
    else leaving = false;
  });

  channel.addEventListener(CHANNEL_EVENT, (event) => {
    for (const entry of validScripts(event.detail)) {
      if (pending.has(entry.script) || pending.size < MAX_SCRIPTS) pending.set(entry.script, entry);
    }
    if (!cooling || leaving) forward();
  });
  // Synchronous: the probe, already listening, keeps this node before any page script can run.
  document.dispatchEvent(new MouseEvent(HELLO, { relatedTarget: channel }));
})();
