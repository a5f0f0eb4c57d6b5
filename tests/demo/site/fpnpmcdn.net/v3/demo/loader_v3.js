// Demo stand-in for a device-fingerprinting agent: draws to a hidden canvas and reads the pixels
// back (toDataURL), asks WebGL for the graphics card, hashes it all with other browser traits and
// posts the hash to the vendor. No cookie needed: the device itself is the identifier.
(function () {
  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    return h.toString(16);
  }
  var canvas = document.createElement('canvas');
  canvas.width = 240; canvas.height = 60;
  var ctx = canvas.getContext('2d');
  ctx.textBaseline = 'top';
  ctx.font = '16px Arial';
  ctx.fillStyle = '#f60'; ctx.fillRect(100, 1, 62, 20);
  ctx.fillStyle = '#069'; ctx.fillText('Cwm fjordbank glyphs vext quiz', 2, 15);
  var canvasData = canvas.toDataURL();
  var webgl = '';
  var gl = document.createElement('canvas').getContext('webgl');
  if (gl) {
    var info = gl.getExtension('WEBGL_debug_renderer_info');
    webgl = [gl.getParameter(gl.VENDOR), gl.getParameter(gl.RENDERER),
      info ? gl.getParameter(info.UNMASKED_VENDOR_WEBGL) : '', info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : ''].join('|');
  }
  // Font enumeration: the width of a test string in each candidate font, against a fallback.
  var fonts = ['Arial', 'Calibri', 'Cambria', 'Comic Sans MS', 'Consolas', 'Courier New', 'Georgia', 'Helvetica', 'Impact',
    'Lucida Console', 'Palatino', 'Segoe UI', 'Tahoma', 'Times New Roman', 'Trebuchet MS', 'Verdana', 'DejaVu Sans',
    'Liberation Sans', 'Noto Sans', 'Ubuntu', 'Roboto', 'Open Sans', 'Fira Sans', 'Menlo', 'Monaco'];
  var widths = fonts.map(function (font) { ctx.font = '72px "' + font + '", monospace'; return ctx.measureText('mmmmmmmmmmlli').width; });
  var traits = [navigator.userAgent, navigator.language, screen.width + 'x' + screen.height, screen.colorDepth,
    new Date().getTimezoneOffset(), navigator.hardwareConcurrency, webgl, widths.join(',')];
  var visitorId = hash(canvasData + traits.join('~'));
  fetch('https://api.fpjs.io/?ci=js/3.11', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ v: visitorId, c: hash(canvasData), w: hash(webgl) }) });
})();
