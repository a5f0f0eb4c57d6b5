// End to end in headless Firefox (firefox-esr over WebDriver BiDi) with the built Firefox package,
// on the demo news site: what the background page recorded, what the popup shows. Written for
// every browser in the list: adding 'chromium' runs the same checks there.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_URL } from '../demo/server.mjs';
import { OBSERVE_ONLY, openExtensionPage, readSession, visit, waitForReport } from '../support/browser.mjs';
import { demoSession } from '../support/demo-session.mjs';

// What the demo page embeds, and what TrackLens must say about each company.
const EXPECTED = {
  Google: ['advertising', 'analytics', 'tag_manager'],
  Meta: ['advertising'],
  Hotjar: ['session_replay'],
  Optimizely: ['personalization'],
  X: ['social'],
  Fingerprint: ['fingerprinting'],
  OneTrust: ['consent'],
  Cloudflare: ['cdn'],
  jsDelivr: ['cdn'],
};
const TRACKERS = ['Google', 'Meta', 'Hotjar', 'Optimizely', 'X', 'Fingerprint'];

for (const name of ['firefox']) {
  describe(`on ${name}, observing the demo news page`, () => {
    const session = demoSession({ browser: name, settings: OBSERVE_ONLY });
    let visited;
    // One visit for the whole file: done when every company's request, Hotjar's recording (sent
    // after its script, so Hotjar is in the report before it) and the cookies are in.
    const visitOnce = async () => {
      visited ??= (async () => {
        const { page, tabId } = await visit(session.browser, DEMO_URL, { waitForCookies: false });
        const { report } = await waitForReport(session.browser, { tabId }, (r) =>
          Object.keys(EXPECTED).every((c) => r.companies[c]) && r.companies.Hotjar.hosts.includes('in.hotjar.com')
          && r.cookies?.some((c) => c.name === '_ga') && r.cookies.some((c) => c.name === 'IDE'), { timeoutMs: 10000 });
        return { page, tabId, report };
      })();
      return visited;
    };

    test('the background page classifies every vendor by company and purpose', async () => {
      const { report } = await visitOnce();
      const { coreStatus } = await readSession(session.browser, 'coreStatus');
      assert.equal(coreStatus.warning, null, 'the EasyPrivacy snapshot loaded');
      assert.equal(report.site, 'news.example');
      assert.equal(report.errors, 0);
      assert.deepEqual(Object.keys(report.companies).sort(), Object.keys(EXPECTED).sort());
      for (const [company, categories] of Object.entries(EXPECTED)) {
        const seen = report.companies[company];
        assert.equal(seen.tracker, TRACKERS.includes(company), `${company} tracker`);
        assert.equal(seen.party, 'third_party', `${company} party`);
        for (const category of categories) assert.ok(seen.categories.includes(category), `${company}: ${category} in ${seen.categories}`);
      }
      // The witness: Hotjar's collector really received the recording, and it is attributed.
      assert.ok(session.demo.received('in.hotjar.com').length >= 1);
      assert.ok(report.companies.Hotjar.hosts.includes('in.hotjar.com'));
      // Firefox shows Set-Cookie to extensions without Chrome's extraHeaders.
      assert.ok(report.companies.Google.cookiesSet.includes('IDE'), report.companies.Google.cookiesSet);
    });

    test('cookies are classified by purpose, the third party\'s as partitioned', async () => {
      const { report } = await visitOnce();
      const cookie = (n) => report.cookies.find((c) => c.name === n);
      assert.equal(cookie('_ga')?.purpose, 'analytics');
      assert.equal(cookie('_ga').thirdParty, false);
      assert.equal(cookie('SESSIONID')?.purpose, 'necessary');
      assert.equal(cookie('_fbp')?.purpose, 'advertising');
      // DoubleClick's IDE, set from a news.example page, lives in news.example's partition.
      assert.equal(cookie('IDE')?.purpose, 'advertising');
      assert.equal(cookie('IDE').thirdParty, true);
      assert.equal(cookie('IDE').partitioned, true);
      assert.equal(cookie('_ga').partitioned, undefined, 'a first-party cookie is not partitioned');
    });

    test('the popup lists the trackers by company', async () => {
      const { tabId } = await visitOnce();
      const popup = await openExtensionPage(session.browser, `extension/popup/popup.html?tab=${tabId}`, { width: 380 });
      const text = await popup.evaluate(() => document.body.innerText);
      for (const company of TRACKERS) assert.ok(text.includes(company), `${company} in the popup`);
      const ide = await popup.$eval('[data-cookie="IDE"] .party', (e) => e.textContent);
      assert.match(ide, /partitioned: kept to this site/);
      await popup.close();
    });
  });
}
