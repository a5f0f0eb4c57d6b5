#!/usr/bin/env node
// Popup benchmark: time from opening the popup to its rendered "ready" state, with a tab report of
// 500 tracked requests (spread over many companies, cookies, parameters and fingerprinting scripts)
// against the peer, an empty tab, in the same browser run. Prints the figures and the ratio.
//
//   node scripts/bench-popup.mjs [runs=30]
//
// Needs the built extension (scripts/build.sh). Timing is the popup page's own clock: from
// navigation start to the end of its first full render (`body[data-ready-ms]`), as a user waits
// from the click to the list.
import { launchWithExtension } from '../tests/support/browser.mjs';

const RUNS = Number(process.argv[2] ?? 30);
const REQUESTS = 500;
const BUDGET_MS = 100;

/** A report as the recorder would build for a heavy news page: 500 requests over 60 companies. */
function heavyReport() {
  const companies = {};
  const hostOwners = {};
  const categories = ['advertising', 'analytics', 'social', 'session_replay', 'fingerprinting', 'tag_manager'];
  for (let i = 0; i < REQUESTS; i++) {
    const c = i % 60;
    const name = `Company ${c}`;
    const host = `t${i % 120}.tracker${c}.example`;
    const company = (companies[name] ??= {
      name, parent: c % 3 ? null : `Parent ${c}`, privacyPolicy: `https://tracker${c}.example/privacy`, optOut: null, party: 'third_party',
      tracker: c % 7 !== 0, categories: [categories[c % categories.length]], hosts: [], requests: 0, reasons: [], cookiesSent: [`id${c}`], cookiesSet: [],
      sent: [{ name: 'cid', kind: 'identifier', meaning: 'a client ID that identifies this browser', documented: true },
        { name: 'dl', kind: 'page', meaning: 'the address of the page you are on', documented: true }],
    });
    company.requests += 1;
    if (!company.hosts.includes(host)) company.hosts.push(host);
    const reason = `${host} is ${name}'s domain tracker${c}.example; matches EasyPrivacy (line ${1000 + i}) rule ||tracker${c}.example^`;
    if (company.reasons.length < 50) company.reasons.push(reason);
    hostOwners[host] = name;
  }
  const cookies = Array.from({ length: 150 }, (_, i) => ({
    name: `cookie_${i}`, domain: i % 2 ? '.news.example' : `.tracker${i % 60}.example`, path: '/', purpose: ['advertising', 'analytics', 'necessary', 'unknown'][i % 4],
    vendor: i % 3 ? `Company ${i % 60}` : null, identifier: i % 2 === 0, reason: `cookie_${i} is known`, thirdParty: i % 2 === 0,
    expires: Math.round(Date.now() / 1000) + i * 86400,
  }));
  const fingerprinting = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`https://t0.tracker${i}.example/fp.js`, {
    script: `https://t0.tracker${i}.example/fp.js`, host: `t0.tracker${i}.example`, company: `Company ${i}`, usage: {},
    verdict: { score: 70, level: 'high', techniques: ['canvas', 'fonts'], reasons: ['read back the pixels of a canvas', 'probed 40 font families'] },
  }]));
  return {
    pageUrl: 'https://news.example/', site: 'news.example', startedAt: Date.now(), requests: REQUESTS, thirdPartyRequests: REQUESTS - 20, errors: 0,
    companies, unknownThirdParties: {}, hostOwners, thirdPartySites: [], cookies, storage: [], consent: null, fingerprinting,
    leaks: [{ field: 'email', host: 't0.tracker1.example', company: 'Company 1', encoding: 'sha256', location: 'body' }],
  };
}

async function timeOpen(browser, tabId) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 400, height: 600 });
  await page.goto(browser.popupUrl(tabId));
  await page.waitForSelector('body[data-ready="true"]');
  const ms = Number(await page.getAttribute('body', 'data-ready-ms'));
  const visible = Number(await page.getAttribute('body', 'data-visible-ms'));
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
  console.log('navigation start -> list rendered (what the user sees; "why" views still empty):');
  const hv = line(`${REQUESTS} requests`, heavyVisible);
  line('empty tab (peer)', emptyVisible);
  console.log('navigation start -> first full render, "why" views filled:');
  const h = line(`${REQUESTS} requests (${rows} rows)`, heavy);
  const e = line('empty tab (peer)', empty);
  console.log('popup script start -> first full render (storage read + render):');
  const hw = line(`${REQUESTS} requests`, heavyWork);
  const ew = line('empty tab (peer)', emptyWork);
  console.log(`ratio heavy/empty (median): total ${(h.median / e.median).toFixed(2)}x, script ${(hw.median / ew.median).toFixed(2)}x`);
  console.log(`budget ${BUDGET_MS} ms (median): list ${hv.median < BUDGET_MS ? 'met' : 'MISSED'}, complete ${h.median < BUDGET_MS ? 'met' : 'MISSED'}`);
} finally {
  await browser.close();
}
