// Demo stand-in for X's widgets.js: replaces share links with an embedded button frame. Loading the
// frame tells X which article the visitor reads, whether or not they click.
(function () {
  var links = document.querySelectorAll('a.twitter-share-button');
  for (var i = 0; i < links.length; i++) {
    var frame = document.createElement('iframe');
    frame.title = 'Post';
    frame.width = 80;
    frame.height = 28;
    frame.style.border = '0';
    frame.src = 'https://platform.twitter.com/embed/share-button.html?url=' + encodeURIComponent(location.href);
    links[i].replaceWith(frame);
  }
})();
