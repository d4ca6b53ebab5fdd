// Ingest cost of response rules: one bin with no rules, one whose single
// rule never matches, one whose rule answers every capture. Rounds
// alternate between the three bins on one runtime, so the ratios come
// from one run under the same conditions. Writes its table into
// bench/RESULTS.md between its own markers. Usage:
//   node bench/answers.mjs [--rounds N]
import { startWorker } from "../tests/support/worker.mjs";
import { writeSection } from "./section.mjs";
import { quantile } from "./stats.mjs";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 40;
const PER_ROUND = 25;

const w = await startWorker({ vars: { LOG_REQUESTS: "off" }, onLine: () => {} });
const bins = {};
const setup = {
  none: null,
  non_matching: [{ match: { path_prefix: "/never" }, status: 500 }],
  matching: [{ status: 200, headers: { "X-Seq": "{{seq}}" }, body: "ok {{request_id}}" }],
};
for (const [name, rules] of Object.entries(setup)) {
  const bin = await (await fetch(`${w.url}/v1/bins`, { method: "POST" })).json();
  if (rules) await fetch(`${w.url}/v1/bins/${bin.id}/responses`, { method: "PUT", headers: { "x-delete-token": bin.delete_token }, body: JSON.stringify({ rules }) });
  bins[name] = { id: bin.id, ms: [] };
}
const body = JSON.stringify({ event: "push", payload: "x".repeat(512) });
for (let round = 0; round < rounds + 2; round += 1) {
  for (const bin of Object.values(bins)) {
    for (let i = 0; i < PER_ROUND; i += 1) {
      const started = process.hrtime.bigint();
      const res = await fetch(`${w.url}/v1/bins/${bin.id}/in/hook`, { method: "POST", body, headers: { "content-type": "application/json" } });
      await res.arrayBuffer();
      if (round >= 2) bin.ms.push(Number(process.hrtime.bigint() - started) / 1e6); // two warm-up rounds
    }
  }
}
await w.dispose();

const base = { p50: quantile(bins.none.ms, 0.5), mean: bins.none.ms.reduce((a, b) => a + b, 0) / bins.none.ms.length };
const rows = Object.entries(bins).map(([name, b]) => {
  const p50 = quantile(b.ms, 0.5);
  const mean = b.ms.reduce((a, c) => a + c, 0) / b.ms.length;
  return `| ${name.replace("_", " ")} | ${b.ms.length} | ${p50.toFixed(2)} | ${quantile(b.ms, 0.99).toFixed(2)} | ${mean.toFixed(2)} | ${(p50 / base.p50).toFixed(2)}× | ${(mean / base.mean).toFixed(2)}× |`;
});
writeSection("bench/answers.mjs", [
  `Ingest with response rules (\`node bench/answers.mjs --rounds ${rounds}\`, Miniflare, sequential requests of a 540-byte JSON body, rounds alternating between the bins). Target: within 1.1× of no rules.`,
  "",
  "| Bin | Requests | p50 ms | p99 ms | mean ms | p50 ratio | mean ratio |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...rows,
]);
