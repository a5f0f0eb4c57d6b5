// Deletes a site's cookies by purpose (the core's classifyCookie decides each one's purpose), and
// keeps them deleted: while the site's settings list a purpose under deleteCookies, a cookie of
// that purpose set again, by the site or by a third party on its pages, is removed at once.
import { siteOf } from './protection.js';
import { distinctCookies, pageCookieQueries, removalOf } from '../shared/platform.js';

export function createCookieCleaner({ cookieStore, core, loadSettings, reportsForSite, onError = console.error }) {
  /** The cookies a page of `site` and its third parties hold. */
  async function cookiesOf(site, thirdPartySites) {
    const domains = [site, ...thirdPartySites.filter((d) => d !== site)];
    const reads = domains.flatMap((domain) => pageCookieQueries({ domain }, site));
    return distinctCookies((await Promise.all(reads.map((query) => cookieStore.getAll(query).catch(() => [])))).flat());
  }

  async function remove(cookie) {
    await cookieStore.remove(removalOf(cookie));
  }

  function purposeOf(api, cookie, pageUrl) {
    try {
      return api.classifyCookie(cookie, pageUrl).purpose;
    } catch (error) {
      onError('TrackLens: could not classify a cookie', error);
      return null;
    }
  }

  /**
   * Deletes the cookies of `purposes` that pages of `site` (and the third parties in
   * `thirdPartySites`) hold. Resolves to [{name, domain, purpose}] deleted.
   */
  async function deleteByPurpose(site, purposes, thirdPartySites = []) {
    const api = await core;
    const pageUrl = `https://${site}/`;
    const deleted = [];
    for (const cookie of await cookiesOf(site, thirdPartySites)) {
      const purpose = purposeOf(api, cookie, pageUrl);
      if (!purposes.includes(purpose)) continue;
      await remove(cookie);
      deleted.push({ name: cookie.name, domain: cookie.domain, purpose });
    }
    return deleted;
  }

  /** chrome.cookies.onChanged: a cookie the user had deleted comes back, so it goes again. */
  async function changed({ removed, cookie }) {
    if (removed) return;
    const { settings } = await loadSettings();
    const host = cookie.domain.replace(/^\./, '');
    for (const [site, siteSettings] of Object.entries(settings.sites ?? {})) {
      const purposes = siteSettings.deleteCookies ?? [];
      if (!purposes.length || siteSettings.mode === 'paused') continue;
      const firstParty = siteOf(host, site);
      const onItsPages = firstParty || (await reportsForSite(site)).some((report) =>
        (report.thirdPartySites ?? []).some((thirdParty) => siteOf(host, thirdParty)));
      if (!onItsPages) continue;
      const api = await core;
      if (purposes.includes(purposeOf(api, cookie, `https://${site}/`))) {
        await remove(cookie);
        return;
      }
    }
  }

  return {
    deleteByPurpose,
    changed: (change) => changed(change).catch((error) => onError('TrackLens: could not keep a cookie deleted', error)),
  };
}
