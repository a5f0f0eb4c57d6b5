// The popup: who tracks the user on the current tab's page, what each company collected, its
// state, and why TrackLens says so. It only reads what the service worker stored; page-derived
// text goes in with textContent only, never as markup.
import { CORE_STATUS_KEY, tabKey } from '../shared/state-keys.js';
import { companiesByConcern, companyFingerprinting, cookiesByPurpose } from '../shared/tab-report.js';
import {
  COOKIE_PURPOSE_LABELS, ENCODING_LABELS, isWebLink, categoryLabel, collected, companyState, cookieParty, gpcStatus, lifetime, omittedText, plural, summaryDetail,
} from '../shared/describe.js';
import { companyTreatment, describeSettings, renderControls } from './controls.js';

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

function listItems(texts) {
  return texts.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  });
}

let whyFillers = [];

function renderCompany(company, report, described) {
  const item = clone('company-template');
  item.dataset.company = company.name;
  item.querySelector('.name').textContent = company.name;
  item.querySelector('.parent').textContent = company.parent ? `(${company.parent})` : '';
  item.querySelector('.requests').textContent = plural(company.requests, 'request');
  const treatment = described ? companyTreatment(described.treatments, company).treatment : null;
  const state = companyState(company, treatment);
  const stateEl = item.querySelector('.state');
  stateEl.textContent = state.label;
  stateEl.classList.add(state.key);
  item.dataset.state = state.key;

  const categories = item.querySelector('.categories');
  for (const category of company.categories) {
    const chip = document.createElement('li');
    chip.textContent = categoryLabel(category);
    chip.dataset.category = category;
    chip.classList.toggle('tracking', company.tracker && category !== 'cdn');
    categories.append(chip);
  }

  const fingerprinting = companyFingerprinting(report, company.name);
  const leaks = (report.leaks ?? []).filter((l) => l.company === company.name);
  const facts = collected(company, { fingerprinting, leaks });
  const collectedEl = item.querySelector('.collected');
  collectedEl.hidden = facts.length === 0;
  collectedEl.dataset.kinds = facts.map((f) => f.kind).join(' ');
  if (facts.length) {
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = 'Collected: ';
    collectedEl.replaceChildren(label, facts.map((f) => f.text).join('; '));
  }

  // The evidence inside the collapsed "why" is filled just after the first paint: on a heavy page
  // it is most of the DOM, and nobody has opened it yet.
  whyFillers.push(() => {
    const reasons = [...company.reasons, ...(fingerprinting ? fingerprinting.verdict.reasons.map((r) => `${fingerprinting.script} ${r}`) : [])];
    item.querySelector('.reasons').replaceChildren(...listItems(reasons));
    item.querySelector('.hosts').textContent = `Hosts: ${company.hosts.join(', ')}`;
    item.querySelector('.sent').replaceChildren(...listItems((company.sent ?? []).map((p) => `${p.name}: ${p.meaning}`)));
    // The policy address comes from TrackLens' knowledge base, not the page; still, only https.
    if (isWebLink(company.privacyPolicy)) {
      item.querySelector('.policy').hidden = false;
      item.querySelector('.policy-link').href = company.privacyPolicy;
    }
  });
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
  item.querySelector('.vendor').textContent = cookie.vendor ? `Vendor: ${cookie.vendor}.` : 'Vendor unknown.';
  item.querySelector('.identifier').textContent = cookie.identifier ? 'Identifier: yes.' : 'Identifier: no.';
  item.querySelector('.reason').textContent = cookie.reason;
  return item;
}

function renderCookieGroup({ purpose, cookies }) {
  const group = clone('cookie-group-template');
  group.dataset.purpose = purpose;
  const third = cookies.filter((c) => c.thirdParty).length;
  group.querySelector('.purpose').textContent = `${COOKIE_PURPOSE_LABELS[purpose] ?? purpose} (${cookies.length}${third ? `, ${third} third-party` : ''})`;
  group.querySelector('.cookie-list').replaceChildren(...cookies.map(renderCookie));
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
  const cmp = consent.cmpId != null ? ` (consent platform ${consent.cmpId})` : '';
  return consent.error ? `the site's consent string could not be read: ${consent.error}` : `${consent.summary}${cmp}`;
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
  $('leaks').replaceChildren(...leaks.map((leak) => {
    const li = document.createElement('li');
    li.dataset.field = leak.field;
    li.dataset.host = leak.host;
    li.dataset.encoding = leak.encoding;
    li.textContent = `"${leak.field}" went to ${leak.company ?? leak.host} (${leak.host}), ${ENCODING_LABELS[leak.encoding] ?? leak.encoding}, in the request ${leak.location === 'url' ? 'address' : 'body'}.`;
    return li;
  }));
}

/** Fills the collapsed "why" views rendered last, in the next task (after the list is painted). */
function fillWhy() {
  const fillers = whyFillers;
  whyFillers = [];
  return new Promise((resolve) => {
    setTimeout(() => {
      // The browser has laid out and painted the list by now (bench-popup.mjs reads this).
      document.body.dataset.paintedMs ??= performance.now().toFixed(1);
      for (const fill of fillers) fill();
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
  if (!report) {
    $('site').textContent = '';
    summary.textContent = 'Nothing recorded for this tab yet. Reload the page to see who it sends data to.';
    return;
  }
  const companies = companiesByConcern(report);
  const trackers = companies.filter((c) => c.tracker);
  const others = companies.filter((c) => !c.tracker);
  $('site').textContent = report.site ?? report.pageUrl;
  summary.textContent = `${plural(trackers.length, 'tracking company', 'tracking companies')} · ${plural(report.thirdPartyRequests, 'third-party request')} of ${report.requests}`;
  $('summary-detail').textContent = summaryDetail(report);
  renderLeaks(report.leaks);
  $('trackers').replaceChildren(...trackers.map((c) => renderCompany(c, report, described)));
  $('others').replaceChildren(...others.map((c) => renderCompany(c, report, described)));
  $('trackers-section').hidden = trackers.length === 0;
  $('others-section').hidden = others.length === 0;
  const unknown = Object.keys(report.unknownThirdParties).length;
  $('unknown').hidden = unknown === 0;
  $('unknown').textContent = `${plural(unknown, 'other third-party host')} not in TrackLens' knowledge base.`;
  const omitted = omittedText(report);
  $('omitted').hidden = omitted === null;
  $('omitted').textContent = omitted ?? '';
  const groups = cookiesByPurpose(report);
  $('cookie-groups').replaceChildren(...groups.map(renderCookieGroup));
  $('cookies-section').hidden = groups.length === 0;
  const signals = [
    showLine('gpc', gpcStatus(report)),
    showLine('consent', consentText(report.consent)),
    showLine('params', paramsText(report.trackingParams)),
    showLine('fingerprinting-other', otherFingerprintingText(report)),
  ];
  $('signals-section').hidden = !signals.some(Boolean);
  $('params').title = (report.trackingParams ?? []).map((p) => p.reason).join('\n');
}

async function main() {
  // Opened as a page (tests, benchmark, or a user's tab), the panel may be as wide as the window.
  if (tabFromUrl) document.documentElement.classList.add('page');
  const tabId = await currentTabId();
  const key = tabKey(tabId);
  const refresh = async () => {
    const stored = await chrome.storage.session.get([key, CORE_STATUS_KEY]);
    const described = await describeSettings(stored[key]);
    render(stored[key], stored[CORE_STATUS_KEY], described);
    await renderControls($('controls'), tabId, stored[key], described);
    await fillWhy();
  };
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
