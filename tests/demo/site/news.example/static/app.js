// The publisher's own script: formats the date with the CDN library. Nothing leaves the site.
const published = document.getElementById('published');
if (window.dayjs && published) published.textContent = window.dayjs(published.dateTime).format('D MMMM YYYY');
// A preference the reader's browser keeps: necessary for the site, not tracking.
try { localStorage.setItem('theme', 'light'); } catch (e) { /* storage disabled */ }
