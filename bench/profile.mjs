// A V8 CPU profile of the polyhook-rs isolate under ingest, through
// Miniflare's inspector: 3,000 webhooks sent 8 at a time to 10 bins.
// Prints the largest inclusive shares by the frames that matter (the wasm
// functions by name, and the runtime calls they make) and writes the table
// into RESULTS; prints where the wasm's own time goes (self time per Rust
// function). With --lists it profiles list reads of 20 captures instead
// (after 400 webhooks) and only prints. Usage:
//   node bench/profile.mjs [--requests N] [--lists]
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import WebSocket from "ws";
import { root, startWorker } from "../tests/support/worker.mjs";
import { writeSection } from "./section.mjs";

const total = Number(process.argv[process.argv.indexOf("--requests") + 1]) || 3000;
const lists = process.argv.includes("--lists");
const port = await new Promise((r) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = s.address();
    s.close(() => r(free));
  });
});
// The module with its names section (scripts/build.sh keeps it in build/names/):
// the same code as the one deployed, so wasm frames carry their Rust names.
// Inside the checkout: the runtime refuses module paths that climb out of it.
mkdirSync(path.join(root, ".prof"), { recursive: true });
const from = mkdtempSync(path.join(root, ".prof", "worker-"));
mkdirSync(path.join(from, "build"));
copyFileSync(path.join(root, "wrangler.toml"), path.join(from, "wrangler.toml"));
copyFileSync(path.join(root, "build/index.js"), path.join(from, "build/index.js"));
copyFileSync(path.join(root, "build/names/index_bg.wasm"), path.join(from, "build/index_bg.wasm"));
const w = await startWorker({ vars: { LOG_REQUESTS: "errors" }, onLine: () => {}, inspectorPort: port, from });
const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const target = targets.find((t) => t.title?.includes("polyhook-rs")) ?? targets[0];
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((r) => ws.on("open", r));
let id = 0;
const pending = new Map();
ws.on("message", (m) => {
  const msg = JSON.parse(m);
  if (pending.has(msg.id)) pending.get(msg.id)(msg.result);
});
const call = (method, params = {}) => new Promise((r) => { pending.set(++id, r); ws.send(JSON.stringify({ id, method, params })); });

const bins = [];
for (let i = 0; i < 10; i += 1) bins.push((await (await fetch(`${w.url}/v1/bins`, { method: "POST" })).json()).id);
const body = JSON.stringify({ event: "order.created", id: "evt_1", data: { amount: 4200, currency: "usd" } });
const send = async (i) => (await fetch(`${w.url}/v1/bins/${bins[i % 10]}/in/orders`, { method: "POST", body, headers: { "content-type": "application/json" } })).arrayBuffer();
const list = async (i) => (await fetch(`${w.url}/v1/bins/${bins[i % 10]}/requests?limit=20`)).arrayBuffer();
for (let i = 0; i < (lists ? 400 : 200); i += 1) await send(i); // warm-up
if (lists) for (let i = 0; i < 100; i += 1) await list(i);
const measured = lists ? list : send;
await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 100 });
await call("Profiler.start");
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => { while (next < total) await measured(next++); }));
const { profile } = await call("Profiler.stop");
ws.close();
await w.dispose();
rmSync(from, { recursive: true, force: true });

// Inclusive time per function name: a sample counts once per distinct name on its stack.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const counts = new Map();
// Self time: the frame a sample stopped in, by name.
const selfCounts = new Map();
let samples = 0;
for (const s of profile.samples) {
  const names = new Set();
  for (let n = s; n !== undefined; n = parent.get(n)) {
    const f = byId.get(n).callFrame;
    names.add(f.functionName || `(anonymous ${f.url.split("/").pop()}:${f.lineNumber})`);
  }
  if (names.has("(idle)") || names.has("(program)") || names.has("(garbage collector)")) {
    if (names.has("(garbage collector)")) counts.set("(garbage collector)", (counts.get("(garbage collector)") ?? 0) + 1);
    if (!names.has("(idle)")) samples += 1;
    continue;
  }
  samples += 1;
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const leaf = byId.get(s).callFrame;
  const own = leaf.functionName || `(anonymous ${leaf.url.split("/").pop()})`;
  selfCounts.set(own, (selfCounts.get(own) ?? 0) + 1);
}
// Glue every sample passes through (the promise/future plumbing, minified
// JS, transitions) says nothing about where the work is; hashes are noise.
const glue = /^(\(root\)|\(anonymous .*\)|[_a-zA-Z]{1,2}|apply|js-to-wasm.*|wasm-to-js.*)$|wasm_bindgen::convert::closures|js_sys::futures|Promise::new_typed/;
const clean = (name) => name.replace(/::h[0-9a-f]{16}/g, "").replace(/ externref shim.*$/, "");
const merged = new Map();
for (const [name, c] of counts) {
  if (glue.test(name)) continue;
  const key = clean(name);
  merged.set(key, Math.max(merged.get(key) ?? 0, c));
}
const top = [...merged.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18);
const row = ([name, c]) => `| \`${name.replace(/\|/g, "\\|").slice(0, 100)}\` | ${((100 * c) / samples).toFixed(1)}% |`;
const rows = top.map(row);
const selfMerged = new Map();
for (const [name, c] of selfCounts) selfMerged.set(clean(name), (selfMerged.get(clean(name)) ?? 0) + c);
const selfRows = [...selfMerged.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(row);
// The wasm's own time: samples that stopped in a wasm function, by name.
const wasmSelf = new Map();
for (const s of profile.samples) {
  const leaf = byId.get(s).callFrame;
  if (leaf.url.startsWith("wasm://")) wasmSelf.set(clean(leaf.functionName), (wasmSelf.get(clean(leaf.functionName)) ?? 0) + 1);
}
const wasmTotal = [...wasmSelf.values()].reduce((a, b) => a + b, 0);
console.log(`${samples} busy samples, ${wasmTotal} in wasm code (${((100 * wasmTotal) / samples).toFixed(1)}%); self share of busy samples:`);
for (const [name, c] of [...wasmSelf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((100 * c) / samples).toFixed(2).padStart(6)}%  ${name.slice(0, 120)}`);
}
if (lists) {
  console.log("inclusive:");
  for (const [name, c] of top) console.log(`${((100 * c) / samples).toFixed(2).padStart(6)}%  ${name.slice(0, 120)}`);
  process.exit(0);
}
writeSection("bench/profile.mjs", [
  `V8 CPU profile of the polyhook-rs isolate (\`node bench/profile.mjs\`: Miniflare's inspector, ${total} webhooks 8 at a time over 10 bins after a 200-request warm-up, 100 µs sampling; ${samples} busy samples). Inclusive share of busy samples per function, largest first, leaving out the promise and future plumbing every sample passes through; wasm functions appear by their Rust names.`,
  "",
  "| Function | Inclusive share |",
  "| --- | --- |",
  ...rows,
  "",
  "Self share: the function each busy sample was in (runtime builtins and the isolate's own JavaScript included).",
  "",
  "| Function | Self share |",
  "| --- | --- |",
  ...selfRows,
]);
