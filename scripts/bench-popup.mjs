#!/usr/bin/env node
// Popup benchmark: time from opening the popup to its rendered state, with a tab report of 500
// tracked requests (built with the recorder's own functions: companies, cookies, parameters,
// fingerprinting scripts) against the peer, an empty tab, in the same browser run. Prints the
// figures and the ratio.
//
//   node scripts/bench-popup.mjs [runs=30]
//
// Needs the built extension (scripts/build.sh). Timing is the popup page's own clock: from
// navigation start to the end of its first full render (`body[data-ready-ms]`), as a user waits
// from the click to the list.
import { launchWithExtension } from '../tests/support/browser.mjs';
import { reportCore } from '../tests/support/core.mjs';

const RUNS = Number(process.argv[2] ?? 30);
const REQUESTS = 500;
const BUDGET_MS = 100;

/**
 * A heavy news page's report, built by the core from the events the recorder would send for 500
 * classified requests: 25 companies over 75 hosts (ad exchanges, analytics, replay,
 * fingerprinting), their cookies, 150 page cookies, 10 fingerprinting scripts and a key-logging leak.
 */
function heavyReport() {
  const categories = ['advertising', 'analytics', 'social', 'session_replay', 'fingerprinting', 'tag_manager'];
  const events = [];
  for (let i = 0; i < REQUESTS; i++) {
    const c = i % 25;
    const host = `t${i % 75}.tracker${c}.example`;
    const category = categories[c % categories.length];
    events.push({
      kind: 'request', url: `https://${host}/collect?cid=1.2&dl=https%3A%2F%2Fnews.example%2F&sr=1920x1080&i=${i}`,
      verdict: {
        host, site: `tracker${c}.example`, party: 'third_party', tracker: c % 7 !== 0, categories: [category],
        entity: { name: `Company ${c}`, parent: c % 3 ? null : `Parent ${c}`, privacy_policy: `https://tracker${c}.example/privacy`, opt_out: null },
        reason: `${host} is Company ${c}'s domain tracker${c}.example (${category}); third party on news.example`,
      },
    });
    events.push({ kind: 'cookies', host, sent: true, names: [`id${c}`, `sess${c}`] });
  }
  events.push({ kind: 'pageCookies', entries: Array.from({ length: 150 }, (_, i) => ({
    name: `cookie_${i}`, domain: i % 2 ? '.news.example' : `.tracker${i % 25}.example`, path: '/', purpose: ['advertising', 'analytics', 'necessary', 'unknown'][i % 4],
    vendor: i % 3 ? `Company ${i % 25}` : null, identifier: i % 2 === 0, reason: `cookie_${i} is in the cookie table`, thirdParty: i % 2 === 0,
    company: null, expires: Math.round(Date.now() / 1000) + i * 86400,
  })) });
  for (let i = 0; i < 10; i++) {
    events.push({
      kind: 'fingerprinting', script: `https://t${i}.tracker${i}.example/fp.js`, host: `t${i}.tracker${i}.example`,
      usage: { audio: 0, canvas_readback: 2, fonts: 40, navigator: [], screen: [], webgl_unmasked: 0 },
      verdict: { score: 70, level: 'high', techniques: ['canvas', 'fonts'], reasons: ['read back the pixels of a canvas', 'probed 40 font families'] },
    });
  }
  events.push({ kind: 'leak', field: 'email', host: 't1.tracker1.example', encoding: 'sha256', location: 'body' });
  const start = { kind: 'page', url: 'https://news.example/', startedAt: Date.now() };
  return reportCore.applyPageEvents(null, events, start);
}

async function timeOpen(browser, tabId) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 400, height: 600 });
  await page.goto(browser.popupUrl(tabId));
  await page.waitForSelector('body[data-ready="true"]');
  const ms = Number(await page.getAttribute('body', 'data-ready-ms'));
  const visible = Number(await page.getAttribute('body', 'data-painted-ms'));
  const work = Number(await page.getAttribute('body', 'data-work-ms'));
  const rows = await page.locator('li.company, li.cookie').count();
  await page.close();
  return { ms, visible, work, rows };
}

const stats = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), min: sorted[0] };
};

const browser = await launchWithExtension();
try {
  const setter = await browser.context.newPage();
  await setter.goto(browser.popupUrl(-1));
  await setter.evaluate((report) => chrome.storage.session.set({ 'tab:-500': report }), heavyReport());
  await setter.close();
  await timeOpen(browser, -500); // warm-up: first loads of the page's modules
  await timeOpen(browser, -404);
  const heavy = [];
  const empty = [];
  const heavyWork = [];
  const emptyWork = [];
  const heavyVisible = [];
  const emptyVisible = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const h = await timeOpen(browser, -500); // interleaved, so both see the same machine load
    heavy.push(h.ms);
    heavyWork.push(h.work);
    heavyVisible.push(h.visible);
    rows = h.rows;
    const e = await timeOpen(browser, -404);
    empty.push(e.ms);
    emptyWork.push(e.work);
    emptyVisible.push(e.visible);
  }
  const line = (label, xs) => {
    const s = stats(xs);
    console.log(`  ${label.padEnd(34)} median ${s.median.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  min ${s.min.toFixed(1).padStart(6)}`);
    return s;
  };
  console.log(`popup, ${RUNS} runs each, ms on the page's clock; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
  console.log('navigation start -> list laid out and painted (what the user sees; "why" views not yet filled):');
  const hv = line(`${REQUESTS} requests`, heavyVisible);
  line('empty tab (peer)', emptyVisible);
  console.log('navigation start -> complete ("why" views filled):');
  const h = line(`${REQUESTS} requests (${rows} rows)`, heavy);
  const e = line('empty tab (peer)', empty);
  console.log('popup script start -> complete (storage read, render, paint, "why" views):');
  const hw = line(`${REQUESTS} requests`, heavyWork);
  const ew = line('empty tab (peer)', emptyWork);
  console.log(`ratio heavy/empty (median): total ${(h.median / e.median).toFixed(2)}x, script ${(hw.median / ew.median).toFixed(2)}x`);
  // The budget is on the p95 (issue 14): most openings must be fast, not the typical one.
  const verdict = (s) => `median ${s.median <= BUDGET_MS ? 'met' : 'MISSED'}, p95 ${s.p95 <= BUDGET_MS ? 'met' : 'MISSED'}`;
  console.log(`budget ${BUDGET_MS} ms: first screen painted ${verdict(hv)}; complete ${verdict(h)}`);
} finally {
  await browser.close();
}
