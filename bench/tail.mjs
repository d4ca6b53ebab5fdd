// What the ingest tail is made of. Each target runs the ingest scenario
// (`polyhook-bench ingest`, 200 webhooks/s over ten bins and 20 list
// reads/s) on a fresh runtime, in turns, with every webhook's latency
// traced in schedule order. A pause of the server shows as a stall: a run of
// webhooks over 10 ms. `burn:N` is the JS floor doing N turns of a loop per
// webhook: the same CPU per request as polyhook-rs's, or around it, spent
// by plain JavaScript, to set its tail beside polyhook-rs's.
// With --perf, perf samples workerd with wall-clock timestamps, and the
// isolate thread's samples inside the stalls are sorted by kind of work.
// Usage: node bench/tail.mjs [--rounds N] [--seconds N] [--list-rps N] [--perf] [TARGET...]
// (targets: rust, structured, repro, baseline, burn:N, or a directory with
// a wrangler.toml and its build/, such as an older build; the default six
// write their RESULTS section).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { root } from "../tests/support/worker.mjs";
import { takeFlag, takeNumber } from "./options.mjs";
import { writeSection } from "./section.mjs";
import { median, quantile } from "./stats.mjs";
import { readSamples, readTrace, stallWork, stalls, STALL_MS } from "./tail-trace.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const rounds = takeNumber(args, "--rounds", 3);
const seconds = takeNumber(args, "--seconds", 20);
const listRps = takeNumber(args, "--list-rps", 20);
const perf = takeFlag(args, "--perf");
const DEFAULT = ["rust", "burn:300000", "burn:600000", "structured", "repro", "baseline"];
const NAMED = ["rust", "structured", "repro", "baseline"];
const targets = args.length ? args : DEFAULT;
const out = path.join(here, ".cuts/tail");
mkdirSync(out, { recursive: true });
const bench = path.join(root, "target/release/polyhook-bench");
execFileSync("cargo", ["build", "--release", "-q", "-p", "polyhook-bench"], { cwd: root, stdio: "inherit" });
if (targets.includes("rust")) execFileSync("bash", [path.join(root, "scripts/build.sh")], { cwd: root, stdio: "inherit" });
if (targets.includes("repro")) execFileSync("bash", [path.join(here, "repro.sh")], { cwd: root, stdio: "inherit" });

const loopsOf = (target) => Number(target.split(":")[1]);

/** The floor with `loops` turns of integer arithmetic before each webhook is stored. */
function burnScript(loops) {
  const floor = readFileSync(path.join(here, "baseline/worker.js"), "utf8");
  const helper = `let sink = 0;\nfunction burn() {\n  let x = sink;\n  for (let i = 0; i < ${loops}; i++) x = (Math.imul(x, 31) + i) | 0;\n  sink = x;\n}\n\nexport class Bin {`;
  const burned = floor.replace("export class Bin {", helper).replace("async ingest(request, id, url) {", "async ingest(request, id, url) {\n    burn();");
  if (!burned.includes("burn();")) throw new Error("bench/baseline/worker.js changed: no ingest to add the loop to");
  const file = path.join(out, `burn-${loops}.js`);
  writeFileSync(file, burned);
  return file;
}

const workerdPids = () => {
  try {
    return execFileSync("pgrep", ["workerd"], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

/** Samples the runtime that appears after `before` with perf until `done` settles (none if none appeared). */
async function sampled(before, done, file) {
  let pid;
  let exited = false;
  done.then(() => (exited = true));
  while (!pid && !exited) {
    pid = workerdPids().find((p) => !before.includes(p));
    if (!pid) await new Promise((r) => setTimeout(r, 20));
  }
  if (!pid) return [];
  const rec = spawn("perf", ["record", "-q", "-F", "4999", "-k", "CLOCK_REALTIME", "-p", pid, "-o", file], { stdio: "ignore" });
  await done;
  rec.kill("SIGINT");
  await new Promise((r) => rec.on("exit", r));
  return readSamples(execFileSync("perf", ["script", "-i", file, "-F", "tid,time,ip,sym,dso", "--ns"], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] }));
}

async function once(target, round) {
  const file = (ext) => path.join(out, `${path.basename(target).replace(":", "-")}.${round}.${ext}`);
  const trace = file("trace");
  const env = { ...process.env, POLYHOOK_BENCH_TRACE: trace };
  const burn = target.startsWith("burn:");
  if (burn) env.POLYHOOK_BENCH_BASELINE_SCRIPT = burnScript(loopsOf(target));
  const dir = !burn && !NAMED.includes(target);
  if (dir) env.POLYHOOK_BENCH_BEFORE_DIR = path.resolve(target);
  const before = workerdPids();
  const child = spawn(bench, ["ingest", "--target", burn ? "baseline" : dir ? "before" : target, "--seconds", String(seconds), "--list-rps", String(listRps)], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const done = new Promise((r) => child.on("exit", r));
  const samples = perf ? await sampled(before, done, file("perf")) : (await done, null);
  const t = readTrace(trace);
  const found = stalls(t.rows);
  const latencies = t.rows.map((r) => r[1]);
  return {
    cpu: JSON.parse(stdout).workerd_cpu_ms_per_request,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    stalls: found.length,
    work: samples && stallWork(samples, t, found),
  };
}

const runs = Object.fromEntries(targets.map((t) => [t, []]));
for (let round = 1; round <= rounds; round++) {
  for (const target of targets) {
    const r = await once(target, round);
    runs[target].push(r);
    const collector = r.work ? `; in stalls (${r.work.stallSamples} samples): ${kinds(r.work.stalls)}; over the run (${r.work.samples}): ${kinds(r.work.all)}` : "";
    console.error(`round ${round} ${target}: CPU ${r.cpu.toFixed(3)} ms, p50 ${r.p50.toFixed(1)}, p99 ${r.p99.toFixed(1)} ms, ${r.stalls} stalls${collector}`);
  }
}

function share(x) {
  return `${Math.round((x ?? 0) * 100)} %`;
}

/** Each kind of work with its share, largest first. */
function kinds(by) {
  return Object.entries(by).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${share(v)}`).join(", ");
}
const span = (xs, digits) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
const label = { rust: "polyhook-rs", structured: "structured floor", repro: "workers-rs repro", baseline: "JS floor" };
const name = (t) => label[t] ?? (t.startsWith("burn:") ? `JS floor + ${loopsOf(t).toLocaleString("en")} loop turns per webhook` : `\`${t}\``);
const rows = targets.map((t) => {
  const rs = runs[t];
  const work = perf ? ` | ${share(median(rs.map((r) => r.work.stalls.collector ?? 0)))} | ${share(median(rs.map((r) => r.work.all.collector ?? 0)))}` : "";
  return `| ${name(t)} | ${span(rs.map((r) => r.cpu), 2)} ms | ${span(rs.map((r) => r.p50), 1)} ms | ${span(rs.map((r) => r.p99), 1)} ms | ${span(rs.map((r) => r.stalls), 0)}${work} |`;
});
const head = perf
  ? ["| Target | workerd CPU per request | p50 | p99 | stalls | collector's share of the isolate thread in stalls | the same over the run |", "| --- | --- | --- | --- | --- | --- | --- |"]
  : ["| Target | workerd CPU per request | p50 | p99 | stalls |", "| --- | --- | --- | --- | --- |"];
const lines = [
  "## What the ingest tail is made of (`node bench/tail.mjs`)",
  "",
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${rounds} rounds, the targets in turns, each on a fresh runtime, ${seconds} s of the ingest scenario (webhooks at 200/s over ten bins, ${listRps ? `list reads at ${listRps}/s` : "no list reads"}). A stall is a run of consecutive webhooks each over ${STALL_MS} ms: one pause of the server. Medians, lowest–highest round in brackets.${perf ? " The collector's share counts perf samples of the isolate's thread in V8's collector and in the runtime objects' finalizers (destructors, the allocator freeing), from a stall's first webhook until its queue drained." : ""}`,
  "",
  ...head,
  ...rows,
];
if (args.length === 0 && listRps === 20) writeSection("bench/tail.mjs", lines);
else console.log(lines.join("\n"));
