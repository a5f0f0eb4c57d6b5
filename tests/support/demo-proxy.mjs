// The demo's host mapping for browsers without Chromium's --host-resolver-rules (Firefox): a
// local HTTP proxy the browser is configured to use for everything. HTTPS arrives as CONNECT
// host:443 and is tunnelled, bytes untouched, to the demo's HTTPS port (the browser still does
// TLS with the demo certificate and sends the real Host); plain HTTP requests are forwarded to
// the demo's HTTP port. So, as in Chromium, every host name reaches the demo and URLs keep no port.
import { createServer, request } from 'node:http';
import { connect } from 'node:net';

/** Starts the proxy for `demo` (startDemoServer's answer). Resolves to { port, close() }. */
export async function startDemoProxy(demo) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    // A proxied plain-HTTP request names the absolute URL; the demo needs only path and Host.
    const url = new URL(req.url);
    const upstream = request({ host: '127.0.0.1', port: demo.httpPort, method: req.method, path: url.pathname + url.search, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    const upstream = connect(demo.httpsPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    port: server.address().port,
    close: () => new Promise((ok) => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections?.();
      server.close(ok);
    }),
  };
}
