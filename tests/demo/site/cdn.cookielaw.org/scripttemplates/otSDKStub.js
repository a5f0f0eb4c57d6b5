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
  function choose(choice) {
    document.cookie = 'euconsent-v2=' + STRINGS[choice] + '; max-age=' + year + '; path=/; SameSite=Lax; Secure';
    var groups = choice === 'accept' ? 'C0001:1,C0002:1,C0003:1,C0004:1' : 'C0001:1,C0002:0,C0003:0,C0004:0';
    document.cookie = 'OptanonConsent=isGpcEnabled=0&datestamp=' + encodeURIComponent(new Date().toString()) +
      '&version=202411.1.0&groups=' + encodeURIComponent(groups) + '; max-age=' + year + '; path=/; SameSite=Lax; Secure';
    document.getElementById('consent-banner').hidden = true;
  }
  function show() {
    var banner = document.getElementById('consent-banner');
    if (!banner || /(?:^|; )euconsent-v2=/.test(document.cookie)) return;
    var text = document.createElement('p');
    text.textContent = 'We and our 3 partners use cookies to personalise ads and measure our audience.';
    var accept = document.createElement('button');
    accept.id = 'onetrust-accept-btn-handler';
    accept.textContent = 'Accept all';
    accept.onclick = function () { choose('accept'); };
    var reject = document.createElement('button');
    reject.id = 'onetrust-reject-all-handler';
    reject.textContent = 'Reject all';
    reject.onclick = function () { choose('reject'); };
    banner.replaceChildren(text, accept, reject);
    banner.hidden = false;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
  else show();
})();
