// One demo site and one browser with the extension for a whole test file: started before its
// first test, closed after its last. Tests read `session.demo` and `session.browser`.
import { before, after } from 'node:test';
import { startDemoServer } from '../demo/server.mjs';
import { launch } from './browser.mjs';

/** Requests Chromium makes on its own, which no extension can see (and tests must not blame on one). */
export const BROWSER_OWN = new Set(['accounts.google.com', 'update.googleapis.com', 'content-autofill.googleapis.com']);

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
