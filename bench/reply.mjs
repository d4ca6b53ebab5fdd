// `polyhook listen --reply`: what the sender pays to get the local app's
// own answer. One Miniflare runtime, the release `polyhook` binary, and a
// local app on 127.0.0.1 answering 200 with a small JSON body. Rounds
// alternate, in one run:
//   - direct: the sender posts to the app itself;
//   - through the bin: the sender posts to the bin, whose responder (the
//     CLI) forwards to the app and returns its answer;
//   - the bin alone: the same post with no responder connected (its 202).
// Each is timed from the send to the answer's last byte. Writes its own
// section of bench/RESULTS.md. Usage: node bench/reply.mjs [--quick]
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import { startCli, tempHome } from "../tests/support/cli.mjs";
import { root, startWorker } from "../tests/support/worker.mjs";
import { writeSection } from "./section.mjs";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 50 : 400;
process.env.POLYHOOK_CLI ??= path.join(root, "target/release/polyhook");

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const now = () => process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;

const app = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
});
await new Promise((resolve) => app.listen(0, "127.0.0.1", resolve));
const appUrl = `http://127.0.0.1:${app.address().port}/hook`;
// Keep-alive for every sender, as a webhook sender's pool would.
const agent = { keepalive: true };

async function timed(url, body, want) {
  const t0 = now();
  const res = await fetch(url, { method: "POST", body, ...agent });
  await res.arrayBuffer();
  assert.equal(res.status, want, `${url} answered ${res.status}`);
  return ms(t0, now());
}

const w = await startWorker({ vars: { LOG_REQUESTS: "off", RATE_LIMIT_PER_SECOND: "100000", RATE_LIMIT_BURST: "100000" }, onLine: () => {} });
try {
  const home = tempHome();
  const made = async () => (await (await fetch(`${w.url}/v1/bins`, { method: "POST" })).json());
  const [asked, alone] = [await made(), await made()];
  const cli = startCli(["listen", asked.id, "--base", w.url, "--to", appUrl, "--json", "--reply", "--delete-token", asked.delete_token], { home });
  await cli.waitFor((e) => e.type === "responder", "the responder seated");
  await cli.waitFor((e) => e.type === "caught_up", "caught up");
  const direct = [];
  const through = [];
  const bare = [];
  for (let i = 0; i < ROUNDS + 20; i += 1) {
    const d = await timed(appUrl, `round ${i}`, 200);
    const t = await timed(asked.ingest_url, `round ${i}`, 200);
    const b = await timed(alone.ingest_url, `round ${i}`, 202);
    if (i < 20) continue; // warm-up: connections, JIT, the bins' first storage pages
    direct.push(d);
    through.push(t);
    bare.push(b);
  }
  cli.child.kill("SIGINT");
  await cli.exited;
  for (const v of [direct, through, bare]) v.sort((a, b) => a - b);
  const row = (name, v) => `| ${name} | ${pct(v, 50).toFixed(2)} ms | ${pct(v, 99).toFixed(2)} ms |`;
  const added = (p) => (pct(through, p) - pct(direct, p)).toFixed(2);
  writeSection("bench/reply.mjs", [
    "## The sender gets the app's answer: `listen --reply` (`node bench/reply.mjs`)",
    "",
    `${ROUNDS} rounds (after 20 to warm up), one sender at a time, alternating, on one Miniflare runtime with the release CLI and a local app answering 200 with 11 bytes of JSON. Each time runs from the send to the answer's last byte.`,
    "",
    "| Sender posts | p50 | p99 |",
    "| --- | --- | --- |",
    row("to the app directly", direct),
    row("to the bin, answered by the app through `listen --reply`", through),
    row("to the bin with no responder (its 202)", bare),
    "",
    `Added by the bin and the round trip over the socket: ${added(50)} ms at p50, ${added(99)} ms at p99. The default REPLY_TIMEOUT_MS (2,500 ms, under Slack's 3 s) leaves the app the rest.`,
  ]);
} finally {
  await w.dispose();
  app.close();
}
