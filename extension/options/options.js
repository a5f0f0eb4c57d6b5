// The options page: default protection by purpose and on sites about sensitive subjects,
// signals, trusted and paused sites, and export and import of the settings as JSON. It asks the
// worker for the settings and sends it every change (an edit of the form's fields, or a whole
// imported file), which the worker checks with the core and applies; a change the core does not
// accept (a bad import, one with more entries than TrackLens keeps) is refused whole, and the
// page lists why and what would be dropped.
import { CHOOSABLE_CATEGORIES } from '../shared/categories.js';
import { TREATMENT_LABELS } from '../shared/describe.js';
import { VOCABULARY } from '../pkg/vocabulary.js';
import { MSG } from '../shared/message-types.js';

const FLAGS = ['gpc', 'dnt', 'removeTrackingParams', 'easyPrivacy'];
const $ = (id) => document.getElementById(id);
const form = $('settings');
let current = null;

function say(text, { error = false, problems = [] } = {}) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
  const list = $('problems');
  list.replaceChildren(...problems.map((problem) => {
    const item = document.createElement('li');
    item.textContent = problem;
    return item;
  }));
  list.hidden = problems.length === 0;
}

function render(settings) {
  current = settings;
  const rows = CHOOSABLE_CATEGORIES.map(([category, label]) => {
    const row = $('category-row').content.firstElementChild.cloneNode(true);
    row.querySelector('th').textContent = label;
    const select = row.querySelector('select');
    // The same words as the popup's control: the core's vocabulary (vocabulary.rs).
    select.append(...VOCABULARY.treatments.map((t) => new Option(TREATMENT_LABELS[t.name], t.name)));
    select.name = `category:${category}`;
    select.value = settings.categories?.[category] ?? '';
    return row;
  });
  $('categories').replaceChildren(...rows);
  // Only the treatments stronger than loading (sensitive_pages.rs); the core refuses others.
  $('sensitive-pages').replaceChildren(...VOCABULARY.sensitiveCategories.map(({ name, label }) => {
    const row = $('category-row').content.firstElementChild.cloneNode(true);
    row.querySelector('th').textContent = `Sites about ${label}`;
    const select = row.querySelector('select');
    select.options[0].text = 'As on other sites';
    select.append(...VOCABULARY.treatments.filter((t) => t.name !== 'allow').map((t) => new Option(TREATMENT_LABELS[t.name], t.name)));
    select.name = `sensitive:${name}`;
    select.value = settings.sensitivePages?.[name] ?? '';
    return row;
  }));
  for (const flag of FLAGS) form.elements[flag].checked = Boolean(settings[flag]);
  form.elements.consent.value = settings.consent;
  const special = Object.entries(settings.sites ?? {}).filter(([, site]) => site.mode !== 'protect');
  $('sites').replaceChildren(...special.map(([name, site]) => {
    const row = $('site-row').content.firstElementChild.cloneNode(true);
    row.dataset.site = name;
    row.querySelector('.name').textContent = name;
    // As the popup's site switch says it.
    row.querySelector('.mode').textContent = site.mode === 'paused' ? '(Pause: TrackLens changes nothing here)' : '(Trust: nothing blocked or stripped here)';
    row.querySelector('.forget').addEventListener('click', () => change({ kind: 'site-mode', site: name, mode: 'protect' }, `${name} is protected again.`));
    return row;
  }));
  $('no-sites').hidden = special.length > 0;
}

/** The form's fields, as an edit: the rest of the settings (sites, history) is left as stored. */
function formEdit() {
  const fields = { categories: {}, sensitivePages: {}, consent: form.elements.consent.value };
  for (const [category] of CHOOSABLE_CATEGORIES) {
    const value = form.elements[`category:${category}`].value;
    if (value) fields.categories[category] = value;
  }
  for (const { name } of VOCABULARY.sensitiveCategories) {
    const value = form.elements[`sensitive:${name}`].value;
    if (value) fields.sensitivePages[name] = value;
  }
  for (const flag of FLAGS) fields[flag] = form.elements[flag].checked;
  return { kind: 'merge', fields };
}

const save = (settings, done) => answered(chrome.runtime.sendMessage({ type: MSG.SETTINGS_SAVE, settings }), done);
const change = (edit, done) => answered(chrome.runtime.sendMessage({ type: MSG.SETTINGS_CHANGE, edit }), done);

async function answered(request, done) {
  const answer = await request;
  if (!answer?.ok) {
    say('Nothing was changed: TrackLens could not accept these settings.', { error: true, problems: answer?.problems ?? [answer?.error ?? 'no answer'] });
    return false;
  }
  render(answer.settings);
  say(done);
  return true;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  change(formEdit(), 'Saved. The new protection applies to every request from now on.');
});

// What is stored now, as the worker has it (another page may have changed it since this one opened).
$('export').addEventListener('click', async () => {
  const answer = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_GET });
  if (!answer?.ok) return say(`Not exported: ${answer?.error ?? 'no answer'}`, { error: true });
  const blob = new Blob([`${JSON.stringify(answer.settings, null, 2)}\n`], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = 'tracklens-settings.json';
  link.click();
  // Revoked later: the download may start after click() returns.
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});

$('import').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (!file) return;
  let parsed;
  try {
    parsed = JSON.parse(await file.text());
  } catch (error) {
    say(`Nothing was changed: ${file.name} is not JSON (${error.message}).`, { error: true });
    return;
  }
  await save(parsed, `Imported ${file.name}.`);
});

const stored = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_GET }).catch((error) => ({ ok: false, error }));
const problems = stored?.problems ?? [];
if (stored?.ok) render(stored.settings);
else say(`TrackLens could not read its settings: ${stored?.error ?? 'no answer'}`, { error: true });
if (problems.length) say('Some stored settings could not be read and were left out; the rest is in effect.', { error: true, problems });
document.body.dataset.ready = 'true';
