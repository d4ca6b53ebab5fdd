// A local webhook target on 127.0.0.1 that records what it receives and
// answers from a script.
import http from "node:http";

/**
 * @param {(n: number, req: http.IncomingMessage) => ({ status?: number, headers?: Record<string,string>, hang?: boolean })} script
 *   decides the answer to the n-th request (1-based)
 */
export async function startTarget(script = () => ({ status: 200 })) {
  const received = [];
  const hanging = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ at: Date.now(), method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const answer = script(received.length, req) ?? {};
      if (answer.hang) {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      res.end("ok");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      server.close(resolve);
    }),
  };
}
