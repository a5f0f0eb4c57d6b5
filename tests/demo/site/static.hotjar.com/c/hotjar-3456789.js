// Demo stand-in for a session-replay recorder: a visitor cookie, then every click and a sample of
// mouse movement and scrolling, posted to the vendor's collector.
(function () {
  var site = 3456789;
  var name = '_hjSessionUser_' + site;
  if (document.cookie.indexOf(name + '=') < 0) {
    var id = Math.random().toString(16).slice(2) + Date.now().toString(16);
    document.cookie = name + '=' + btoa(JSON.stringify({ id: id, created: Date.now() })) + '; max-age=31536000; path=/; Secure';
    // The same visitor id, kept in the page's localStorage too, where clearing cookies misses it.
    try { localStorage.setItem('_hjid', id); } catch (e) { /* storage disabled */ }
  }
  document.cookie = '_hjSession_' + site + '=' + btoa(JSON.stringify({ id: Math.random().toString(16).slice(2), c: Date.now() })) + '; max-age=1800; path=/; Secure';
  var events = [];
  function record(type, e) { events.push([type, Date.now(), e.clientX || 0, e.clientY || 0, e.target && e.target.tagName]); }
  document.addEventListener('click', function (e) { record('click', e); }, true);
  document.addEventListener('mousemove', function (e) { if (events.length < 500) record('move', e); }, true);
  function send() {
    var body = JSON.stringify({ site: site, url: location.href, viewport: [innerWidth, innerHeight], events: events.splice(0) });
    fetch('https://in.hotjar.com/api/v2/client/sites/' + site + '/visit-data?sv=6', { method: 'POST', mode: 'no-cors', credentials: 'include', body: body });
  }
  setTimeout(send, 200);
  addEventListener('pagehide', send);
})();
