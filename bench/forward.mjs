// `polyhook listen` end to end: the built worker on Miniflare, the release
// `polyhook` binary, and a local target, all on this machine. Measures
//   - added latency: a paced stream of captures, from sending each to its
//     receipt at the target (p50/p99), next to the ingest answer alone;
//   - throughput: captures/s from the first send to the last receipt, with
//     16 senders at once;
//   - backlog drain: listen stopped, 1,000 captures sent, listen restarted;
//     the time from restart to the last receipt.
// Writes its section of bench/RESULTS.md. Usage:
//   node bench/forward.mjs [--quick]
import assert from "node:assert/strict";
import path from "node:path";
import { startCli, tempHome } from "../tests/support/cli.mjs";
import { startTarget } from "../tests/support/target.mjs";
import { root, startWorker } from "../tests/support/worker.mjs";
import { writeSection } from "./section.mjs";
import { quantile } from "./stats.mjs";

const quick = process.argv.includes("--quick");
const PACED = quick ? 50 : 500;
const PACE_MS = 10;
const BURST = quick ? 200 : 2000;
const BACKLOG = quick ? 100 : 1000;
const env = { POLYHOOK_CLI: process.env.POLYHOOK_CLI ?? path.join(root, "target/release/polyhook") };
process.env.POLYHOOK_CLI ??= env.POLYHOOK_CLI;

const w = await startWorker({ vars: { LOG_REQUESTS: "off" }, onLine: () => {} });
const got = new Map();
const target = await startTarget((n) => {
  got.set(Number(target.received[n - 1].body.toString()), process.hrtime.bigint());
  return { status: 200 };
});
const bin = await (await fetch(`${w.url}/v1/bins`, { method: "POST" })).json();
const home = tempHome();
const listen = () => startCli(["listen", bin.id, "--base", w.url, "--to", target.url, "--json"], { home });
const now = () => process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const sent = new Map();
const answered = new Map();
let n = 0;

async function send() {
  const i = (n += 1);
  sent.set(i, now());
  const res = await fetch(bin.ingest_url, { method: "POST", body: String(i) });
  await res.arrayBuffer();
  assert.equal(res.status, 202);
  answered.set(i, now());
  return i;
}

async function received(upTo) {
  while (![...Array(upTo).keys()].every((k) => got.has(k + 1))) await sleep(5);
}


// Warm-up, then the paced run.
let cli = listen();
await cli.waitFor((e) => e.type === "caught_up");
for (let i = 0; i < 20; i += 1) await send();
await received(n);
const pacedFrom = n + 1;
for (let i = 0; i < PACED; i += 1) {
  await send();
  await sleep(PACE_MS);
}
await received(n);
const e2e = [];
const ingestMs = [];
for (let i = pacedFrom; i <= n; i += 1) {
  e2e.push(ms(sent.get(i), got.get(i)));
  ingestMs.push(ms(sent.get(i), answered.get(i)));
}

// Throughput with 16 senders.
const burstFrom = n + 1;
const t0 = now();
await Promise.all(Array.from({ length: 16 }, async () => {
  while (n < burstFrom - 1 + BURST) await send();
}));
await received(n);
const burstEnd = [...got.entries()].filter(([i]) => i >= burstFrom).reduce((a, [, t]) => (t > a ? t : a), 0n);
const throughput = (n - burstFrom + 1) / (ms(t0, burstEnd) / 1000);

// Backlog drain after a restart.
cli.child.kill("SIGINT");
await cli.exited;
const backlogFrom = n + 1;
for (let i = 0; i < BACKLOG; i += 1) await send();
const restart = now();
cli = listen();
const caughtUp = await cli.waitFor((e) => e.type === "caught_up");
await received(n);
const drainMs = ms(restart, got.get(n));
assert.equal(caughtUp.delivered, n - backlogFrom + 1);
cli.child.kill("SIGINT");
await cli.exited;
await target.close();
await w.dispose();

const f = (x) => x.toFixed(1);
writeSection("bench/forward.mjs", [
  `Forwarding with \`polyhook listen\` (\`node bench/forward.mjs${quick ? " --quick" : ""}\`: Miniflare, the release binary and a local Node target on this machine; bodies of a few bytes).`,
  "",
  "| Measure | Value |",
  "| --- | --- |",
  `| Added latency, send → receipt at the target, ${PACED} captures every ${PACE_MS} ms: p50 / p99 | ${f(quantile(e2e, 0.5))} / ${f(quantile(e2e, 0.99))} ms |`,
  `| The ingest answer alone (send → 202) in the same run: p50 / p99 | ${f(quantile(ingestMs, 0.5))} / ${f(quantile(ingestMs, 0.99))} ms |`,
  `| Throughput, ${BURST} captures from 16 senders, first send → last receipt | ${Math.round(throughput)} captures/s |`,
  `| Backlog drain: ${BACKLOG} captures sent while stopped, restart → last receipt | ${f(drainMs)} ms (${Math.round(BACKLOG / (drainMs / 1000))} captures/s) |`,
]);
