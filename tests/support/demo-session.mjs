// One demo site and one browser with the extension for a whole test file: started before its
// first test, closed after its last. Tests read `session.demo` and `session.browser`.
import { before, after } from 'node:test';
import { startDemoServer } from '../demo/server.mjs';
import { launch } from './browser.mjs';

/** Requests Chromium makes on its own, which no extension can see (and tests must not blame on one). */
export const BROWSER_OWN = new Set(['accounts.google.com', 'update.googleapis.com', 'content-autofill.googleapis.com']);

/** What the demo server received since `mark` for `hosts` (the browser's own requests aside). */
export function receivedSince(demo, mark, hosts) {
  return demo.requests.filter((r) => r.time >= mark && hosts.includes(r.host) && !BROWSER_OWN.has(r.host));
}

/**
 * The tracking companies whose report and the server log disagree on what reached them since
 * `mark`: `sent` (requests − blocked, as the report counts) against `logged` (what the server
 * received from the company's hosts). Empty when every block the report counts really happened.
 */
export function disagreements(demo, report, mark) {
  return Object.values(report.companies ?? {}).filter((c) => c.tracker)
    .map((c) => ({ name: c.name, sent: c.requests - c.blocked, logged: receivedSince(demo, mark, c.hosts).length }))
    .filter((c) => c.sent !== c.logged);
}

/**
 * `options` go to the launch (e.g. `{ settings: OBSERVE_ONLY }`); `browser` names the browser
 * (browser.mjs BROWSERS; Chromium unless said).
 */
export function demoSession({ browser: name = 'chromium', ...options } = {}) {
  const session = { demo: null, browser: null };
  before(async () => {
    session.demo = await startDemoServer();
    session.browser = await launch(name, { demo: session.demo, ...options });
  });
  after(async () => {
    await session.browser?.close();
    await session.demo?.close();
  });
  return session;
}
