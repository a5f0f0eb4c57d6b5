// Starts a browser, headless, with the built TrackLens extension loaded: the same package users
// install. Chromium's launch is here (shared by the end-to-end tests and the audit command);
// Firefox's is in firefox.mjs. Both give a browser object of one shape ({ name, context,
// extensionId, extensionBase, popupUrl, openExtensionUrl, sizePage, close }), so every helper
// below works on both: launch(name, options) picks one.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXTENSION_DIR = fileURLToPath(new URL('../../dist/chromium/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Settings for tests that only observe: protection paused on the demo's sites, so every tracker
 * loads and every banner waits for the visitor, as without TrackLens' controls.
 */
export const OBSERVE_ONLY = { version: 1, sites: { 'news.example': { mode: 'paused' }, 'shop.example': { mode: 'paused' } } };

/**
 * Launches Chromium with the extension. With `demo` (a running demo server), every host name
 * resolves to the demo's loopback ports, so the real tracker URLs of the demo page work offline.
 * With `settings`, they are saved (as the options page would) and in effect before it resolves.
 * With `profile` (a directory), that browser profile is used and kept on close, so a second launch
 * is a browser restart. Resolves to { context, worker, extensionId, close() }.
 */
export async function launchWithExtension({ demo, settings, profile: keptProfile } = {}) {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`no built extension in ${EXTENSION_DIR}: run scripts/build.sh first`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run scripts/setup.sh first`);
  const profile = keptProfile ?? mkdtempSync(join(tmpdir(), 'tracklens-profile-'));
  // Chromium blocks third-party cookies by default; TrackLens must see what a default
  // everyday browser (and most browsers in the world) would send, so allow them.
  mkdirSync(join(profile, 'Default'), { recursive: true });
  if (!existsSync(join(profile, 'Default', 'Preferences'))) {
    writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  }

  const args = [
    `--disable-extensions-except=${EXTENSION_DIR}`,
    `--load-extension=${EXTENSION_DIR}`,
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    // Without these, Chromium keeps calling Google services this offline machine cannot reach.
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ];
  if (demo) {
    args.push(
      `--host-resolver-rules=MAP *:80 127.0.0.1:${demo.httpPort}, MAP *:443 127.0.0.1:${demo.httpsPort}, EXCLUDE localhost`,
      '--ignore-certificate-errors',
    );
  }
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  // Wait for the explicit "core ready" signal rather than guessing with a delay.
  const status = await worker.evaluate(async () => {
    for (let i = 0; i < 200; i++) {
      const { coreStatus } = await chrome.storage.session.get('coreStatus');
      if (coreStatus) return coreStatus;
      await new Promise((r) => setTimeout(r, 25));
    }
    return { ok: false, error: 'no status after 5 s' };
  });
  if (!status.ok) {
    await context.close();
    throw new Error(`TrackLens core did not start: ${status.error}`);
  }
  const browser = {
    name: 'chromium',
    context,
    worker,
    extensionId,
    extensionBase: `chrome-extension://${extensionId}/`,
    popupUrl: (tabId) => `chrome-extension://${extensionId}/extension/popup/popup.html?tab=${tabId}`,
    openExtensionUrl: (page, url) => page.goto(url),
    async sizePage(page, { width, height, colorScheme }) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height });
    },
    async close() {
      await context.close();
      if (!keptProfile) rmSync(profile, { recursive: true, force: true });
    },
  };
  return started(browser, settings);
}

/** The browsers the extension is built and tested for. */
export const BROWSERS = ['chromium', 'firefox'];

/** Launches `name` (one of BROWSERS) with the extension; options as launchWithExtension's. */
export async function launch(name, options = {}) {
  if (name === 'chromium') return launchWithExtension(options);
  if (name === 'firefox') {
    const { launchFirefox } = await import('./firefox.mjs');
    return launchFirefox(options, (browser) => started(browser, options.settings));
  }
  throw new Error(`no launcher for ${name}: one of ${BROWSERS.join(', ')}`);
}

/** What every launch ends with: the core and the stored settings in effect, then `settings` saved. */
async function started(browser, settings) {
  try {
    const { ok, error } = await waitUntil(async () => (await readSession(browser, 'coreStatus')).coreStatus, 'the core to start');
    if (!ok) throw new Error(`TrackLens core did not start: ${error}`);
    await waitForProtection(browser);
    if (settings) await saveSettings(browser, settings);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return browser;
}

/** Waits until the worker has put the stored settings into effect (rules installed). */
export async function waitForProtection(browser, { timeoutMs = 10000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { protectionStatus } = await readSession(browser, 'protectionStatus');
    if (protectionStatus?.ok) return protectionStatus;
    if (protectionStatus && !protectionStatus.ok) throw new Error(`TrackLens could not apply its settings: ${protectionStatus.error}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('TrackLens did not apply its settings in time');
}

/** Saves settings through the worker, as the options page does. Resolves to its answer; throws if refused. */
export async function saveSettings(browser, settings, { mustSucceed = true } = {}) {
  await readSession(browser, []);
  const answer = await browser.statePage.evaluate((s) => chrome.runtime.sendMessage({ type: 'tracklens/settings/save', settings: s }), settings);
  if (mustSucceed && !answer?.ok) throw new Error(`settings refused: ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Reads chrome.storage.session through an extension page. Unlike a handle on the service worker,
 * this keeps working when the worker is stopped and restarted.
 */
export async function readSession(browser, keys = null) {
  // Opened once and then kept. Not re-checked through page.url(): Firefox's BiDi never reports a
  // navigation to an extension page, so its url() stays about:blank, and re-opening on every read
  // let an evaluation land in the half-loaded next copy, without `chrome` (a CI failure).
  if (!browser.statePage) {
    const page = await browser.context.newPage();
    await browser.openExtensionUrl(page, `${browser.extensionBase}extension/popup/popup.html?tab=-1`);
    browser.statePage = page;
  }
  try {
    return await browser.statePage.evaluate((k) => chrome.storage.session.get(k), keys);
  } catch (error) {
    throw new Error(`${error.message}; ${await whereIs(browser, browser.statePage)}`, { cause: error });
  }
}

/**
 * What a page that failed an evaluation shows, for the error: its address as the driver knows it
 * and as its document says, the document's title and state, and the browser's own log if kept.
 */
async function whereIs(browser, page) {
  const seen = await page
    .evaluate(() => JSON.stringify({ href: location.href, title: document.title, readyState: document.readyState, api: typeof chrome }))
    .catch((error) => `no document (${error.message})`);
  return `page ${page.url()}, document ${seen}${browser.logPath ? `, browser log ${browser.logPath}` : ''}`;
}

/**
 * Polls until `check(report)` holds for a tab's report and resolves to { tabId, report }. The tab is
 * `{ tabId }`, or `{ pageUrl }` for the most recently started page at that URL.
 */
export async function waitForReport(browser, { tabId, pageUrl }, check = () => true, { timeoutMs = 5000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    const all = await readSession(browser);
    const candidates = Object.entries(all)
      .filter(([key, report]) => key.startsWith('tab:') && (tabId === undefined ? report.pageUrl === pageUrl : key === `tab:${tabId}`))
      .map(([key, report]) => ({ tabId: Number(key.slice(4)), report }))
      .sort((a, b) => b.report.startedAt - a.report.startedAt);
    last = candidates[0] ?? last;
    if (last && check(last.report)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`TrackLens' report for ${tabId ?? pageUrl} did not arrive in time; last seen: ${JSON.stringify(last?.report ?? null).slice(0, 300)}`);
}

/**
 * Visits `url` in a new tab and waits for TrackLens' report of it. By default it waits until the
 * report has the page's first cookie reading (taken once the page has loaded), the signal that
 * the page's cookies, consent and trackers so far are in it. `waitForCookies: false` returns as
 * soon as the page has loaded and has a report, as a visitor closing the tab at once would.
 * Resolves to { page, tabId, report }.
 */
export async function visit(browser, url, { waitForCookies = true } = {}) {
  const page = await browser.context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const settled = waitForCookies ? (report) => report.cookieReadings >= 1 : () => true;
  return { page, ...(await waitForReport(browser, { pageUrl: page.url() }, settled)) };
}

/** Reads chrome.storage.local (the durable history and settings) through an extension page. */
export async function readLocal(browser, keys = null) {
  await readSession(browser, []); // opens the extension page readSession keeps
  return browser.statePage.evaluate((k) => chrome.storage.local.get(k), keys);
}

/**
 * Opens an extension page (`extension/dashboard/dashboard.html`, or the popup for a tab) and
 * waits for its explicit ready signal. Options: viewport width/height and colour scheme.
 */
export async function openExtensionPage(browser, path, { width = 400, height = 900, colorScheme = 'light' } = {}) {
  const page = await browser.context.newPage();
  await browser.sizePage(page, { width, height, colorScheme });
  await browser.openExtensionUrl(page, `${browser.extensionBase}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/**
 * Stops the extension's service worker through the DevTools protocol, as Chrome does when idle,
 * and resolves once that instance is gone. A page's next event may start a fresh worker at once,
 * under the same target id, so "gone" is: the target left the list, or a new instance has
 * written its own core status (`coreStatus.at`, set once per worker start).
 */
export async function stopWorker(browser, page, { timeoutMs = 10000 } = {}) {
  const startedAt = async () => (await readSession(browser, 'coreStatus')).coreStatus?.at ?? 0;
  const before = await startedAt();
  const cdp = await browser.context.newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.includes(browser.extensionId));
    if (!worker) throw new Error('the extension worker is not running');
    await cdp.send('Target.closeTarget', { targetId: worker.targetId });
    await waitUntil(async () => {
      const { targetInfos: left } = await cdp.send('Target.getTargets');
      return !left.some((t) => t.targetId === worker.targetId) || (await startedAt()) > before;
    }, 'the extension worker to stop', { timeoutMs });
  } finally {
    await cdp.detach();
  }
}

/**
 * Closes a page's tab and resolves once the worker has finished with it: its final report is in
 * the history (when history is on) and its `tab:` key is gone from storage.session.
 */
export async function closeTab(browser, page, tabId, { timeoutMs = 8000 } = {}) {
  await page.close();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(`tab:${tabId}` in (await readSession(browser, `tab:${tabId}`)))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`TrackLens still holds the report of closed tab ${tabId}`);
}

/**
 * Resolves with `check()`'s first truthy answer (it may be async), asked every 50 ms: for waiting
 * on an explicit signal such as a line in the demo server's log. Throws naming `what` after
 * `timeoutMs`.
 */
/**
 * Waits until the worker has applied the settings changed after `mark`: its protectionStatus is
 * written once the rules are installed, later than any page's sign that the change was saved (a
 * page redraws as soon as the stored settings change). Resolves to { settings, rules }.
 */
export async function settingsInEffect(browser, mark, { timeoutMs = 10000 } = {}) {
  return waitUntil(async () => {
    const { protectionStatus: status } = await readSession(browser, 'protectionStatus');
    if (!status?.ok || status.at < mark) return null;
    return browser.statePage.evaluate(async () => ({
      settings: (await chrome.storage.local.get('settings')).settings,
      rules: await chrome.declarativeNetRequest.getDynamicRules(),
    }));
  }, 'the worker applying the change', { timeoutMs });
}

export async function waitUntil(check, what, { timeoutMs = 10000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await check();
    if (answer) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
