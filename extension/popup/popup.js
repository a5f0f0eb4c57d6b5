// The popup: the answer first (the site, the core's sentence, a bar of what the trackers do, the
// site's protection switch), then one list of companies, each with its honest state, purposes,
// a three-state control and why in plain words; then privacy choices and cookies. Every state,
// count and sentence is the core's (report/summary.rs, through the worker's MSG.SETTINGS_GET);
// the popup lays them out. Page-derived text goes in with textContent only, never as markup.
import { CORE_STATUS_KEY, tabKey } from '../shared/state-keys.js';
import { cookiesByPurpose } from '../shared/tab-report.js';
import { COOKIE_PURPOSE_LABELS, ENCODING_LABELS, isWebLink, cookieParty, gpcStatus, lifetime, omittedText, plural } from '../shared/describe.js';
import { consentLines, deleteBox, describeSettings, el, handleClicks, siteSwitch, treatmentControl } from './controls.js';
import { keepView } from './keep-view.js';

// When this module started running: the popup's own work is measured from here (bench-popup.mjs).
const startedMs = performance.now();
const $ = (id) => document.getElementById(id);
const tabFromUrl = new URLSearchParams(location.search).get('tab');

async function currentTabId() {
  // Tests and the benchmark open the popup as a page and name the tab; a real popup asks for the active tab.
  if (tabFromUrl) return Number(tabFromUrl);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function clone(templateId) {
  return $(templateId).content.firstElementChild.cloneNode(true);
}

const listItems = (texts) => texts.map((text) => el('li', { text }));

let whyFillers = [];

/** One company row from the core's view of it (`company`: report/summary.rs CompanyView). */
function renderCompany(company, withControl) {
  const item = clone('company-template');
  item.dataset.company = company.name;
  item.dataset.state = company.state;
  item.querySelector('.name').textContent = company.name;
  item.querySelector('.parent').textContent = company.parent && company.parent !== company.name ? `(${company.parent})` : '';
  const state = item.querySelector('.state');
  state.textContent = company.stateLabel;
  state.classList.add(company.state);
  item.querySelector('.state-detail').textContent = company.stateDetail;
  item.querySelector('.categories').replaceChildren(...company.purposes.map((p) => el('li', { text: p.label, data: { category: p.category } })));
  if (withControl) treatmentControl(item, company);
  else item.querySelector('.treatment-control').remove();
  const collected = item.querySelector('.collected');
  collected.hidden = company.collected.length === 0;
  collected.dataset.kinds = company.collected.map((f) => f.kind).join(' ');
  if (company.collected.length) {
    collected.replaceChildren(el('span', { className: 'label', text: 'Collected: ' }), company.collected.map((f) => f.text).join('; '));
  }
  // The collapsed "why" is filled just after the first paint, unless the reader has it open.
  whyFillers.push({ details: item.querySelector('details.why'), fill: () => {
    item.querySelector('.about').textContent = company.about;
    item.querySelector('.why-lines').replaceChildren(...listItems(company.why));
    const links = [[company.optOut, 'Opt out'], [company.privacyPolicy, 'Privacy policy']]
      .filter(([href]) => isWebLink(href))
      .map(([href, text]) => el('a', { href, text, target: '_blank', rel: 'noopener noreferrer' }));
    item.querySelector('.links').replaceChildren(...links.flatMap((a, i) => (i ? [' · ', a] : [a])));
    item.querySelector('.reasons').replaceChildren(...listItems(company.evidence));
    item.querySelector('.hosts').textContent = `Hosts: ${company.hosts.join(', ')}`;
  } });
  return item;
}

function renderCookie(cookie) {
  const item = clone('cookie-template');
  item.dataset.cookie = cookie.name;
  item.dataset.domain = cookie.domain;
  item.dataset.purpose = cookie.purpose;
  item.querySelector('.name').textContent = cookie.name;
  item.querySelector('.domain').textContent = cookie.domain;
  item.querySelector('.party').textContent = cookieParty(cookie);
  item.querySelector('.lifetime').textContent = `Lasts ${lifetime(cookie)}`;
  item.querySelector('.vendor').textContent = cookie.vendor ? `from ${cookie.vendor}` : 'owner unknown';
  item.querySelector('.identifier').textContent = cookie.identifier ? 'can recognise you' : 'no identifier';
  // The cookie table's reasons are written with code quotes for the CLI; the popup shows plain text.
  item.querySelector('.reason').textContent = String(cookie.reason ?? '').replaceAll('`', '');
  return item;
}

function renderCookieGroup({ purpose, cookies }) {
  const group = clone('cookie-group-template');
  group.dataset.purpose = purpose;
  const third = cookies.filter((c) => c.thirdParty).length;
  group.querySelector('.purpose').textContent = `${COOKIE_PURPOSE_LABELS[purpose] ?? purpose}: ${cookies.length}${third ? ` (${third} third-party)` : ''}`;
  // Like a company's "why": the collapsed list is filled after the first paint.
  whyFillers.push({ details: group, fill: () => group.querySelector('.cookie-list').replaceChildren(...cookies.map(renderCookie)) });
  return group;
}

function showLine(id, text) {
  const line = $(id);
  line.hidden = !text;
  if (text) line.querySelector('.text').textContent = text;
  return Boolean(text);
}

function consentText(consent) {
  if (!consent) return '';
  return consent.error ? `the site's consent record could not be read: ${consent.error}` : consent.summary;
}

function paramsText(params = []) {
  if (!params.length) return '';
  return `this address carries ${params.map((p) => (p.company ? `${p.name} (${p.company})` : p.name)).join(', ')}, which tell the site how you got here.`;
}

/** Fingerprinting by scripts no known company owns (often the site's own bundles). */
function otherFingerprintingText(report) {
  const scripts = Object.values(report.fingerprinting ?? {}).filter((s) => !s.company && s.verdict?.level !== 'none' && s.verdict?.level !== 'low');
  return scripts.map((s) => `${s.host} (${s.verdict.level}: ${s.verdict.techniques.join(', ')})`).join('; ');
}

function renderLeaks(leaks = []) {
  $('leaks-section').hidden = leaks.length === 0;
  $('leaks').replaceChildren(...leaks.map((leak) => el('li', {
    data: { field: leak.field, host: leak.host, encoding: leak.encoding },
    text: `"${leak.field}" went to ${leak.company ?? leak.host} (${leak.host}), ${ENCODING_LABELS[leak.encoding] ?? leak.encoding}, in the request ${leak.location === 'url' ? 'address' : 'body'}.`,
  })));
}

/**
 * The alert on a sensitive page (the core's view.alert, report/alert.rs): what the page is about
 * and why, each company that learned you were there with what it received, one click to block
 * them (or strip their cookies) on this site, and one to protect every site about the category.
 * All of it page-derived or core-worded: textContent only.
 */
function renderAlert(alert, canBlock) {
  const section = $('sensitive-alert');
  section.hidden = !alert;
  if (!alert) return;
  section.dataset.category = alert.category;
  section.querySelector('.heading').textContent = alert.heading;
  section.querySelector('.evidence').textContent = alert.evidence;
  section.querySelector('.sentence').textContent = alert.sentence;
  $('sensitive-companies').replaceChildren(...alert.companies.map((c) => el('li', { data: { company: c.name } }, [
    el('span', { className: 'summary', text: `${c.summary}.` }),
    el('ul', { className: 'details' }, listItems(c.details)),
  ])));
  const row = section.querySelector('.block-row');
  row.hidden = !(canBlock && alert.toBlock.length);
  for (const button of row.querySelectorAll('button')) button.dataset.companies = JSON.stringify(alert.toBlock);
  const protect = section.querySelector('.protect-row');
  protect.hidden = !(canBlock && alert.protect);
  if (alert.protect) protect.querySelector('button').textContent = alert.protect;
  protect.querySelector('button').dataset.category = alert.category;
}

/** The picture of what the trackers do: a bar with one segment per purpose, its count written in the legend. */
function renderPurposes(purposes = []) {
  $('purposes').hidden = purposes.length === 0;
  const total = purposes.reduce((n, p) => n + p.companies, 0);
  $('purpose-bar').replaceChildren(...purposes.map((p) => {
    const segment = el('span', { className: 'segment', data: { category: p.category } });
    segment.style.flexGrow = String(p.companies / total);
    return segment;
  }));
  $('purpose-legend').replaceChildren(...purposes.map((p) => el('li', { data: { category: p.category, companies: String(p.companies) } }, [
    el('span', { className: 'swatch', data: { category: p.category } }), el('span', { className: 'count', text: String(p.companies) }), ` ${p.label}`,
  ])));
}

/** Fills the collapsed views (each "why", each cookie list) last, in the next task (after the list is painted). */
function fillWhy() {
  const fillers = whyFillers;
  whyFillers = [];
  return new Promise((resolve) => {
    setTimeout(() => {
      // The browser has laid out and painted the list by now (bench-popup.mjs reads this).
      document.body.dataset.paintedMs ??= performance.now().toFixed(1);
      for (const { fill } of fillers) fill();
      resolve();
    }, 0);
  });
}

function render(report, status, described) {
  whyFillers = [];
  const summary = $('summary');
  summary.classList.toggle('error', status?.ok === false);
  if (status?.ok === false) {
    summary.textContent = `TrackLens failed to initialise: ${status.error}`;
    return;
  }
  const view = described?.view;
  if (!report || !view) {
    $('site').textContent = '';
    summary.textContent = report
      ? 'TrackLens could not read what it recorded for this tab. Reload the page to record it again.'
      : 'Nothing recorded for this tab yet. Reload the page to see who it sends data to.';
    return;
  }
  const restoreView = keepView(document.body);
  $('site').textContent = report.site ?? report.pageUrl;
  summary.textContent = view.sentence;
  renderPurposes(view.purposes);
  const settings = described.settings;
  renderAlert(view.alert, Boolean(settings && report.site));
  $('site-switch').hidden = !(settings && report.site);
  if (settings && report.site) $('site-switch').replaceChildren(siteSwitch(settings, report.site));
  const trackers = view.companies.filter((c) => c.tracker);
  const others = view.companies.filter((c) => !c.tracker);
  $('trackers').replaceChildren(...trackers.map((c) => renderCompany(c, Boolean(settings && report.site))));
  $('others').replaceChildren(...others.map((c) => renderCompany(c, false)));
  $('trackers-section').hidden = trackers.length === 0;
  $('others-section').hidden = others.length === 0;
  renderLeaks(report.leaks);
  const unknown = Object.keys(report.unknownThirdParties ?? {}).length;
  $('unknown').hidden = unknown === 0;
  $('unknown').textContent = `${plural(unknown, 'other third-party host')} not in TrackLens' knowledge base.`;
  const omitted = omittedText(report);
  $('omitted').hidden = omitted === null;
  $('omitted').textContent = omitted ?? '';
  const groups = cookiesByPurpose(report);
  $('cookie-groups').replaceChildren(...groups.map(renderCookieGroup));
  $('delete-box').replaceChildren(...(report.site ? [deleteBox(report) ?? ''] : []));
  $('cookies-section').hidden = groups.length === 0;
  const lines = consentLines(report);
  $('consent-lines').replaceChildren(...lines);
  const signals = [
    // The GPC line of the protection summary says it already when it was sent.
    showLine('gpc', report.gpc ? '' : gpcStatus(report)),
    // A TCF record is said in full by the consent lines above; other formats here.
    showLine('consent', report.consent?.format === 'tcf' && !report.consent.error ? '' : consentText(report.consent)),
    showLine('params', paramsText(report.trackingParams)),
    showLine('fingerprinting-other', otherFingerprintingText(report)),
  ];
  $('consent-section').hidden = !signals.some(Boolean) && lines.length === 0;
  $('params').title = (report.trackingParams ?? []).map((p) => p.reason).join('\n');
  restoreView();
  // What the reader has open is filled now, not after the paint.
  const open = whyFillers.filter(({ details }) => details.open);
  for (const { fill } of open) fill();
  whyFillers = whyFillers.filter((filler) => !open.includes(filler));
  document.body.dataset.renders = String(Number(document.body.dataset.renders ?? 0) + 1);
}

async function main() {
  // Opened as a page (tests, benchmark, or a user's tab), the panel may be as wide as the window.
  if (tabFromUrl) document.documentElement.classList.add('page');
  const tabId = await currentTabId();
  const key = tabKey(tabId);
  let site = null;
  let shown = null;
  const draw = async () => {
    // The two keys this page shows and the worker's view of the report, read at the same time.
    const [stored, described] = await Promise.all([chrome.storage.session.get([key, CORE_STATUS_KEY]), describeSettings(tabId)]);
    site = stored[key]?.site ?? null;
    // What the screen is drawn from (of the core's status, only what it shows). When that is what
    // is on screen already, as after a restart of the worker rewrites its status, drawing again
    // would only cost time and replace the rows under the reader's pointer and focus.
    const status = stored[CORE_STATUS_KEY];
    const drawn = JSON.stringify([stored[key] ?? null, status ? [status.ok, status.error] : null, described]);
    document.body.dataset.draws = String(Number(document.body.dataset.draws ?? 0) + 1);
    if (drawn === shown) return;
    shown = drawn;
    render(stored[key], status, described);
    await fillWhy();
  };
  // A busy tab changes its report several times a second: one redraw at a time, and at most one
  // more queued after it (it reads the latest report), instead of one per change.
  let drawing = null;
  let queued = null;
  const refresh = () => {
    if (!drawing) {
      drawing = draw().finally(() => { drawing = null; });
      return drawing;
    }
    queued ??= drawing.catch(() => {}).then(() => {
      queued = null;
      return refresh();
    });
    return queued;
  };
  // The outcome of the user's last click outlives the re-renders the report's changes cause.
  const say = (text) => { $('controls-status').textContent = text; };
  handleClicks(document.body, { tabId, site: () => site, rerender: refresh, say });
  chrome.storage.session.onChanged.addListener((changes) => {
    if (key in changes || CORE_STATUS_KEY in changes) refresh();
  });
  await refresh();
  // When the first full render was done, on the page's own clock (read by scripts/bench-popup.mjs).
  document.body.dataset.readyMs = performance.now().toFixed(1);
  document.body.dataset.workMs = (performance.now() - startedMs).toFixed(1);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  $('summary').textContent = `TrackLens could not show this tab: ${error.message}`;
});
