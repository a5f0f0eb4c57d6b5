// The worker's side of autoconsent (see extension/content/autoconsent.js): answers `init` with
// the configuration for the frame's site, runs the rules' main-world snippets, and records in the
// tab's report what banner was found and whether it was declined. In one-click mode the content
// script only reports the banner; `decline(tabId)` (from the popup) then asks it to opt out.
import { siteFor } from './protection.js';

// The frames' messages this handler takes; anything else is not autoconsent's.
export const AUTOCONSENT_MESSAGES = new Set([
  'init', 'eval', 'cmpDetected', 'popupFound', 'optOutResult', 'optInResult', 'selfTestResult',
  'autoconsentDone', 'autoconsentError', 'report', 'visualDelay',
]);

export function createConsentDecliner({ loadSettings, tabs, scripting, snippets, updateReport, onDeclined = () => {} }) {
  async function config(url) {
    const { settings } = await loadSettings();
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch { /* not a web page: disabled below */ }
    const site = siteFor(settings, host);
    const mode = site ? settings.sites[site].mode : 'protect';
    return {
      enabled: Boolean(host) && mode === 'protect',
      autoAction: settings.consent === 'auto' ? 'optOut' : null,
      disabledCmps: [],
      enablePrehide: settings.consent === 'auto',
      enableCosmeticRules: true,
      enableGeneratedRules: true,
      enableHeuristicDetection: false,
      detectRetries: 20,
      isMainWorld: false,
      prehideTimeout: 2000,
      logs: { lifecycle: false, rulesteps: false, detectionsteps: false, evals: false, errors: false, messages: false, waits: false },
    };
  }

  async function evaluate(tabId, frameId, snippetId) {
    const snippet = snippets[snippetId];
    if (typeof snippet !== 'function') return false;
    try {
      const [result] = await scripting.executeScript({ target: { tabId, frameIds: [frameId] }, world: 'MAIN', func: snippet });
      return result?.result ?? false;
    } catch {
      return false;
    }
  }

  // The core's `declined` event: the fields given replace the report's earlier ones.
  function record(tabId, change) {
    return updateReport(tabId, { kind: 'declined', ...change, at: Date.now() });
  }

  /** A message from autoconsent in one of a tab's frames. */
  async function handle(message, sender) {
    const tabId = sender.tab.id;
    const frameId = sender.frameId;
    const reply = (answer) => tabs.sendMessage(tabId, answer, { frameId }).catch(() => {});
    switch (message.type) {
      case 'init':
        // The tab's page decides, not the frame: a consent platform's iframe on a paused site is
        // left alone too.
        return reply({ type: 'initResp', config: await config(sender.tab.url || sender.url || ''), rules: null });
      case 'eval':
        return reply({ type: 'evalResp', id: message.id, result: await evaluate(tabId, frameId, message.snippetId) });
      case 'popupFound': {
        const { settings } = await loadSettings();
        return record(tabId, { cmp: String(message.cmp).slice(0, 80), status: 'found', frameId, auto: settings.consent === 'auto' });
      }
      case 'optOutResult':
        await record(tabId, { status: message.result ? 'declined' : 'failed' });
        // The platform wrote the visitor's choice: read the page's cookies (and consent string) again.
        if (message.result) onDeclined(tabId);
        return undefined;
      case 'optInResult':
        return record(tabId, { status: 'accepted' });
      default:
        return undefined;
    }
  }

  /** One-click decline from the popup: ask the frame where the banner was found to opt out. */
  async function decline(tabId, report) {
    if (!report?.declined || typeof report.declined.frameId !== 'number') return false;
    await record(tabId, { status: 'declining' });
    await tabs.sendMessage(tabId, { type: 'optOut' }, { frameId: report.declined.frameId });
    return true;
  }

  return { handle, decline };
}
