// Starts one runtime for the bench on a free loopback port and prints
// `READY <url>` once it answers; stops when stdin closes. Usage:
//   node bench/serve.mjs rust|baseline [VAR=value ...]
// `rust` is the built worker (build/, wrangler.toml) exactly as the tests
// run it; `baseline` is bench/baseline/worker.js on the same workerd.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startWorker } from "../tests/support/worker.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const [which, ...pairs] = process.argv.slice(2);
const vars = Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));

async function startBaseline() {
  const mf = new Miniflare({
    name: "baseline",
    modules: true,
    scriptPath: path.join(here, "baseline/worker.js"),
    compatibilityDate: "2026-04-20",
    durableObjects: { BINS: { className: "Bin", useSQLite: true } },
    host: "127.0.0.1",
    port: 0,
    verbose: false,
  });
  const ready = await mf.ready;
  return { url: ready.origin, dispose: () => mf.dispose() };
}

// Log lines are read and dropped: the worker still writes them, as in production.
const runtime = which === "baseline" ? await startBaseline() : await startWorker({ vars, onLine: () => {} });
process.stdout.write(`READY ${runtime.url.replace(/\/$/, "")}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await runtime.dispose();
  process.exit(0);
});
