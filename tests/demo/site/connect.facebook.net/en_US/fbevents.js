// Demo stand-in for the Meta pixel: a browser id cookie (_fbp) on the publisher's site, and a
// PageView event to facebook.com/tr carrying it (and, as the real one does, any facebook.com cookies).
(function () {
  var m = document.cookie.match(/(?:^|; )_fbp=([^;]*)/);
  var fbp = m ? m[1] : 'fb.1.' + Date.now() + '.' + Math.floor(Math.random() * 1e10);
  document.cookie = '_fbp=' + fbp + '; max-age=7776000; path=/; SameSite=Lax; Secure';
  var img = new Image(1, 1);
  img.src = 'https://www.facebook.com/tr/?id=1234567890&ev=PageView&dl=' + encodeURIComponent(location.href) + '&fbp=' + fbp;
  // A page's standard event (fbq('track', 'ViewContent', {content_name})), as the real pixel sends it.
  var event = window.demoPixelEvent;
  if (event && event.ev) {
    var hit = new Image(1, 1);
    hit.src = 'https://www.facebook.com/tr/?id=1234567890&ev=' + encodeURIComponent(event.ev) + '&dl=' + encodeURIComponent(location.href) +
      '&cd[content_name]=' + encodeURIComponent(event.contentName || '') + '&fbp=' + fbp;
  }
})();
