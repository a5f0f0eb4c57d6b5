// The popup: what the current tab's page sent to whom, grouped by company, with the reasons.
// It only reads what the service worker stored; page-derived text goes in with textContent only.
import { tabKey } from '../shared/state-keys.js';
import { companiesByConcern, cookiesByPurpose } from '../shared/tab-report.js';
import { renderControls } from './controls.js';

const LABELS = {
  advertising: 'Advertising', analytics: 'Analytics', social: 'Social', fingerprinting: 'Fingerprinting',
  session_replay: 'Session replay', personalization: 'Personalization / A-B testing', tag_manager: 'Tag manager',
  consent: 'Consent management', customer_interaction: 'Customer interaction', audio_video: 'Audio / video',
  cdn: 'Content delivery (not tracking)',
};

const COOKIE_LABELS = {
  advertising: 'Advertising', analytics: 'Analytics', personalization: 'Personalization / A-B testing',
  social: 'Social', unknown: 'Unknown purpose', preferences: 'Preferences', security: 'Security',
  necessary: 'Necessary for the site',
};

const $ = (id) => document.getElementById(id);

async function currentTabId() {
  // Tests open the popup as a page and name the tab; a real popup asks for the active tab.
  const fromUrl = new URLSearchParams(location.search).get('tab');
  if (fromUrl) return Number(fromUrl);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

function renderCompany(company) {
  const item = $('company-template').content.firstElementChild.cloneNode(true);
  item.dataset.company = company.name;
  item.querySelector('.name').textContent = company.name;
  item.querySelector('.parent').textContent = company.parent ? `(${company.parent})` : '';
  item.querySelector('.requests').textContent = plural(company.requests, 'request');
  const categories = item.querySelector('.categories');
  for (const category of company.categories) {
    const chip = document.createElement('li');
    chip.textContent = LABELS[category] ?? category;
    chip.dataset.category = category;
    chip.classList.toggle('tracking', company.tracker && category !== 'cdn');
    categories.append(chip);
  }
  item.querySelector('.hosts').textContent = `Hosts: ${company.hosts.join(', ')}`;
  const cookies = [
    company.cookiesSent.length ? `sent ${company.cookiesSent.join(', ')}` : '',
    company.cookiesSet.length ? `set ${company.cookiesSet.join(', ')}` : '',
  ].filter(Boolean);
  item.querySelector('.cookies').textContent = cookies.length ? `Cookies: ${cookies.join('; ')}` : '';
  const reasons = item.querySelector('.reasons');
  for (const reason of company.reasons) {
    const line = document.createElement('li');
    line.textContent = reason;
    reasons.append(line);
  }
  return item;
}

function renderCookie(cookie) {
  const item = $('cookie-template').content.firstElementChild.cloneNode(true);
  item.dataset.cookie = cookie.name;
  item.dataset.domain = cookie.domain;
  item.dataset.purpose = cookie.purpose;
  item.querySelector('.name').textContent = cookie.name;
  item.querySelector('.domain').textContent = cookie.domain;
  item.querySelector('.party').textContent = cookie.thirdParty ? 'third party' : '';
  item.querySelector('.vendor').textContent = cookie.vendor ? `Vendor: ${cookie.vendor}.` : 'Vendor unknown.';
  item.querySelector('.identifier').textContent = cookie.identifier ? 'Identifier: yes.' : 'Identifier: no.';
  item.querySelector('.reason').textContent = cookie.reason;
  return item;
}

function renderCookieGroup({ purpose, cookies }) {
  const group = $('cookie-group-template').content.firstElementChild.cloneNode(true);
  group.dataset.purpose = purpose;
  group.querySelector('.purpose').textContent = `${COOKIE_LABELS[purpose] ?? purpose} (${cookies.length})`;
  group.querySelector('.cookie-list').replaceChildren(...cookies.map(renderCookie));
  return group;
}

function renderTrackingParams(params = []) {
  const line = $('params');
  line.hidden = params.length === 0;
  line.title = params.map((p) => p.reason).join('\n');
  line.querySelector('.text').textContent = `this address carries ${params
    .map((p) => (p.company ? `${p.name} (${p.company})` : p.name)).join(', ')}, which tell the site how you got here.`;
}

function renderConsent(consent) {
  const line = $('consent');
  line.hidden = !consent;
  if (!consent) return;
  const cmp = consent.cmpId != null ? ` (consent platform ${consent.cmpId})` : '';
  line.querySelector('.text').textContent = consent.error
    ? `the site's consent string could not be read: ${consent.error}`
    : `${consent.summary}${cmp}`;
}

function render(report, status) {
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
  $('trackers').replaceChildren(...trackers.map(renderCompany));
  $('others').replaceChildren(...others.map(renderCompany));
  $('trackers-section').hidden = trackers.length === 0;
  $('others-section').hidden = others.length === 0;
  const unknown = Object.keys(report.unknownThirdParties).length;
  $('unknown').hidden = unknown === 0;
  $('unknown').textContent = `${plural(unknown, 'other third-party host')} not in TrackLens' knowledge base.`;
  const groups = cookiesByPurpose(report);
  $('cookie-groups').replaceChildren(...groups.map(renderCookieGroup));
  $('cookies-section').hidden = groups.length === 0;
  renderConsent(report.consent);
  renderTrackingParams(report.trackingParams);
}

async function main() {
  const tabId = await currentTabId();
  const key = tabKey(tabId);
  const refresh = async () => {
    const stored = await chrome.storage.session.get([key, 'coreStatus']);
    render(stored[key], stored.coreStatus);
    await renderControls($('controls'), tabId, stored[key]);
  };
  chrome.storage.session.onChanged.addListener((changes) => {
    if (key in changes || 'coreStatus' in changes) refresh();
  });
  await refresh();
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  $('summary').textContent = `TrackLens could not show this tab: ${error.message}`;
});
