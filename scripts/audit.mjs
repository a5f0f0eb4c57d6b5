// Headless audit: visits a page in Chromium with the built TrackLens extension and prints what
// the extension recorded: each company the page sent data to, why, and which cookies it got.
// With no URL it audits the bundled demo site, served from loopback.
//
//   node scripts/audit.mjs [URL] [--settle MS]
//
// Exit status: 0 audited, 2 usage or runtime error.
import { startDemoServer, DEMO_URL } from '../tests/demo/server.mjs';
import { launchWithExtension, visit, waitForReport } from '../tests/support/browser.mjs';
import { companiesByConcern, cookiesByPurpose } from '../extension/shared/tab-report.js';

const USAGE = 'usage: node scripts/audit.mjs [URL] [--settle MS]';

function parseArgs(argv) {
  const options = { url: null, settleMs: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--settle') options.settleMs = Number(argv[++i]);
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (!options.url) options.url = arg;
    else throw new Error(`only one URL, please\n${USAGE}`);
  }
  if (!Number.isFinite(options.settleMs) || options.settleMs < 0) throw new Error(`--settle needs milliseconds\n${USAGE}`);
  if (options.url && !/^https?:\/\//i.test(options.url)) throw new Error(`not an http(s) URL: ${options.url}`);
  return options;
}

function printReport(report) {
  const companies = companiesByConcern(report);
  const trackers = companies.filter((c) => c.tracker);
  const line = (text = '') => process.stdout.write(`${text}\n`);
  line(`TrackLens audit of ${report.pageUrl}`);
  line(`  ${report.requests} requests, ${report.thirdPartyRequests} to third parties; ` +
    `${trackers.length} tracking ${trackers.length === 1 ? 'company' : 'companies'}`);
  for (const [title, group] of [['Tracking', trackers], ['Not tracking', companies.filter((c) => !c.tracker)]]) {
    if (group.length === 0) continue;
    line();
    line(`${title}:`);
    for (const company of group) {
      line(`  ${company.name}${company.parent ? ` (${company.parent})` : ''}: ${company.categories.join(', ')}`);
      line(`    ${company.requests} request${company.requests === 1 ? '' : 's'} to ${company.hosts.join(', ')}`);
      if (company.cookiesSent.length) line(`    cookies sent to it: ${company.cookiesSent.join(', ')}`);
      if (company.cookiesSet.length) line(`    cookies it set: ${company.cookiesSet.join(', ')}`);
      for (const reason of company.reasons) line(`    why: ${reason}`);
    }
  }
  const unknown = Object.values(report.unknownThirdParties);
  if (unknown.length) {
    line();
    line(`Third parties not in the knowledge base: ${unknown.map((u) => u.host).join(', ')}`);
  }
  const groups = cookiesByPurpose(report);
  if (groups.length) {
    line();
    line('Cookies and storage, by purpose:');
    for (const { purpose, cookies } of groups) {
      line(`  ${purpose}: ${cookies.map((c) => `${c.name} (${c.domain}${c.vendor ? `, ${c.vendor}` : ''}${c.identifier ? ', identifier' : ''})`).join('; ')}`);
    }
  }
  if (report.consent) line(`\nConsent: ${report.consent.summary ?? report.consent.error}`);
  if (report.errors) line(`\n${report.errors} request(s) could not be classified.`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const demo = options.url ? null : await startDemoServer();
  const browser = await launchWithExtension({ demo });
  try {
    // The demo is visited twice, as a reader returning to the site: the second visit shows
    // which identifiers the first one left behind being sent back.
    const visited = await visit(browser, options.url ?? DEMO_URL, { settleMs: options.settleMs });
    let { report } = visited;
    if (demo) {
      await visited.page.reload({ waitUntil: 'load' });
      await visited.page.waitForTimeout(options.settleMs);
      ({ report } = await waitForReport(browser, visited));
    }
    printReport(report);
  } finally {
    await browser.close();
    await demo?.close();
  }
}

main().catch((error) => {
  process.stderr.write(`tracklens audit: ${error.message}\n`);
  process.exit(2);
});
