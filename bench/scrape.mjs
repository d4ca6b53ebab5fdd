// What a /metrics scrape costs at several METRICS_SHARDS: for each count,
// a fresh runtime, 50 bins that captured once each, then 20 timed scrapes.
// Usage: node bench/scrape.mjs [SHARDS ...]   (default: 1 16 128). The scrape cache is off, so each scrape reads the shards.
import { startWorker } from "../tests/support/worker.mjs";
import { createBin, ingestOk } from "../tests/support/api.mjs";

const counts = process.argv.slice(2).length ? process.argv.slice(2) : ["1", "16", "128"];
for (const n of counts) {
  const w = await startWorker({ vars: { METRICS_SHARDS: n, METRICS_CACHE_MS: "0" }, onLine: () => {} });
  try {
    for (let i = 0; i < 50; i += 1) await ingestOk(w.url, (await createBin(w.url)).id, { body: "x" });
    await new Promise((r) => setTimeout(r, 2500)); // the batches land
    const took = [];
    for (let i = 0; i < 20; i += 1) {
      const at = performance.now();
      await (await fetch(`${w.url}/metrics`)).text();
      took.push(performance.now() - at);
    }
    took.sort((a, b) => a - b);
    console.log(`METRICS_SHARDS=${n}: p50 ${took[10].toFixed(1)} ms, slowest ${took[19].toFixed(1)} ms`);
  } finally {
    await w.dispose();
  }
}
