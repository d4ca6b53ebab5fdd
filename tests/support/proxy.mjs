// A service without `/ws`, as the twins are: a proxy on 127.0.0.1 in front
// of a worker that answers every socket path 404 in the Error shape (a
// route it lacks) and passes everything else on, streams included.
import http from "node:http";

const SOCKET_PATH = /^\/v1\/bins\/[^/]+\/ws(\?|$)/;
const NOT_FOUND = JSON.stringify({ error: "not found" });

/** Starts the proxy in front of `upstream`; `{ url, close }`. */
export async function withoutSockets(upstream) {
  const up = new URL(upstream);
  const server = http.createServer((req, res) => {
    if (SOCKET_PATH.test(req.url)) {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end(NOT_FOUND);
    }
    const out = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  server.on("upgrade", (_req, socket) => {
    socket.end(`HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: ${NOT_FOUND.length}\r\n\r\n${NOT_FOUND}`);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return { url: `http://127.0.0.1:${server.address().port}`, close };
}
