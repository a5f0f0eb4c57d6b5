// Demo stand-in for a consent-management platform (OneTrust-style, IAB TCF v2.2). Shows a banner;
// the visitor's choice is stored as an IAB TCF v2 consent string in the euconsent-v2 cookie and as
// the platform's own OptanonConsent cookie. Note that, as on many real sites, the page's tags do
// not wait for the choice: the demo shows tracking that happens before any consent.
(function () {
  // Real TCF v2.2 core strings (version 2, CMP 10, vendor list 150, policy 5, publisher DE).
  // ACCEPT: purposes 1-11 consented, vendors 91, 755 and 793. REJECT: nothing consented.
  var STRINGS = {
    accept: 'CQIpoVAQIpoVAAKABBENCWFgAP_gAH_gAAYgGMgAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAIGMgAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAIAA',
    reject: 'CQIpoVAQIpoVAAKABBENCWFgAAAAAAAAAAYgAAAAAAAA',
  };
  var year = 31536000;
  // The banner's markup follows OneTrust's own (#onetrust-consent-sdk > #onetrust-banner-sdk with
  // #onetrust-accept-btn-handler and #onetrust-reject-all-handler), which consent tools such as
  // DuckDuckGo's autoconsent recognise on real sites.
  function choose(choice) {
    document.cookie = 'euconsent-v2=' + STRINGS[choice] + '; max-age=' + year + '; path=/; SameSite=Lax; Secure';
    var groups = choice === 'accept' ? 'C0001:1,C0002:1,C0003:1,C0004:1' : 'C0001:1,C0002:0,C0003:0,C0004:0';
    document.cookie = 'OptanonConsent=isGpcEnabled=0&datestamp=' + encodeURIComponent(new Date().toString()) +
      '&version=202411.1.0&groups=' + encodeURIComponent(groups) + '; max-age=' + year + '; path=/; SameSite=Lax; Secure';
    document.cookie = 'OptanonAlertBoxClosed=' + new Date().toISOString() + '; max-age=' + year + '; path=/; SameSite=Lax; Secure';
    window.OnetrustActiveGroups = choice === 'accept' ? ',C0001,C0002,C0003,C0004,' : ',C0001,';
    document.getElementById('onetrust-banner-sdk').style.display = 'none';
  }
  function element(tag, id, text) {
    var node = document.createElement(tag);
    if (id) node.id = id;
    if (text) node.textContent = text;
    return node;
  }
  function show() {
    if (!document.body || /(?:^|; )euconsent-v2=/.test(document.cookie)) return;
    var sdk = element('div', 'onetrust-consent-sdk');
    var banner = element('div', 'onetrust-banner-sdk');
    banner.className = 'otFlat';
    banner.setAttribute('role', 'region');
    banner.setAttribute('aria-label', 'Cookie banner');
    var policy = element('div', 'onetrust-policy');
    policy.append(element('p', 'onetrust-policy-text', 'We and our 3 partners use cookies to personalise ads and measure our audience.'));
    var group = element('div', 'onetrust-button-group');
    var accept = element('button', 'onetrust-accept-btn-handler', 'Accept all');
    accept.onclick = function () { choose('accept'); };
    var reject = element('button', 'onetrust-reject-all-handler', 'Reject all');
    reject.onclick = function () { choose('reject'); };
    group.append(reject, accept);
    var parent = element('div', 'onetrust-button-group-parent');
    parent.append(group);
    banner.append(policy, parent);
    sdk.append(banner);
    document.body.append(sdk);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
  else show();
})();
