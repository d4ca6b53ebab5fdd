// Turns bench/levers.sh's JSON lines into the "each lever on its own"
// section of bench/RESULTS.md. Usage: node bench/levers-table.mjs FILE "COMMAND"
import { readFileSync } from "node:fs";
import { writeSection } from "./section.mjs";

const [file, command = "bash bench/levers.sh"] = process.argv.slice(2);
const levers = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const cell = (p, a, digits = 2, unit = "") => `${p.toFixed(digits)} → ${a.toFixed(digits)}${unit}`;
const pct = (p, a) => (p ? ` (${a >= p ? "+" : ""}${((100 * (a - p)) / p).toFixed(0)} %)` : "");
const rows = levers.map(({ lever, subject, parent: p, after: a }) =>
  [
    `\`${lever}\` ${subject.replace(/\|/g, "\\|").split(":")[0]}: ${subject.split(":").slice(1).join(":").trim().split(/[,(;]|: /)[0].trim()}${subject.match(/ \((second|third) run\)$/)?.[0] ?? ""}`,
    cell(p.wasm_gz / 1000, a.wasm_gz / 1000, 1, " KB"),
    cell(p.cpu_ms, a.cpu_ms, 3) + pct(p.cpu_ms, a.cpu_ms),
    cell(p.p50_ms, a.p50_ms),
    cell(p.p99_ms, a.p99_ms),
    cell(p.capacity_rps, a.capacity_rps, 0),
    cell(p.listening_to_first_ms, a.listening_to_first_ms, 1),
  ].join(" | "),
);
writeSection("bench/levers.sh", [
  `Each lever on its own (\`${command}\`): the worker at the lever's parent commit and at the lever, built side by side, measured one after the other in one run on fresh Miniflare runtimes. Ingest: the 200 req/s scenario (10 bins, list reads at 20/s); capacity: the one-bin ramp in 3 s steps; cold start: listening → first 2xx ingest, bin created first. One run per lever: single figures move by ±20 % here, so a change inside that band is noise.`,
  "",
  "| Lever | wasm gzip -9 | workerd CPU per request, ms | ingest p50, ms | ingest p99, ms | capacity, req/s | cold start, ms |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r} |`),
]);
