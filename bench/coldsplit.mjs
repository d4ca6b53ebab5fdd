// Where a cold start's first-request time goes. For each runtime, from a
// fresh start: the first request that only reaches the Worker entry (a 404
// path: the code loads, compiles and instantiates), then the first bin
// creation, the first ingest (the first object: its class, its SQLite
// schema), an ingest into a second new bin (a new object, class warm), and
// a warm ingest. Medians over several starts. Writes its RESULTS section.
// Usage: node bench/coldsplit.mjs [--starts N]
import { served } from "./served.mjs";
import { writeSection } from "./section.mjs";

const starts = Number(process.argv[process.argv.indexOf("--starts") + 1]) || 5;
const VARS = ["RATE_LIMIT_PER_SECOND=1000000", "RATE_LIMIT_BURST=1000000", "LOG_REQUESTS=off"];

async function once(which) {
  const { url, stop } = await served([which, ...VARS]);
  const timed = async (path, init) => {
    const t = performance.now();
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    return { ms: performance.now() - t, text, status: res.status };
  };
  const entry = await timed("/nowhere");
  const create = await timed("/v1/bins", { method: "POST" });
  const bin = JSON.parse(create.text).id;
  const first = await timed(`/v1/bins/${bin}/in`, { method: "POST", body: "{}" });
  const other = JSON.parse((await timed("/v1/bins", { method: "POST" })).text).id;
  const second = await timed(`/v1/bins/${other}/in`, { method: "POST", body: "{}" });
  const warm = await timed(`/v1/bins/${bin}/in`, { method: "POST", body: "{}" });
  if (first.status !== 202 || second.status !== 202) throw new Error(`${which}: ingest answered ${first.status}/${second.status}`);
  await stop();
  return { entry: entry.ms, create: create.ms, first: first.ms, second: second.ms, warm: warm.ms };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
const figures = {};
for (const which of ["rust", "baseline"]) {
  const runs = [];
  for (let i = 0; i < starts; i += 1) runs.push(await once(which));
  figures[which] = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
}
const labels = {
  entry: "first request, entry only (load, compile, instantiate)",
  create: "first bin creation",
  first: "first ingest (first object: class, SQLite schema)",
  second: "ingest into a second new bin (new object, warm class)",
  warm: "warm ingest",
};
for (const [k, label] of Object.entries(labels)) {
  const [r, b] = [figures.rust[k], figures.baseline[k]];
  rows.push(`| ${label} | ${r.toFixed(1)} | ${b.toFixed(1)} | ${(r / b).toFixed(2)}× |`);
}
writeSection("bench/coldsplit.mjs", [
  `Where the first requests' time goes (\`node bench/coldsplit.mjs --starts ${starts}\`: Miniflare, medians of ${starts} fresh starts, ms; the floor's bin creation never reaches an object).`,
  "",
  "| Step after listening | polyhook-rs ms | JS floor ms | ratio |",
  "| --- | --- | --- | --- |",
  ...rows,
]);
