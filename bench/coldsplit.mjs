// Where a cold start's first-request time goes. For each target, from a
// fresh start: the first request that only reaches the Worker entry (a 404
// path: the code loads, compiles and instantiates), then the first bin
// creation, the first ingest (the first object: its class, its SQLite
// schema), a second creation (the same client, so its limiters are warm; a
// new bin object), an ingest into that second bin, and a warm ingest. Targets take turns; medians over the
// starts. Targets as in bench/creations.mjs (`rust`, `baseline`,
// `structured`, `repro` or a build directory). With the default three
// (rust, structured, baseline) it writes its RESULTS section; with others
// it prints the table.
// Usage: node bench/coldsplit.mjs [--starts N] [TARGET...]
import { servedTarget } from "./served.mjs";
import { writeSection } from "./section.mjs";
import { median } from "./stats.mjs";

const args = process.argv.slice(2);
const at = args.indexOf("--starts");
const starts = (at >= 0 && Number(args.splice(at, 2)[1])) || 5;
const DEFAULT = ["rust", "structured", "baseline"];
const targets = args.length ? args : DEFAULT;
const VARS = ["RATE_LIMIT_PER_SECOND=1000000", "RATE_LIMIT_BURST=1000000", "LOG_REQUESTS=off"];

async function once(target) {
  const { url, stop } = await servedTarget(target, VARS);
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
  const create2 = await timed("/v1/bins", { method: "POST" });
  const second = await timed(`/v1/bins/${JSON.parse(create2.text).id}/in`, { method: "POST", body: "{}" });
  const warm = await timed(`/v1/bins/${bin}/in`, { method: "POST", body: "{}" });
  if (first.status !== 202 || second.status !== 202) throw new Error(`${target}: ingest answered ${first.status}/${second.status}`);
  await stop();
  return { entry: entry.ms, create: create.ms, first: first.ms, create2: create2.ms, second: second.ms, warm: warm.ms };
}

const runs = Object.fromEntries(targets.map((t) => [t, []]));
for (let i = 0; i < starts; i += 1) for (const t of targets) runs[t].push(await once(t));
const figures = Object.fromEntries(
  targets.map((t) => [t, Object.fromEntries(Object.keys(runs[t][0]).map((k) => [k, median(runs[t].map((r) => r[k]))]))]),
);
const labels = {
  entry: "first request, entry only (load, compile, instantiate)",
  create: "first bin creation",
  first: "first ingest (first object: class, SQLite schema)",
  create2: "second bin creation (limiters warm, a new bin object)",
  second: "ingest into the second bin",
  warm: "warm ingest",
};
const names = { rust: "polyhook-rs", structured: "JS floor, polyhook's creation", baseline: "JS floor", repro: "workers-rs repro" };
const byDefault = targets.join() === DEFAULT.join();
const ratios = byDefault ? [" rs / structured | rs / floor |", " --- | --- |"] : ["", ""];
const header = [
  `| Step after listening | ${targets.map((t) => `${names[t] ?? t} ms`).join(" | ")} |${ratios[0]}`,
  `| --- |${" --- |".repeat(targets.length)}${ratios[1]}`,
];
const rows = Object.entries(labels).map(([k, label]) => {
  const cells = targets.map((t) => figures[t][k].toFixed(1));
  if (byDefault) for (const floor of ["structured", "baseline"]) cells.push(`${(figures.rust[k] / figures[floor][k]).toFixed(2)}×`);
  return `| ${label} | ${cells.join(" | ")} |`;
});
if (byDefault) {
  writeSection("bench/coldsplit.mjs", [
    `Where the first requests' time goes (\`node bench/coldsplit.mjs --starts ${starts}\`: Miniflare, medians of ${starts} fresh starts, the three taking turns, ms). The floor's bin creation never reaches an object; the structured floor (\`bench/baseline/structured.js\`) creates a bin the way polyhook-rs does: a network limiter object, a creation shard, then the bin's object with polyhook's schema and alarm.`,
    "",
    ...header,
    ...rows,
  ]);
} else {
  console.log([...header, ...rows].join("\n"));
}
