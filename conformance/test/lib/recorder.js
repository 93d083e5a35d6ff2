// A recording proxy between a client and localissuing. Checking the
// server's answers is not enough to prove a quirk is handled: the recorder
// shows what the client really put on the wire (its array encoding, its
// spaces, its headers), and can lose a response to make an SDK retry.
import http from 'node:http';

/**
 * startRecorder listens on a loopback port and forwards every request to
 * target. Each exchange is appended to `exchanges` as
 * {method, url, headers, body, status, responseHeaders, responseBody}.
 */
export async function startRecorder(target) {
  const exchanges = [];
  const drops = [];
  const agent = new http.Agent({keepAlive: true});
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const ex = {method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString()};
      exchanges.push(ex);
      const upstream = http.request({
        agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers,
      }, (up) => {
        const body = [];
        up.on('data', (c) => body.push(c));
        up.on('end', () => {
          Object.assign(ex, {status: up.statusCode, responseHeaders: up.headers, responseBody: Buffer.concat(body).toString()});
          const drop = drops.findIndex((match) => match(ex));
          if (drop >= 0) {
            // The server has done the work; the client never hears of it,
            // as when a connection breaks on the way back.
            drops.splice(drop, 1);
            ex.dropped = true;
            req.socket.destroy();
            return;
          }
          res.writeHead(up.statusCode, up.headers);
          res.end(Buffer.concat(body));
        });
      });
      upstream.on('error', (err) => {
        res.writeHead(502, {'content-type': 'text/plain'});
        res.end(String(err));
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${server.address().port}`),
    exchanges,
    /** dropResponse loses the response of the next exchange that match accepts. */
    dropResponse(match) {
      drops.push(match);
    },
    /** find returns the exchanges whose method and path (without query) are given. */
    find(method, path) {
      return exchanges.filter((ex) => ex.method === method && ex.url.split('?')[0] === path);
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
