// Puts the settings into effect: the core compiles them into declarativeNetRequest dynamic rules,
// which this module installs by difference (only changed ids are removed and added, so running it
// twice changes nothing); the optional EasyPrivacy static ruleset is switched on or off; the
// MAIN-world script that sets navigator.globalPrivacyControl is registered for every site but
// paused ones.
import { fitRules } from '../shared/platform.js';

export const EASYPRIVACY_RULESET = 'easyprivacy';
export const GPC_SCRIPT_ID = 'tracklens-gpc';
const GPC_SCRIPT_FILE = 'extension/content/gpc.js';

/**
 * Installs `rules` (from compileProtection) as the dynamic rules. Resolves to { added, removed }.
 * Rules are compared by their JSON: an id whose rule changed is replaced.
 */
export async function syncDynamicRules(dnr, rules) {
  const current = await dnr.getDynamicRules();
  const wanted = new Map(rules.map((rule) => [rule.id, JSON.stringify(canonical(rule))]));
  const have = new Map(current.map((rule) => [rule.id, JSON.stringify(canonical(rule))]));
  const removeRuleIds = [...have].filter(([id, json]) => wanted.get(id) !== json).map(([id]) => id);
  const addRules = rules.filter((rule) => have.get(rule.id) !== wanted.get(rule.id));
  if (removeRuleIds.length || addRules.length) await dnr.updateDynamicRules({ removeRuleIds, addRules });
  return { added: addRules.length, removed: removeRuleIds.length };
}

/** Chrome returns rules with its own key order and defaults filled in; compare what we set. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort()
      .filter((key) => !(key === 'isUrlFilterCaseSensitive' && value[key] === false))
      .map((key) => [key, canonical(value[key])]));
  }
  return value;
}

export async function syncRulesets(dnr, settings) {
  const enabled = await dnr.getEnabledRulesets();
  const on = enabled.includes(EASYPRIVACY_RULESET);
  if (settings.easyPrivacy === on) return;
  await dnr.updateEnabledRulesets(settings.easyPrivacy
    ? { enableRulesetIds: [EASYPRIVACY_RULESET] }
    : { disableRulesetIds: [EASYPRIVACY_RULESET] });
}

/** Match patterns for a site and its subdomains. */
export function sitePatterns(site) {
  return [`*://${site}/*`, `*://*.${site}/*`];
}

export function pausedSites(settings) {
  return Object.entries(settings.sites ?? {}).filter(([, s]) => s.mode === 'paused').map(([site]) => site);
}

/** Registers, updates or removes the script that tells pages GPC is on. */
export async function syncGpcScript(scripting, settings) {
  const [registered] = await scripting.getRegisteredContentScripts({ ids: [GPC_SCRIPT_ID] });
  if (!settings.gpc) {
    if (registered) await scripting.unregisterContentScripts({ ids: [GPC_SCRIPT_ID] });
    return;
  }
  const excludeMatches = pausedSites(settings).flatMap(sitePatterns);
  const script = {
    id: GPC_SCRIPT_ID,
    js: [GPC_SCRIPT_FILE],
    matches: ['http://*/*', 'https://*/*'],
    runAt: 'document_start',
    world: 'MAIN',
    allFrames: true,
    persistAcrossSessions: true,
  };
  if (excludeMatches.length) script.excludeMatches = excludeMatches;
  if (!registered) return scripting.registerContentScripts([script]);
  const same = JSON.stringify(registered.excludeMatches ?? []) === JSON.stringify(excludeMatches);
  if (same) return undefined;
  // updateContentScripts cannot clear excludeMatches; replace the registration instead.
  await scripting.unregisterContentScripts({ ids: [GPC_SCRIPT_ID] });
  return scripting.registerContentScripts([script]);
}

/**
 * Everything at once, for the worker's start and every settings change. Resolves to
 * { rules, added, removed, skipped }.
 */
export async function applySettings({ core, dnr, scripting }, settings) {
  const api = await core;
  const compiled = api.compileProtection(settings);
  const rules = fitRules(compiled.rules, Object.values(dnr.ResourceType ?? {}));
  const { added, removed } = await syncDynamicRules(dnr, rules);
  const dropped = compiled.rules.length - rules.length;
  const skipped = dropped ? [...compiled.skipped, `${dropped} rules: no resource type this browser blocks`] : compiled.skipped;
  await syncRulesets(dnr, settings);
  await syncGpcScript(scripting, settings);
  return { rules: rules.length, added, removed, skipped };
}

/** Whether `host` belongs to `site` (a registrable domain): the site itself or a subdomain. */
export function siteOf(host, site) {
  return host === site || host.endsWith(`.${site}`);
}

/** The settings' site that `host` belongs to, or null. */
export function siteFor(settings, host) {
  return Object.keys(settings?.sites ?? {}).find((site) => siteOf(host, site)) ?? null;
}
