// The Firefox implementation of the browser launch (tests/support/browser.mjs has Chromium's and
// the helpers both share): Debian's firefox-esr, headless, driven by puppeteer-core over WebDriver
// BiDi, with the built Firefox package installed as a temporary add-on, as a user would from
// about:debugging. The browser object has the same shape as Chromium's, so the shared helpers
// (readSession, readLocal, waitForReport, openExtensionPage, visit) work on both.
import puppeteer from 'puppeteer-core';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoProxy } from './demo-proxy.mjs';
import { readSession, waitUntil } from './browser.mjs';

export const FIREFOX_EXTENSION_DIR = fileURLToPath(new URL('../../dist/firefox/', import.meta.url));
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const GECKO_ID = 'tracklens@tracklens-project';

/**
 * Launches Firefox with the extension; options and answer as Chromium's launchWithExtension
 * (`demo`: every host reaches the demo, through a local proxy since Firefox has no
 * --host-resolver-rules; the demo's self-signed certificate is accepted through WebDriver's
 * acceptInsecureCerts). The extension's internal UUID is fixed by a preference so its pages
 * have a known address. `finish(browser)` runs the shared start-up checks (browser.mjs).
 */
export async function launchFirefox({ demo } = {}, finish) {
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`no built extension in ${FIREFOX_EXTENSION_DIR}: run scripts/build.sh first`);
  }
  if (!existsSync(FIREFOX)) throw new Error(`no Firefox at ${FIREFOX}: run scripts/setup.sh first`);
  const proxy = demo ? await startDemoProxy(demo) : null;
  const profile = mkdtempSync(join(tmpdir(), 'tracklens-firefox-'));
  const uuid = randomUUID();
  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
    // Third-party cookies as a default Firefox keeps them: partitioned per top-level site.
    'network.cookie.cookieBehavior': 5,
  };
  if (proxy) {
    Object.assign(prefs, {
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': proxy.port,
      'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': proxy.port,
      'network.proxy.no_proxies_on': '', 'network.proxy.allow_hijacking_localhost': true,
    });
  }
  const driver = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, acceptInsecureCerts: true, userDataDir: profile,
    // WebDriver BiDi refuses to navigate to moz-extension: pages without it.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: prefs,
  });
  try {
    const extensionId = await driver.installExtension(FIREFOX_EXTENSION_DIR);
    if (extensionId !== GECKO_ID) throw new Error(`installed ${extensionId}, expected ${GECKO_ID}`);
  } catch (error) {
    await driver.close();
    throw error;
  }
  // Firefox's own messages (extension errors, scripts it stopped) go to a file the errors name.
  const logPath = join(tmpdir(), `tracklens-firefox-${process.pid}-${uuid.slice(0, 8)}.log`);
  driver.process()?.stderr?.pipe(createWriteStream(logPath));
  const base = `moz-extension://${uuid}/`;
  const browser = {
    name: 'firefox',
    driver,
    context: { newPage: () => driver.newPage() },
    extensionId: uuid,
    extensionBase: base,
    logPath,
    popupUrl: (tabId) => `${base}extension/popup/popup.html?tab=${tabId}`,
    /**
     * Opens an extension page in a new `page`. BiDi's navigation to an extension page never
     * reports its load (page.url() stays about:blank), so this waits for the page's own document
     * instead, and for its extension API. A page already at `url` would pass this wait at once,
     * before its next copy loads: call it on fresh pages only.
     */
    async openExtensionUrl(page, url) {
      page.goto(url).catch(() => {}); // settles late (timeout, detached frame); the wait below is the signal
      await page.waitForFunction((u) => location.href === u && document.readyState === 'complete' && typeof chrome === 'object' && !!chrome.storage, {}, url);
    },
    async sizePage(page, { width, height, colorScheme }) {
      await page.setViewport({ width, height });
      // Firefox's BiDi has no media emulation; its headless pages are light.
      if (colorScheme !== 'light') throw new Error(`colour scheme ${colorScheme} cannot be emulated in Firefox`);
    },
    async close() {
      await driver.close();
      await proxy?.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return finish(browser);
}

/**
 * Restarts the extension's background page in Firefox: the add-on is reloaded (runtime.reload,
 * what about:debugging's Reload does), which ends the event page and the extension's pages and
 * starts a fresh background. Resolves once the new one has reported its core ready (a new
 * coreStatus in storage.session, which the reload empties).
 */
export async function restartBackground(browser) {
  const { coreStatus: before } = await readSession(browser, 'coreStatus');
  // Asked for later, so the evaluation returns before the page it runs in goes away.
  await browser.statePage.evaluate(() => { setTimeout(() => chrome.runtime.reload(), 0); });
  return waitUntil(async () => {
    try {
      const { coreStatus } = await readSession(browser, 'coreStatus');
      return coreStatus && coreStatus.at !== before.at ? coreStatus : null;
    } catch {
      browser.statePage = undefined; // the old add-on's page: its extension context is gone
      return null;
    }
  }, 'the restarted background to report its core');
}
