// Loads the Rust core (wasm) and the filter-list engine snapshot, both from the extension package
// itself: there is no remote code and no download. Start-up begins at import so the first request
// waits as little as possible.
import init, {
  TrackLens, classifyCookie, classifyStorage, stripTrackingParams, cookie_names as cookieNames, decodeConsent, set_cookie_name as setCookieName,
  readSettings, compileProtection, scoreFingerprinting, findLeaks, sentParams, treatmentOf, vocabulary, pageView,
  applyPageEvents, readPageReport, trimPageReport, planReportBudget, inferredProfile,
} from '../pkg/tracklens.js';

const wasmUrl = new URL('../pkg/tracklens_bg.wasm', import.meta.url);
const snapshotUrl = new URL('../pkg/engine.snapshot', import.meta.url);

async function loadEngine() {
  const started = performance.now();
  try {
    const response = await fetch(snapshotUrl);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const engine = TrackLens.fromSnapshot(new Uint8Array(await response.arrayBuffer()));
    return { engine, lists: engine.lists(), loadMs: performance.now() - started, warning: null };
  } catch (error) {
    // Still name companies and purposes from the knowledge base; say what is missing.
    return { engine: TrackLens.withoutLists(), lists: [], loadMs: 0, warning: `filter lists not loaded: ${error.message}` };
  }
}

/**
 * Resolves once the core is ready:
 * { engine, lists, loadMs, warning, cookieNames, setCookieName, classifyCookie, classifyStorage, stripTrackingParams, decodeConsent,
 *   readSettings, compileProtection, scoreFingerprinting, findLeaks, sentParams, treatmentOf, vocabulary, and the page
 *   report's applyPageEvents, readPageReport, trimPageReport, planReportBudget, pageView (the popup's words), and
 *   inferredProfile (the dashboard's "what advertisers could infer") }.
 * Rejects only if the wasm module itself cannot start.
 */
export const ready = init({ module_or_path: wasmUrl })
  .then(loadEngine)
  .then((loaded) => ({
    ...loaded, cookieNames, setCookieName, classifyCookie, classifyStorage, stripTrackingParams, decodeConsent,
    readSettings, compileProtection, scoreFingerprinting, findLeaks, sentParams, treatmentOf, vocabulary: vocabulary(),
    applyPageEvents, readPageReport, trimPageReport, planReportBudget, pageView, inferredProfile,
  }));
