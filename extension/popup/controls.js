// The popup's controls, where they apply: trust or pause this site, block or allow each company
// here or everywhere, delete this site's cookies by purpose, decline the consent banner, and what
// protection did (GPC sent, banner declined, trackers that ignored the refusal). Renders into the
// popup's <section id="controls">; every change goes to the worker, which checks and applies it.
// Page-derived text is set with textContent only.
import { CHOOSABLE_CATEGORIES } from '../shared/categories.js';
import { companiesByConcern, COOKIE_PURPOSE_ORDER } from '../shared/tab-report.js';
import { isWebLink } from '../shared/describe.js';

export const SETTINGS_KEY = 'settings';
const CATEGORY_NAMES = Object.fromEntries(CHOOSABLE_CATEGORIES);
const TREATMENT_TEXT = { block: 'blocked', strip: 'loads without cookies', allow: 'allowed' };

function el(tag, { text, className, data = {}, ...props } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  Object.assign(node, props);
  for (const [key, value] of Object.entries(data)) node.dataset[key] = value;
  node.append(...children);
  return node;
}

function button(text, action, extra = {}) {
  return el('button', { type: 'button', text, data: { action, ...extra } });
}

/** What the settings do to a company's requests on `site`, and why. */
export function companyTreatment(settings, site, company) {
  const here = settings.sites?.[site] ?? {};
  if (here.mode === 'paused') return { treatment: 'allow', why: 'protection paused on this site' };
  if (here.mode === 'trusted') return { treatment: 'allow', why: 'you trust this site' };
  if (here.companies?.[company.name]) return { treatment: here.companies[company.name], why: 'your choice for this site' };
  if (settings.companies?.[company.name]) return { treatment: settings.companies[company.name], why: 'your choice everywhere' };
  for (const scope of [here.categories ?? {}, settings.categories ?? {}]) {
    for (const treatment of ['block', 'strip']) {
      const category = company.categories.find((c) => scope[c] === treatment);
      if (category) return { treatment, why: `${CATEGORY_NAMES[category] ?? category}: ${TREATMENT_TEXT[treatment]}` };
    }
  }
  return { treatment: null, why: 'not blocked' };
}

/** Only links to web pages: the knowledge base is packaged, but a link is a link. */
function safeLink(href, text) {
  return isWebLink(href)
    ? el('a', { href, text, target: '_blank', rel: 'noopener noreferrer' }) : null;
}

function siteSection(settings, site) {
  const mode = settings.sites?.[site]?.mode ?? 'protect';
  const state = {
    protect: 'Protection is on for this site.',
    trusted: 'You trust this site: nothing is blocked or stripped here.',
    paused: 'Protection is paused on this site: TrackLens changes nothing here.',
  }[mode];
  const actions = mode === 'protect'
    ? [button('Trust this site', 'site-mode', { mode: 'trusted' }), button('Pause protection here', 'site-mode', { mode: 'paused' })]
    : [button('Protect this site again', 'site-mode', { mode: 'protect' })];
  return el('div', { className: 'site-mode', data: { mode } }, [el('p', { id: 'site-mode', text: state }), el('p', { className: 'actions' }, actions)]);
}

function companyRow(settings, site, company) {
  const { treatment, why } = companyTreatment(settings, site, company);
  const links = [safeLink(company.optOut, 'Opt out'), safeLink(company.privacyPolicy, 'Privacy policy')].filter(Boolean);
  return el('li', { className: 'control-company', data: { company: company.name, treatment: treatment ?? 'none' } }, [
    el('span', { className: 'name', text: company.name }),
    el('span', { className: 'treatment', text: ` ${TREATMENT_TEXT[treatment] ?? 'not blocked'} (${why})` }),
    el('span', { className: 'actions' }, [
      button('Block here', 'company', { company: company.name, scope: 'site', treatment: 'block' }),
      button('Allow here', 'company', { company: company.name, scope: 'site', treatment: 'allow' }),
      button('Block everywhere', 'company', { company: company.name, scope: 'all', treatment: 'block' }),
    ]),
    el('span', { className: 'links' }, links),
  ]);
}

function cookieSection(report) {
  const purposes = [...new Set((report.cookies ?? []).map((c) => c.purpose))]
    .filter((p) => p !== 'necessary')
    .sort((a, b) => COOKIE_PURPOSE_ORDER.indexOf(a) - COOKIE_PURPOSE_ORDER.indexOf(b));
  if (!purposes.length) return null;
  const boxes = purposes.map((purpose) => el('label', {}, [
    el('input', { type: 'checkbox', name: 'purpose', value: purpose, checked: purpose === 'advertising' || purpose === 'personalization' }),
    ` ${purpose}`,
  ]));
  return el('div', { className: 'delete-cookies' }, [
    el('p', { text: 'Delete this site\'s cookies for:' }), ...boxes,
    el('label', {}, [el('input', { type: 'checkbox', name: 'keep', checked: true }), ' and keep them from coming back']),
    button('Delete cookies', 'delete-cookies'),
  ]);
}

function consentSection(report) {
  const lines = [];
  if (report.gpc) lines.push(el('p', { id: 'gpc-sent', text: 'Global Privacy Control was sent: this site was told not to sell or share your data.' }));
  const declined = report.declined;
  if (declined) {
    const text = {
      found: declined.auto ? `Consent banner (${declined.cmp}) found; declining…` : `Consent banner (${declined.cmp}) found.`,
      declining: `Declining the consent banner (${declined.cmp})…`,
      declined: `Consent banner (${declined.cmp}) declined ${declined.auto ? 'automatically' : 'for you'}.`,
      failed: `Could not decline the consent banner (${declined.cmp}).`,
      accepted: `The consent banner (${declined.cmp}) was accepted.`,
    }[declined.status] ?? '';
    const line = el('p', { id: 'declined', text, data: { status: declined.status } });
    if (declined.status === 'found' && !declined.auto) line.append(' ', button('Decline', 'decline'));
    lines.push(line);
  }
  const consent = report.consent;
  if (consent?.format === 'tcf' && !consent.error) {
    const purposes = consent.purposes.length ? `consent for purposes ${consent.purposes.join(', ')}` : 'no purpose consented';
    lines.push(el('p', { id: 'tcf-result', text: `Resulting TCF string: ${purposes}, ${consent.vendors} vendors. ${consent.summary}` }));
  }
  const ignored = report.ignoredRefusal ?? [];
  if (ignored.length) {
    lines.push(el('p', { className: 'warning', text: 'Ignored your refusal: still loading and keeping identifier cookies after you said no:' }));
    lines.push(el('ul', { id: 'ignored-refusal' }, ignored.map((entry) => el('li', {
      data: { company: entry.company },
      text: `${entry.company}: ${entry.cookies.join(', ')} (after ${entry.refusals.join(', ')})`,
    }))));
  }
  return lines;
}

function withSite(settings, site) {
  const next = structuredClone(settings);
  next.sites ??= {};
  next.sites[site] ??= { mode: 'protect', categories: {}, companies: {}, domains: {}, deleteCookies: [] };
  return next;
}

/** The settings after the user's click on `data`, or null when the click changes no setting. */
export function changedSettings(settings, site, data) {
  if (data.action === 'site-mode') {
    const next = withSite(settings, site);
    next.sites[site].mode = data.mode;
    return next;
  }
  if (data.action === 'company') {
    const next = withSite(settings, site);
    const scope = data.scope === 'all' ? next : next.sites[site];
    scope.companies = { ...scope.companies, [data.company]: data.treatment };
    return next;
  }
  return null;
}

// The outcome of the user's last click. The section is rebuilt whenever the tab's report changes
// (cookies are read again after load), so the message must outlive the element showing it.
let lastStatus = '';

function say(section, text) {
  lastStatus = text;
  const status = section.querySelector('#controls-status');
  if (status) status.textContent = text;
}

/**
 * Renders the controls for the tab's report into `section` (the popup's #controls). Safe to call
 * again on every report change.
 */
export async function renderControls(section, tabId, report) {
  if (!section) return;
  const { [SETTINGS_KEY]: settings } = await chrome.storage.local.get(SETTINGS_KEY);
  if (!settings || !report?.site) {
    section.replaceChildren();
    return;
  }
  const site = report.site;
  const status = el('p', { id: 'controls-status', role: 'status', text: lastStatus });
  const trackers = companiesByConcern(report).filter((c) => c.tracker);
  section.replaceChildren(
    el('h2', { text: 'Protection' }),
    siteSection(settings, site),
    ...consentSection(report),
    trackers.length ? el('ul', { id: 'company-controls' }, trackers.map((c) => companyRow(settings, site, c))) : '',
    cookieSection(report) ?? '',
    status,
  );
  section.onclick = async (event) => {
    const target = event.target.closest('button[data-action]');
    if (!target) return;
    const data = { ...target.dataset };
    let answer;
    if (data.action === 'decline') {
      answer = await chrome.runtime.sendMessage({ type: 'tracklens/consent/decline', tabId });
    } else if (data.action === 'delete-cookies') {
      const purposes = [...section.querySelectorAll('input[name="purpose"]:checked')].map((box) => box.value);
      const keep = section.querySelector('input[name="keep"]').checked;
      answer = await chrome.runtime.sendMessage({ type: 'tracklens/cookies/delete', tabId, purposes, keep });
      if (answer?.ok) say(section, `Deleted ${answer.deleted.length} cookies${keep ? '; they stay deleted while you keep this setting' : ''}.`);
    } else {
      const next = changedSettings(settings, site, data);
      answer = await chrome.runtime.sendMessage({ type: 'tracklens/settings/save', settings: next });
      if (answer?.ok) {
        await renderControls(section, tabId, report);
        say(section, 'Saved. Reload the page to see the difference.');
      }
    }
    if (!answer?.ok) say(section, `Not done: ${answer?.error ?? (answer?.problems ?? []).join('; ')}`);
  };
}
