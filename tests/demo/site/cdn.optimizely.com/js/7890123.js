// Demo stand-in for an A/B-testing snippet: a persistent visitor id, a bucketed variation that
// changes the headline, and an impression event sent to the vendor's log.
(function () {
  var m = document.cookie.match(/(?:^|; )optimizelyEndUserId=([^;]*)/);
  var visitor = m ? m[1] : 'oeu' + Date.now() + 'r' + Math.random();
  document.cookie = 'optimizelyEndUserId=' + visitor + '; max-age=15552000; path=/; Secure';
  var variation = visitor.length % 2 ? 'B' : 'A';
  try {
    localStorage.setItem('optimizely_data$$pending$$7890123$$session_state', JSON.stringify({ variation: variation }));
  } catch (e) { /* storage disabled */ }
  document.addEventListener('DOMContentLoaded', function () {
    var headline = document.getElementById('headline');
    if (headline && variation === 'B') headline.textContent = headline.textContent + ': what travellers need to know';
  });
  navigator.sendBeacon('https://logx.optimizely.com/v1/events', JSON.stringify({
    account_id: '7890123', visitors: [{ visitor_id: visitor, snapshots: [{ decisions: [{ experiment_id: 'headline', variation_id: variation }] }] }],
  }));
})();
