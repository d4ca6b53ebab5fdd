// Starts one runtime for the bench on a free loopback port and prints
// `READY <url>` once it answers; stops when stdin closes. Usage:
//   node bench/serve.mjs rust|before|baseline|structured|repro [--wrangler] [--persist=DIR] [VAR=value ...]
// `rust` is the built worker (build/, wrangler.toml) exactly as the tests
// run it; `before` is the older build bench/before.sh put in bench/.before;
// `repro` is bench/repro/ (the floor's object in workers-rs, built by bench/repro.sh);
// `baseline` is bench/baseline/worker.js on the same workerd, and
// `structured` bench/baseline/structured.js (bare Miniflare only). With
// `--wrangler` the runtime is `wrangler dev` (what `npm run dev` runs, with
// its per-request log line and file watcher) instead of bare Miniflare.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { builtWorkerConfig } from "../scripts/wrangler-config.mjs";
import { root, startWorker } from "../tests/support/worker.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const which = args[0];
const wrangler = args.includes("--wrangler");
const pairs = args.slice(1).filter((a) => a.includes("=") && !a.startsWith("--"));
// --persist=DIR keeps Durable Object storage on disk there (a restart finds it again).
const persist = args.find((a) => a.startsWith("--persist="))?.slice("--persist=".length);
const vars = Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
const BASELINE_DATE = "2026-04-20";
// POLYHOOK_BENCH_BEFORE_DIR points `before` at another build (bench/levers.sh).
const before = process.env.POLYHOOK_BENCH_BEFORE_DIR ? path.resolve(process.env.POLYHOOK_BENCH_BEFORE_DIR) : path.join(here, ".before");
// POLYHOOK_BENCH_BASELINE_SCRIPT points `baseline` at another script (bench/cuts.mjs).
const baselineScript = process.env.POLYHOOK_BENCH_BASELINE_SCRIPT ? path.resolve(process.env.POLYHOOK_BENCH_BASELINE_SCRIPT) : path.join(here, "baseline/worker.js");

// The structured floor (bench/baseline/structured.js) is the floor with
// polyhook's structure: its creation path (limiter objects, the bin's object
// made with polyhook's schema), its ingest and list work, and metrics shards.
const structured = () => ({
  scriptPath: path.join(here, "baseline/structured.js"),
  // It imports the floor's worker.js, which Miniflare must read as a module too.
  modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
  durableObjects: {
    BINS: { className: "Bin", useSQLite: true },
    LIMITERS: { className: "Limiter", useSQLite: true },
    METRICS: { className: "Metrics", useSQLite: true },
  },
  bindings: {
    BIN_SCHEMA: readFileSync(path.join(root, "src/edge/storage/schema/bin_fresh.sql"), "utf8").replace(/\bcaptures\b/g, "rs_captures"),
  },
});

async function startBaseline() {
  const mf = new Miniflare({
    name: "baseline",
    modules: true,
    scriptPath: baselineScript,
    compatibilityDate: BASELINE_DATE,
    durableObjects: { BINS: { className: "Bin", useSQLite: true } },
    ...(which === "structured" ? structured() : {}),
    durableObjectsPersist: persist ?? false,
    host: "127.0.0.1",
    port: 0,
    verbose: false,
  });
  const ready = await mf.ready;
  return { url: ready.origin, dispose: () => mf.dispose() };
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** The config `wrangler dev` gets for `which`. */
function wranglerConfig(dir) {
  if (which === "structured") throw new Error("the structured floor runs on bare Miniflare only (no --wrangler)");
  if (which === "baseline") {
    const file = path.join(dir, "baseline.wrangler.toml");
    const toml = [
      'name = "baseline"',
      `main = ${JSON.stringify(baselineScript)}`,
      `compatibility_date = "${BASELINE_DATE}"`,
      "[[durable_objects.bindings]]",
      'name = "BINS"',
      'class_name = "Bin"',
      "[[migrations]]",
      'tag = "v1"',
      'new_sqlite_classes = ["Bin"]',
    ];
    writeFileSync(file, toml.join("\n") + "\n");
    return file;
  }
  return builtWorkerConfig(path.join(which === "before" ? before : root, "wrangler.toml"), path.join(dir, `${which}.wrangler.toml`));
}

async function startWrangler() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "polyhook-bench-"));
  const [port, inspector] = [await freePort(), await freePort()];
  const flags = ["dev", "--config", wranglerConfig(dir), "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", path.join(dir, "state")];
  for (const [k, v] of Object.entries(vars)) flags.push("--var", `${k}:${v}`);
  // Its own process group, so stopping it stops workerd and esbuild too.
  const child = spawn(path.join(root, "node_modules/.bin/wrangler"), flags, { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  // wrangler's output is read and dropped: it still writes it, as for a user.
  child.stdout.resume();
  child.stderr.resume();
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    const up = await fetch(`${url}/`).then((r) => r.arrayBuffer().then(() => true), () => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const dispose = async () => {
    const exited = new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
    process.kill(-child.pid, "SIGTERM");
    await exited;
    // Whatever of the group outlived wrangler (workerd) goes too.
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, dispose };
}

// Log lines are read and dropped: the worker still writes them, as in
// production. POLYHOOK_BENCH_LINES=1 prints them (e.g. V8's --trace-gc).
const runtime = wrangler
  ? await startWrangler()
  : which === "baseline" || which === "structured"
    ? await startBaseline()
    : await startWorker({ vars, onLine: process.env.POLYHOOK_BENCH_LINES ? (line) => console.log(line) : () => {}, from: { before, repro: path.join(here, "repro") }[which] ?? root, persistTo: persist });
process.stdout.write(`READY ${runtime.url.replace(/\/$/, "")}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await runtime.dispose();
  process.exit(0);
});
