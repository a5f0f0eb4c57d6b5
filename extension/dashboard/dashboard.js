// The dashboard: the per-site history across sites. Companies ranked by reach, a site-company
// graph, a visit timeline, a cookie table, exports and the history settings. It reads the history
// from chrome.storage.local and asks the worker for the settings; every change (the history
// preferences, clearing) goes to the worker, the one writer.
// Page-derived names are rendered with textContent (HTML) or as SVG text nodes, never as markup.
import { SITE_KEY_PREFIX, companiesByReach, cookiesAcrossSites, siteRecords } from '../shared/history-model.js';
import { MSG } from '../shared/message-types.js';
import { evidenceDocument, companiesCsv, cookiesCsv } from '../shared/evidence.js';
import { COOKIE_PURPOSE_LABELS, categoryLabel, lifetime, plural } from '../shared/describe.js';
import { VOCABULARY } from '../pkg/vocabulary.js';
import { el, svg } from '../shared/dom.js';
import { renderGraph } from './graph.js';

const $ = (id) => document.getElementById(id);
const state = { records: [], settings: null, profile: null, category: '', sort: { key: 'site', dir: 1 } };

/** "health (physical, …): 2 pages on shop.example (received the page on 1), last 1 Dec 2026". */
function inferredText(item) {
  const received = item.received ? `, received the page on ${item.received}` : '';
  return `${item.label}: ${plural(item.pages, 'page')} on ${item.sites.join(', ')}${received}; last seen ${new Date(item.lastSeen).toLocaleString()}`;
}

/** The core's profile (crate/src/profile.rs, through the worker): per company, what it could infer. */
function renderInferred(profile) {
  const companies = profile?.companies ?? [];
  $('inferred-empty').hidden = companies.length > 0;
  $('inferred-table').hidden = companies.length === 0;
  $('inferred-table').querySelector('tbody').replaceChildren(...companies.map((company) => {
    const row = el('tr', { 'data-company': company.name });
    const list = (items) => {
      const ul = el('ul', { class: 'plain' });
      ul.append(...items.map((i) => el('li', { 'data-name': i.name, title: i.evidence.join('; ') }, inferredText(i))));
      return ul;
    };
    const sensitive = el('td', { class: 'sensitive' });
    sensitive.append(company.sensitive.length ? list(company.sensitive) : '—');
    const topics = el('td', { class: 'topics' });
    topics.append(company.topics.length ? list(company.topics) : '—');
    row.append(el('th', { scope: 'row' }, company.name), sensitive, topics);
    return row;
  }));
  const names = profile?.names ?? [];
  $('inferred-forget').replaceChildren(...(names.length ? [el('p', {}, 'Forget a category or topic (removes it from the history of every site):')] : []),
    ...names.map((n) => el('button', { type: 'button', class: 'forget', 'data-name': n.name }, `Forget ${n.label}`)));
}

function visibleCompanies() {
  const all = companiesByReach(state.records);
  return state.category ? all.filter((c) => c.categories.includes(state.category)) : all;
}

function renderReach(companies) {
  $('reach-empty').hidden = state.records.length > 0;
  $('reach').querySelector('tbody').replaceChildren(...companies.map((company) => {
    const row = el('tr', { 'data-company': company.name, 'data-reach': String(company.reach) });
    const name = el('th', { scope: 'row' }, company.name);
    if (company.tracker) name.prepend(el('span', { 'aria-label': 'tracker ', title: 'tracker' }, '● '));
    // Why TrackLens names this company: the knowledge-base entries and list rules, as recorded.
    const why = el('details', { class: 'why' });
    const reasons = el('ul');
    reasons.append(...company.reasons.map((reason) => el('li', {}, reason)));
    why.append(el('summary', {}, 'Why'), reasons);
    name.append(why);
    const sites = el('td');
    sites.append(el('span', { class: 'reach-count' }, plural(company.reach, 'site')), el('br'), el('span', { class: 'sites' }, company.sites.join(', ')));
    const purposes = el('td');
    purposes.append(...company.categories.map((c) => el('span', { class: 'chip', 'data-category': c }, categoryLabel(c))));
    const fp = company.fingerprinting;
    // The core's state on each site's last visit, in the popup's words; blocked requests apart from sent ones.
    const states = VOCABULARY.companyStates.filter((s) => company.states[s.name])
      .map((s) => `${s.label} on ${plural(company.states[s.name], 'site')}`).join('; ');
    const sent = company.requests - company.blocked;
    row.dataset.blocked = String(company.blocked);
    row.append(name, sites, purposes, el('td', { class: 'states' }, states || '—'),
      el('td', { class: 'requests' }, company.blocked ? `${sent} sent, ${company.blocked} blocked` : `${sent} sent`),
      el('td', {}, fp ? `${fp.level} (${fp.techniques.join(', ')})` : '—'));
    return row;
  }));
}

/** One row per site, a mark per recorded visit along a shared time axis. */
function renderTimeline() {
  const records = [...state.records].sort((a, b) => a.site.localeCompare(b.site));
  const visits = records.flatMap((r) => r.visits);
  if (!visits.length) return $('timeline').replaceChildren();
  const [start, end] = [Math.min(...visits), Math.max(...visits, Math.min(...visits) + 60_000)];
  const [left, right, rowHeight] = [190, 720, 24];
  const height = records.length * rowHeight + 40;
  const x = (t) => left + ((t - start) / (end - start)) * (right - left);
  const root = svg('svg', { viewBox: `0 0 760 ${height}`, width: 760, height, role: 'img' });
  root.append(svg('title', {}, `${plural(visits.length, 'visit')} from ${new Date(start).toLocaleString()} to ${new Date(end).toLocaleString()}`));
  records.forEach((record, i) => {
    const cy = 14 + i * rowHeight;
    const trackers = Object.values(record.companies).filter((c) => c.tracker).length;
    const g = svg('g', { 'data-site': record.site });
    g.append(svg('text', { x: left - 12, y: cy + 4, 'text-anchor': 'end' }, `${record.site} (${trackers})`));
    for (const visit of record.visits) {
      const mark = svg('circle', { class: `visit${trackers ? '' : ' clean'}`, cx: x(visit), cy, r: 5 });
      mark.append(svg('title', {}, `${record.site}, ${new Date(visit).toLocaleString()}: ${plural(trackers, 'tracking company', 'tracking companies')}`));
      g.append(mark);
    }
    root.append(g);
  });
  const axisY = records.length * rowHeight + 8;
  root.append(svg('line', { class: 'axis', x1: left, y1: axisY, x2: right, y2: axisY }),
    svg('text', { x: left, y: axisY + 16 }, new Date(start).toLocaleString()),
    svg('text', { x: right, y: axisY + 16, 'text-anchor': 'end' }, new Date(end).toLocaleString()));
  $('timeline').replaceChildren(root);
}

function cookieRows() {
  const filter = $('cookie-filter').value.trim().toLowerCase();
  const purpose = $('cookie-purpose').value;
  const { key, dir } = state.sort;
  return cookiesAcrossSites(state.records)
    .filter((c) => !purpose || c.purpose === purpose)
    .filter((c) => !filter || [c.name, c.vendor ?? '', c.site, c.domain].some((v) => v.toLowerCase().includes(filter)))
    .sort((a, b) => {
      const [va, vb] = [a[key] ?? '', b[key] ?? ''];
      return (typeof va === 'string' ? va.localeCompare(String(vb)) : Number(va) - Number(vb)) * dir || a.name.localeCompare(b.name);
    });
}

function renderCookies() {
  $('cookies').querySelector('tbody').replaceChildren(...cookieRows().map((c) => {
    const row = el('tr', { 'data-cookie': c.name, 'data-site': c.site });
    row.append(el('td', {}, c.site), el('th', { scope: 'row' }, c.name), el('td', {}, COOKIE_PURPOSE_LABELS[c.purpose] ?? c.purpose),
      el('td', {}, c.vendor ?? 'unknown'), el('td', {}, lifetime(c)), el('td', {}, c.identifier ? 'yes' : 'no'),
      el('td', {}, c.thirdParty ? 'third party' : 'first party'));
    return row;
  }));
  for (const th of $('cookies').querySelectorAll('th[data-key]')) {
    if (th.dataset.key === state.sort.key) th.setAttribute('aria-sort', state.sort.dir > 0 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
}

function fillSelect(select, values, label) {
  const chosen = select.value;
  select.replaceChildren(select.options[0], ...values.map((v) => el('option', { value: v }, label(v))));
  if (values.includes(chosen)) select.value = chosen;
}

function render() {
  const companies = visibleCompanies();
  const trackers = companiesByReach(state.records).filter((c) => c.tracker);
  $('totals').textContent = `${plural(state.records.length, 'site')} · ${plural(trackers.length, 'tracking company', 'tracking companies')}`
    + (trackers[0] ? ` · ${trackers[0].name} followed you on ${plural(trackers[0].reach, 'site')}` : '');
  fillSelect($('category'), [...new Set(companiesByReach(state.records).flatMap((c) => c.categories))].sort(), categoryLabel);
  fillSelect($('scope'), state.records.map((r) => r.site).sort(), (s) => s);
  fillSelect($('cookie-purpose'), [...new Set(cookiesAcrossSites(state.records).map((c) => c.purpose))].sort(), (p) => COOKIE_PURPOSE_LABELS[p] ?? p);
  renderInferred(state.profile);
  renderReach(companies);
  renderGraph($('graph'), companies);
  renderTimeline();
  renderCookies();
  $('history-enabled').checked = state.settings.historyEnabled;
  $('retention').value = String(state.settings.retentionDays);
}

async function askSettings() {
  const answer = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_GET });
  if (!answer?.ok) throw new Error(answer?.error ?? 'the settings could not be read');
  return answer.settings;
}

async function askProfile() {
  const answer = await chrome.runtime.sendMessage({ type: MSG.PROFILE_GET });
  return answer?.ok ? answer.profile : null;
}

async function load() {
  const [all, settings, profile] = await Promise.all([chrome.storage.local.get(null), askSettings(), askProfile()]);
  state.records = siteRecords(all);
  state.settings = settings;
  state.profile = profile;
  render();
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function exportDoc() {
  const site = $('scope').value || null;
  const { version } = chrome.runtime.getManifest();
  return evidenceDocument(state.records, { site, generator: `TrackLens ${version}`, profile: state.profile });
}

const stamp = () => new Date().toISOString().slice(0, 10);
const scopeName = () => $('scope').value || 'all-sites';

/** Changes history preferences through the worker; says so when the core refuses the value. */
async function saveSettings(fields) {
  const answer = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_CHANGE, edit: { kind: 'merge', fields } });
  if (!answer?.ok) {
    $('totals').textContent = `Not saved: ${(answer?.problems ?? [answer?.error ?? 'no answer']).join('; ')}`;
    return false;
  }
  state.settings = answer.settings;
  return true;
}

function wire() {
  $('category').addEventListener('change', (e) => {
    state.category = e.target.value;
    render();
  });
  $('cookie-filter').addEventListener('input', renderCookies);
  $('cookie-purpose').addEventListener('change', renderCookies);
  for (const th of $('cookies').querySelectorAll('th[data-key]')) {
    th.querySelector('button').addEventListener('click', () => {
      const { key } = th.dataset;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      renderCookies();
    });
  }
  $('export-json').addEventListener('click', () => download(`tracklens-evidence-${scopeName()}-${stamp()}.json`, 'application/json', `${JSON.stringify(exportDoc(), null, 2)}\n`));
  $('export-csv').addEventListener('click', () => download(`tracklens-companies-${scopeName()}-${stamp()}.csv`, 'text/csv', companiesCsv(exportDoc())));
  $('export-cookies-csv').addEventListener('click', () => download(`tracklens-cookies-${scopeName()}-${stamp()}.csv`, 'text/csv', cookiesCsv(exportDoc())));
  $('clear').addEventListener('click', async () => {
    const site = $('scope').value || null;
    if (!window.confirm(site ? `Delete the history of ${site}?` : 'Delete the whole history?')) return;
    await chrome.runtime.sendMessage({ type: MSG.HISTORY_CLEAR, site });
    await load();
  });
  $('inferred-forget').addEventListener('click', async (e) => {
    const name = e.target.closest('button.forget')?.dataset.name;
    if (!name) return;
    await chrome.runtime.sendMessage({ type: MSG.PROFILE_FORGET, name });
    await load();
  });
  $('history-enabled').addEventListener('change', (e) => saveSettings({ historyEnabled: e.target.checked }));
  // A shorter retention applies at once: the worker prunes what is now too old.
  $('retention').addEventListener('change', async (e) => {
    if (!(await saveSettings({ retentionDays: Number(e.target.value) }))) return;
    await chrome.runtime.sendMessage({ type: MSG.HISTORY_PRUNE });
    await load();
  });
  chrome.storage.local.onChanged.addListener((changes) => {
    if (Object.keys(changes).some((k) => k.startsWith(SITE_KEY_PREFIX))) load();
  });
}

wire();
load().then(() => {
  document.body.dataset.ready = 'true';
}, (error) => {
  $('totals').textContent = `TrackLens could not read its history: ${error.message}`;
});
