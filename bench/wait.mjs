// How fast a waiting request hears of its capture: GET /v1/bins/{id}/wait
// is open, a capture is sent, and the time from sending it to the wait's
// answer is taken, 200 times, next to the capture's own answer (its 202).
// Writes its own section of bench/RESULTS.md.
import { startWorker } from "../tests/support/worker.mjs";
import { createBin, ingestOk } from "../tests/support/api.mjs";
import { writeSection } from "./section.mjs";

const ROUNDS = 200;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const worker = await startWorker({ onLine: () => {} });
try {
  const bin = await createBin(worker.url);
  const woken = [];
  const acked = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const waiting = fetch(`${worker.url}/v1/bins/${bin.id}/wait?after=${i}&timeout_s=10`);
    await new Promise((r) => setTimeout(r, 20)); // the waiter is in before the capture is sent
    const sent = performance.now();
    const answered = waiting.then((res) => { if (res.status !== 200) throw new Error(`wait answered ${res.status}`); return performance.now(); });
    await ingestOk(worker.url, bin.id, { body: `round ${i}` });
    acked.push(performance.now() - sent);
    woken.push((await answered) - sent);
  }
  woken.sort((a, b) => a - b);
  acked.sort((a, b) => a - b);
  const row = (name, v) => `| ${name} | ${pct(v, 50).toFixed(2)} ms | ${pct(v, 99).toFixed(2)} ms |`;
  writeSection("bench/wait.mjs", [
    "## A waiting request hears of its capture (`node bench/wait.mjs`)",
    "",
    `${ROUNDS} rounds on one Miniflare runtime: a \`wait\` is open, a capture is sent, and each answer is timed from the send.`,
    "",
    "| From sending a capture to | p50 | p99 |",
    "| --- | --- | --- |",
    row("the sender's 202", acked),
    row("the waiter's 200 with the capture", woken),
  ]);
} finally {
  await worker.dispose();
}
