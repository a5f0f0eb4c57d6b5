// The popup's controls, where they apply: trust or pause this site, block or allow each company
// here or everywhere, delete this site's cookies by purpose, decline the consent banner, and what
// protection did (GPC sent, banner declined, trackers that ignored the refusal). Renders into the
// popup's <section id="controls">; every change goes to the worker as an edit, which the worker
// applies to the stored settings, checks with the core and puts into effect. How the settings
// treat each company comes from the core too (treatment.rs, through the worker): the popup only
// words it. Page-derived text is set with textContent only.
import { companiesByConcern, COOKIE_PURPOSE_ORDER } from '../shared/tab-report.js';
import { CATEGORY_LABELS, COOKIE_PURPOSE_LABELS, isWebLink } from '../shared/describe.js';
import { VOCABULARY } from '../pkg/vocabulary.js';
import { MSG } from '../shared/message-types.js';

const TREATMENT_TEXT = { block: 'blocked', strip: 'loads without cookies', allow: 'allowed' };
const DELETABLE = new Set(VOCABULARY.cookiePurposes.filter((p) => p.choosable).map((p) => p.name));

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

/** Words for the core's `decidedBy` (treatment.rs): which setting decided. */
function decidedText({ setting, scope, name, default: isDefault } = {}, treatment) {
  const where = scope === 'site' ? ' for this site' : ' everywhere';
  switch (setting) {
    case 'trusted': return 'you trust this site';
    case 'paused': return 'protection paused on this site';
    case 'company': return `your choice${where}`;
    case 'domain': return `your choice for ${name}${where}`;
    case 'category': return `${CATEGORY_LABELS[name] ?? name}: ${TREATMENT_TEXT[treatment]}${scope === 'site' ? ' on this site' : ''}${isDefault ? ' (default)' : ''}`;
    default: return 'not blocked';
  }
}

/**
 * What the settings do to a company's requests, and why: the core's answer for the company's
 * hosts (`treatments`, from the worker's MSG.SETTINGS_GET), the first host's when they differ.
 */
export function companyTreatment(treatments, company) {
  const answers = (company.hosts ?? []).map((host) => treatments?.[host]).filter(Boolean);
  if (!answers.length) return { treatment: null, why: 'not blocked' };
  const [first] = answers;
  const varies = answers.some((a) => a.treatment !== first.treatment);
  const why = decidedText(first.decidedBy, first.treatment) + (varies ? '; other hosts of it are treated differently' : '');
  return { treatment: first.treatment ?? null, why };
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

function companyRow(treatments, company) {
  const { treatment, why } = companyTreatment(treatments, company);
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
    .filter((p) => DELETABLE.has(p))
    .sort((a, b) => COOKIE_PURPOSE_ORDER.indexOf(a) - COOKIE_PURPOSE_ORDER.indexOf(b));
  if (!purposes.length) return null;
  const boxes = purposes.map((purpose) => el('label', {}, [
    el('input', { type: 'checkbox', name: 'purpose', value: purpose, checked: purpose === 'advertising' || purpose === 'personalization' }),
    ` ${COOKIE_PURPOSE_LABELS[purpose] ?? purpose}`,
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

/** The settings edit (background/settings.js applyEdit) for the user's click on `data`, or null. */
export function editFor(site, data) {
  if (data.action === 'site-mode') return { kind: 'site-mode', site, mode: data.mode };
  if (data.action === 'company') return { kind: 'company', site, scope: data.scope, company: data.company, treatment: data.treatment };
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

/** Asks the worker for the settings and how they treat every host of the report's companies. */
export async function describeSettings(report) {
  if (!report?.site) return null;
  const hosts = [...new Set(Object.values(report.companies ?? {}).flatMap((c) => c.hosts ?? []))];
  const answer = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_GET, site: report.site, hosts });
  if (!answer?.ok) return null;
  answer.treatments = Object.fromEntries((answer.treatments ?? []).map((t) => [t.host, t]));
  return answer;
}

/**
 * Renders the controls for the tab's report into `section` (the popup's #controls), with
 * `described` from describeSettings(report). Safe to call again on every report change.
 */
export async function renderControls(section, tabId, report, described) {
  if (!section) return;
  const settings = described?.settings;
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
    trackers.length ? el('ul', { id: 'company-controls' }, trackers.map((c) => companyRow(described.treatments, c))) : '',
    cookieSection(report) ?? '',
    status,
  );
  section.onclick = async (event) => {
    const target = event.target.closest('button[data-action]');
    if (!target) return;
    const data = { ...target.dataset };
    let answer;
    if (data.action === 'decline') {
      answer = await chrome.runtime.sendMessage({ type: MSG.CONSENT_DECLINE, tabId });
    } else if (data.action === 'delete-cookies') {
      const purposes = [...section.querySelectorAll('input[name="purpose"]:checked')].map((box) => box.value);
      const keep = section.querySelector('input[name="keep"]').checked;
      answer = await chrome.runtime.sendMessage({ type: MSG.COOKIES_DELETE, tabId, purposes, keep });
      if (answer?.ok) say(section, `Deleted ${answer.deleted.length} cookies${keep ? '; they stay deleted while you keep this setting' : ''}.`);
    } else {
      answer = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_CHANGE, edit: editFor(site, data) });
      if (answer?.ok) {
        await renderControls(section, tabId, report, await describeSettings(report));
        say(section, 'Saved. Reload the page to see the difference.');
      }
    }
    if (!answer?.ok) say(section, `Not done: ${answer?.error ?? (answer?.problems ?? []).join('; ')}`);
  };
}
