// Issue 15's costs, measured on one runtime so the figures are ratios from
// one run: (1) ingest with a signature verifier against without one, the
// bins taking turns round by round; (2) a `q` search over 10,000 captures,
// paged to the end, against paging the same bin unfiltered, and the
// ingest latency of that bin while the search runs against while it does
// not; and the slowest page: a bin of 1 MiB bodies and a needle made to
// be slow. A page's scan is one synchronous step, so an ingest can wait for
// one page, never for the whole search. Writes its section of bench/RESULTS.md. Usage:
//   node bench/verify.mjs [--rounds N] [--captures N]
import examples from "@octokit/webhooks-examples" with { type: "json" };
import { sign } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import { startWorker } from "../tests/support/worker.mjs";
import { writeSection } from "./section.mjs";

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const rounds = arg("--rounds", 40);
const captures = arg("--captures", 10_000);
const PER_ROUND = 25;

const w = await startWorker({ vars: { LOG_REQUESTS: "off" }, onLine: () => {} });
const create = async () => (await fetch(`${w.url}/v1/bins`, { method: "POST" })).json();
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const timed = async (fn) => {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
};

// (1) Ingest with and without verifiers. Every bin gets the same signed request.
const body = JSON.stringify(examples.find((e) => e.name === "push").examples[0]);
const secret = "bench-secret-0123456789";
const whsec = `whsec_${Buffer.from("bench-standard-webhooks-key-32b!").toString("base64")}`;
const t = new Date();
const headers = {
  "content-type": "application/json",
  "x-hub-signature-256": await sign(secret, body),
  "webhook-id": "msg_bench",
  "webhook-timestamp": String(Math.floor(t.getTime() / 1000)),
  "webhook-signature": new Webhook(whsec).sign("msg_bench", t, body),
};
const setups = {
  none: [],
  github: [{ scheme: "github", secret }],
  "standard-webhooks": [{ scheme: "standard-webhooks", secret: whsec }],
  "five, the last matching": [
    { scheme: "stripe", secret }, { scheme: "slack", secret }, { scheme: "shopify", secret },
    { scheme: "hmac-sha256", secret, header: "x-none" }, { scheme: "github", secret },
  ],
};
const bins = {};
for (const [name, verifiers] of Object.entries(setups)) {
  const bin = await create();
  await fetch(`${w.url}/v1/bins/${bin.id}/verify`, { method: "PUT", headers: { "x-delete-token": bin.delete_token }, body: JSON.stringify({ verifiers }) });
  bins[name] = { id: bin.id, ms: [], valid: 0 };
}
for (let round = 0; round < rounds + 2; round += 1) {
  for (const bin of Object.values(bins)) {
    for (let i = 0; i < PER_ROUND; i += 1) {
      const ms = await timed(async () => (await fetch(`${w.url}/v1/bins/${bin.id}/in/hook`, { method: "POST", body, headers })).arrayBuffer());
      if (round >= 2) bin.ms.push(ms); // two warm-up rounds
    }
  }
}
for (const bin of Object.values(bins)) {
  const page = await (await fetch(`${w.url}/v1/bins/${bin.id}/requests?verified=true&limit=1`)).json();
  bin.valid = page.items.length;
}

// (2) A q search over `captures` captures, one in a thousand matching.
const big = await create();
const filler = "x".repeat(400);
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < captures) {
    const n = (next += 1);
    const text = n % 1000 === 500 ? `{"n":${n},"note":"needle ${filler}"}` : `{"n":${n},"note":"${filler}"}`;
    await (await fetch(`${w.url}/v1/bins/${big.id}/in/load`, { method: "POST", body: text })).arrayBuffer();
  }
}));
async function walk(query) {
  const pageMs = [];
  let cursor = "";
  let found = 0;
  do {
    let page;
    pageMs.push(await timed(async () => { page = await (await fetch(`${w.url}/v1/bins/${big.id}/requests?${query}&cursor=${cursor}`)).json(); }));
    found += page.items.length;
    cursor = page.next_cursor ?? "";
  } while (cursor);
  return { pageMs, found, totalMs: pageMs.reduce((a, b) => a + b, 0) };
}
async function ingestDuring(work) {
  const ms = [];
  let done = false;
  const running = work().finally(() => { done = true; });
  while (!done) ms.push(await timed(async () => (await fetch(`${w.url}/v1/bins/${big.id}/in/probe`, { method: "POST", body: "p" })).arrayBuffer()));
  return { result: await running, ms };
}
await walk("limit=100"); // warm
const plain = await walk("limit=100");
const search = await walk("limit=100&q=needle");
const alone = [];
for (let i = 0; i < 200; i += 1) alone.push(await timed(async () => (await fetch(`${w.url}/v1/bins/${big.id}/in/probe`, { method: "POST", body: "p" })).arrayBuffer()));
// (3) The worst page: a bin full of 1 MiB bodies, and a needle that makes
// a byte search slow (255 "a" then "b", over bodies of "a").
const heavy = await create();
const mib = Buffer.alloc(1024 * 1024 - 1024, 0x61);
for (let i = 0; i < 99; i += 1) await (await fetch(`${w.url}/v1/bins/${heavy.id}/in`, { method: "POST", body: mib })).arrayBuffer();
const heavyPage = async (q) => timed(async () => (await fetch(`${w.url}/v1/bins/${heavy.id}/requests?q=${q}`)).arrayBuffer());
const heavyMs = { absent: [], pathological: [] };
for (let i = 0; i < 10; i += 1) {
  heavyMs.absent.push(await heavyPage("needle"));
  heavyMs.pathological.push(await heavyPage(`${"a".repeat(255)}b`));
}

const WALKS = 10;
const during = await ingestDuring(async () => { for (let i = 0; i < WALKS; i += 1) await walk("limit=100&q=needle"); });
await w.dispose();

const base = bins.none;
const ingestRows = Object.entries(bins).map(([name, b]) =>
  `| ${name} | ${b.ms.length} | ${quantile(b.ms, 0.5).toFixed(2)} | ${quantile(b.ms, 0.99).toFixed(2)} | ${mean(b.ms).toFixed(2)} | ${(quantile(b.ms, 0.5) / quantile(base.ms, 0.5)).toFixed(2)}× | ${(mean(b.ms) / mean(base.ms)).toFixed(2)}× | ${name === "none" ? "n/a" : b.valid ? "yes" : "**no**"} |`);
const walkRow = (name, r) => `| ${name} | ${r.pageMs.length} | ${r.found} | ${r.totalMs.toFixed(0)} | ${quantile(r.pageMs, 0.5).toFixed(2)} | ${quantile(r.pageMs, 0.99).toFixed(2)} |`;
writeSection("bench/verify.mjs", [
  `Signature verification and search (\`node bench/verify.mjs --rounds ${rounds} --captures ${captures}\`, Miniflare, one runtime).`,
  "",
  `Ingest of a ${body.length}-byte GitHub push payload carrying GitHub and Standard Webhooks signatures, sequential, bins taking turns each round:`,
  "",
  "| Verifiers | Requests | p50 ms | p99 ms | mean ms | p50 ratio | mean ratio | verified |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...ingestRows,
  "",
  `Paging one bin of ${captures} captures (about 420 bytes each, one in 1,000 holding \`needle\`) to the end, 100 per page, \`SEARCH_SCAN_ROWS\` at its default:`,
  "",
  "| Walk | Pages | Items | Total ms | Page p50 ms | Page p99 ms |",
  "| --- | --- | --- | --- | --- | --- |",
  walkRow("unfiltered", plain),
  walkRow("`q=needle`", search),
  "",
  `Search walk against unfiltered walk: ${(search.totalMs / plain.totalMs).toFixed(2)}× total time, ${(quantile(search.pageMs, 0.5) / quantile(plain.pageMs, 0.5)).toFixed(2)}× per page (p50).`,
  "",
  `One \`q\` page over a bin of 99 bodies of 1 MiB (\`SEARCH_SCAN_BYTES\` 4 MiB): p50 ${quantile(heavyMs.absent, 0.5).toFixed(2)} ms, max ${Math.max(...heavyMs.absent).toFixed(2)} ms for an absent needle; p50 ${quantile(heavyMs.pathological, 0.5).toFixed(2)} ms, max ${Math.max(...heavyMs.pathological).toFixed(2)} ms for a 256-character needle of 255 \`a\` and a \`b\` over bodies of \`a\`.`,
  "",
  `Ingest into the same bin, sequential: alone p50 ${quantile(alone, 0.5).toFixed(2)} ms, p99 ${quantile(alone, 0.99).toFixed(2)} ms, max ${Math.max(...alone).toFixed(2)} ms; while the search walks the bin ${WALKS} times over (${during.ms.length} requests) p50 ${quantile(during.ms, 0.5).toFixed(2)} ms, p99 ${quantile(during.ms, 0.99).toFixed(2)} ms, max ${Math.max(...during.ms).toFixed(2)} ms: p99 ratio ${(quantile(during.ms, 0.99) / quantile(alone, 0.99)).toFixed(2)}×.`,
]);
