// The demo site: a news page and every third party it embeds, served from loopback over HTTPS.
//
// Each host is a folder under site/ (site/static.hotjar.com/c/hotjar-3456.js is
// https://static.hotjar.com/c/hotjar-3456.js). Chromium reaches them through
// --host-resolver-rules, so pages keep their real tracker URLs without ports.
// Every request is logged (host, method, path, headers, cookies) so tests can assert what
// really left the browser.
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { appendFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCertificate } from './cert.mjs';
import { startDemoProxy } from '../support/demo-proxy.mjs';

const SITE = fileURLToPath(new URL('./site/', import.meta.url));
export const DEMO_URL = 'https://news.example/';
export const BASELINE_URL = 'https://news.example/plain.html';

// Files without an extension are scripts (gtag/js), as on the real hosts.
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.woff2': 'font/woff2', '.gif': 'image/gif', '.json': 'application/json',
};
// The smallest transparent GIF: what tracking pixels answer.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const DAY = 24 * 3600;

// Endpoints that only receive data: they answer any path with a pixel (GET) or 204 (POST).
const COLLECTORS = new Set([
  'www.google-analytics.com', 'www.facebook.com', 'in.hotjar.com', 'logx.optimizely.com',
  'api.fpjs.io', 'syndication.twitter.com', 'googleads.g.doubleclick.net', 'rs.fullstory.com',
]);

// Responses that set cookies, as the real vendors do.
const COOKIE_ROUTES = [
  {
    // Google Ads / DoubleClick conversion pixel: a third-party identifier cookie.
    host: 'googleads.g.doubleclick.net', prefix: '/pagead/',
    cookie: () => `IDE=AHWqTU${token(24)}; Domain=.doubleclick.net; Path=/; Max-Age=${390 * DAY}; Secure; HttpOnly; SameSite=None`,
  },
  {
    // The publisher's own session: strictly necessary, first party.
    host: 'news.example', prefix: '/',
    cookie: () => `SESSIONID=${token(16)}; Path=/; Secure; HttpOnly; SameSite=Lax`,
    only: (path) => path === '/' || path === '/index.html',
  },
];

function token(bytes) {
  return randomBytes(bytes).toString('base64url');
}

function cookieHeaderMap(header = '') {
  const cookies = {};
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) cookies[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return cookies;
}

async function listHosts() {
  return (await readdir(SITE, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
}

function fileFor(host, path) {
  const relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path));
  if (relative.includes('..')) return null;
  return join(SITE, host, relative);
}

/**
 * Starts the demo. Resolves to { httpsPort, httpPort, hosts, requests, close() }. With `logFile`,
 * each request is also appended there as a JSON line ({time, host, method, path, gpc}), for programs
 * in another process (the `tracklens audit` tests) to check what reached the demo.
 */
export async function startDemoServer({ quiet = true, logFile } = {}) {
  // Every host the demo answers for: those with files, and the collectors.
  const siteHosts = await listHosts();
  const hosts = [...new Set([...siteHosts, ...COLLECTORS])];
  const requests = [];

  async function handle(req, res) {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const url = new URL(req.url, `https://${host}`);
    const logged = {
      time: Date.now(), host, method: req.method, path: url.pathname, query: url.search,
      headers: req.headers, cookies: cookieHeaderMap(req.headers.cookie),
    };
    requests.push(logged);
    if (logFile) appendFileSync(logFile, `${JSON.stringify({ time: logged.time, host, method: req.method, path: url.pathname, query: url.search, gpc: req.headers['sec-gpc'] === '1' })}\n`);
    if (!quiet) console.error(`demo: ${req.method} ${host}${url.pathname}`);

    const headers = { 'cache-control': 'no-store' };
    for (const route of COOKIE_ROUTES) {
      if (route.host === host && url.pathname.startsWith(route.prefix) && (route.only?.(url.pathname) ?? true)) {
        headers['set-cookie'] = route.cookie();
      }
    }
    // Only hosts with a folder serve files; the check also keeps a hostile Host header inside site/.
    const file = siteHosts.includes(host) ? fileFor(host, url.pathname) : null;
    if (file) {
      try {
        const body = await readFile(file);
        res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'text/javascript' });
        return res.end(body);
      } catch { /* not a file: fall through */ }
    }
    if (COLLECTORS.has(host)) {
      if (req.method === 'GET') {
        res.writeHead(200, { ...headers, 'content-type': 'image/gif' });
        return res.end(PIXEL);
      }
      // What a collector received is the witness of what left the browser: keep the body as text.
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      logged.body = Buffer.concat(chunks).toString('utf8');
      res.writeHead(204, headers);
      return res.end();
    }
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
    res.end('not found');
  }

  const tls = makeCertificate([...hosts, ...hosts.map((h) => `*.${h}`)]);
  const https = createHttpsServer(tls, (req, res) => handle(req, res).catch((e) => {
    res.writeHead(500);
    res.end(String(e));
  }));
  // Plain HTTP only redirects, as the real sites do.
  const http = createHttpServer((req, res) => {
    res.writeHead(301, { location: `https://${req.headers.host}${req.url}` });
    res.end();
  });
  await Promise.all([https, http].map((s) => new Promise((ok) => s.listen(0, '127.0.0.1', ok))));
  return {
    httpsPort: https.address().port,
    httpPort: http.address().port,
    hosts,
    requests,
    /** Requests the demo received for one host, optionally only those carrying a cookie. */
    received(host, cookie) {
      return requests.filter((r) => r.host === host && (cookie === undefined || cookie in r.cookies));
    },
    close: () => Promise.all([https, http].map((s) => new Promise((ok) => {
      s.closeAllConnections?.();
      s.close(ok);
    }))),
  };
}

// `node tests/demo/server.mjs` serves the demo by hand and prints the Chromium flags to reach it.
// With --ports-json it prints only {"httpPort", "httpsPort"} on one line, for programs that start
// it (`tracklens audit`), and serves until killed; with --proxy too, it also runs the host-mapping
// proxy for Firefox (tests/support/demo-proxy.mjs) and adds its "proxyPort". TRACKLENS_DEMO_LOG
// names a file for the request log.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--ports-json')) {
  const demo = await startDemoServer({ logFile: process.env.TRACKLENS_DEMO_LOG || undefined });
  const proxy = process.argv.includes('--proxy') ? await startDemoProxy(demo) : null;
  console.log(JSON.stringify({ httpPort: demo.httpPort, httpsPort: demo.httpsPort, proxyPort: proxy?.port }));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demo = await startDemoServer({ quiet: false });
  console.log(`demo site on https://127.0.0.1:${demo.httpsPort}; start Chromium with:`);
  console.log(`  --host-resolver-rules="MAP *:443 127.0.0.1:${demo.httpsPort}, MAP *:80 127.0.0.1:${demo.httpPort}, EXCLUDE localhost" --ignore-certificate-errors`);
}
