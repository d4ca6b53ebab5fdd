// Issue 22's creation flood at full size: 10,000 simulated clients in 40
// IPv4 /24s and 40 IPv6 /48s, with the default limits, then a client
// outside those networks. Reports how many requests per second reached the
// one object that holds the service-wide budget (from
// polyhook_create_global_checks_total), against the ~1,000/s an object
// serves. Writes its section of bench/RESULTS.md. Usage:
//   node bench/crowd.mjs [--clients N]
import { startWorker } from "../tests/support/worker.mjs";
import { crowd, flood } from "./crowd/clients.mjs";
import { writeSection } from "./section.mjs";

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const perNetwork = Math.ceil(arg("--clients", 10_000) / 80);
// The shipped defaults for everything this measures; the test helper's "unlimited" values are put back.
const defaults = { CREATE_LIMIT_PER_MINUTE: "10", CREATE_LIMIT_BURST: "10", CREATE_PREFIX_PER_MINUTE: "6", CREATE_PREFIX_BURST: "6", CREATE_GLOBAL_PER_MINUTE: "600", LOG_REQUESTS: "off" };
const w = await startWorker({ vars: defaults, onLine: () => {} });
try {
  const clients = crowd({ networks: 40, perNetwork });
  const result = await flood(w.url, clients, 32);
  const outsider = (await fetch(`${w.url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": "198.51.100.77" } })).status;
  await new Promise((r) => setTimeout(r, 2500)); // one metrics flush
  const metrics = await (await fetch(`${w.url}/metrics`)).text();
  const checks = Number(metrics.match(/^polyhook_create_global_checks_total (\d+)/m)?.[1] ?? 0);
  const seconds = result.ms / 1000;
  const rows = [
    ["Clients (addresses)", clients.length.toLocaleString("en")],
    ["Networks", "40 IPv4 /24s, 40 IPv6 /48s"],
    ["Flood duration", `${seconds.toFixed(1)} s (${(clients.length / seconds).toFixed(0)} creates/s offered)`],
    ["Created / refused", `${result.created} / ${result.refused} (other: ${result.other})`],
    ["Requests that reached the global object", `${checks} (the flood's ${checks - 1} and the outsider's)`],
    ["Global object's rate during the flood", `${((checks - 1) / seconds).toFixed(1)} req/s`],
    ["Outsider's create after the flood", String(outsider)],
  ];
  const table = ["| Figure | Value |", "| --- | --- |", ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join("\n");
  writeSection("bench/crowd.mjs", ["## Creation flood (`node bench/crowd.mjs`)", "", "Default limits; one run.", "", table]);
} finally {
  await w.dispose();
}
