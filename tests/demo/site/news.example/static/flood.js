// Sends ?n= (default 100000) image requests, each to its own host, in bursts so the page stays
// responsive, once the page has loaded (images made before would hold its load event back); sets
// the title to "flooded <n>" once all have been made.
addEventListener('load', () => {
  const n = Number(new URLSearchParams(location.search).get('n') ?? 100000);
  let i = 0;
  function burst() {
    for (const end = Math.min(n, i + 1000); i < end; i++) new Image().src = `https://h${i}.doubleclick.net/p.gif?i=${i}`;
    if (i < n) setTimeout(burst, 0);
    else document.title = `flooded ${n}`;
  }
  burst();
});
