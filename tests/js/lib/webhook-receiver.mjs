// A webhook receiver on 127.0.0.1 for the dashboard tests: answers 200 and remembers what it got.
// It allows any origin, as a receiver a developer points the in-browser sandbox at must: that
// sandbox delivers with the page's `fetch`, so a delivery is a cross-origin request from the page.
import { createServer } from 'node:http';

export function startReceiver() {
  const bodies = [];
  const waiters = [];
  const http = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*' });
      res.end();
      return;
    }
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      bodies.push(body);
      res.end('ok');
      for (const w of waiters.splice(0)) w();
    });
  });
  return new Promise((resolve) => {
    http.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${http.address().port}/hooks`,
        count: () => bodies.length,
        bodies: () => [...bodies],
        async waitFor(n) {
          while (bodies.length < n) await new Promise((r) => waiters.push(r));
        },
        close: () => new Promise((r) => (http.closeAllConnections(), http.close(() => r()))),
      });
    });
  });
}
