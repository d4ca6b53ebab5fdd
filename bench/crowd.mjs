// Issue 22's creation flood at full size: 10,000 simulated clients in 40
// IPv4 /24s and 40 IPv6 /48s, with the default limits, then a client
// outside those networks. Reports how many requests per second reached the
// one object that holds the service-wide budget (from
// polyhook_create_global_checks_total), against the ~1,000/s an object
// serves. Writes its section of bench/RESULTS.md. Usage:
//   node bench/crowd.mjs [--clients N] [--waves N]
//
// The flood comes in waves with a pause between them. Until the seventh
// session every client had a creation limiter object of its own, and one
// local workerd holding about 10,000 SQLite-backed objects at once ran out
// of SQLite memory (SQLITE_NOMEM), where the edge spreads them over many
// machines; the pause let idle limiters be evicted. Creates now reach only
// their 80 networks' objects and the shards; the waves stay so that runs
// compare with earlier ones.
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "../tests/support/worker.mjs";
import { crowd, flood } from "./crowd/clients.mjs";
import { writeSection } from "./section.mjs";

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const waves = arg("--waves", 5);
const perNetwork = Math.ceil(arg("--clients", 10_000) / 80);
const PAUSE_MS = 15_000;
// The shipped defaults for everything this measures; the test helper's "unlimited" values are put back.
const defaults = { CREATE_LIMIT_PER_MINUTE: "10", CREATE_LIMIT_BURST: "10", CREATE_PREFIX_PER_MINUTE: "6", CREATE_PREFIX_BURST: "6", CREATE_GLOBAL_PER_MINUTE: "600", LOG_REQUESTS: "off" };
const w = await startWorker({ vars: defaults, onLine: () => {} });
const globalChecks = async () => {
  await sleep(2500); // one metrics flush
  const text = await (await fetch(`${w.url}/metrics`)).text();
  return Number(text.match(/^polyhook_create_global_checks_total (\d+)/m)?.[1] ?? 0);
};
try {
  const clients = crowd({ networks: 40, perNetwork });
  const size = Math.ceil(clients.length / waves);
  const totals = { created: 0, refused: 0, other: 0, ms: 0 };
  const rates = [];
  const outsiders = [];
  let seen = 0;
  for (let i = 0; i < waves; i += 1) {
    if (i > 0) await sleep(PAUSE_MS);
    const r = await flood(w.url, clients.slice(i * size, (i + 1) * size), 32);
    // At once, while the wave's tokens are still spent: does a client elsewhere get a bin?
    const outsider = await fetch(`${w.url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": `198.51.100.${70 + i}` } });
    outsiders.push(outsider.status);
    for (const k of ["created", "refused", "other", "ms"]) totals[k] += r[k];
    const now = await globalChecks();
    rates.push((now - seen - 1) / (r.ms / 1000));
    seen = now;
  }
  const checks = seen;
  const rows = [
    ["Clients (addresses)", `${clients.length.toLocaleString("en")} in ${waves} waves, ${PAUSE_MS / 1000} s apart`],
    ["Networks", "40 IPv4 /24s, 40 IPv6 /48s"],
    ["Flood time (waves only)", `${(totals.ms / 1000).toFixed(1)} s, ${(clients.length / (totals.ms / 1000)).toFixed(0)} creates/s offered`],
    ["Created / refused / other", `${totals.created} / ${totals.refused} / ${totals.other}`],
    ["Requests that reached the global object", `${checks} (the flood's ${checks - waves}, and one outsider after each wave)`],
    ["Global object's rate per wave", rates.map((r) => `${r.toFixed(1)}`).join(", ") + " req/s"],
    ["An outsider's create right after each wave", outsiders.join(", ")],
  ];
  const table = ["| Figure | Value |", "| --- | --- |", ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join("\n");
  writeSection("bench/crowd.mjs", ["## Creation flood (`node bench/crowd.mjs`)", "", "Default limits; one run.", "", table]);
} finally {
  await w.dispose();
}
