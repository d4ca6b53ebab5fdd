// Where workerd's whole CPU goes under the ingest scenario, for the JS
// floor, the workers-rs reproduction and polyhook-rs: a native profile of
// the workerd process (`perf record`), which also sees what V8's own
// profiler cannot (the runtime's C++, the allocator, the kernel). Samples
// are grouped by the symbol they landed in. Needs `perf` (linux-perf).
// Usage: node bench/perfsplit.mjs [--seconds N]   (writes its RESULTS section)
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { writeSection } from "./section.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 12;
const bench = path.join(root, "target/release/polyhook-bench");
const TARGETS = [["baseline", "JS floor"], ["repro", "workers-rs repro"], ["rust", "polyhook-rs"]];
/** First match wins: the order matters (a wasm builtin is also a V8 builtin). */
const GROUPS = [
  ["JIT code: wasm and JavaScript", /\[JIT\]/],
  ["kernel", /\[kernel/],
  ["wasm builtins and wrappers", /Wasm|wasm/],
  ["allocator (tcmalloc)", /tcmalloc|TCMalloc|operator new|\bfree\b|malloc/],
  ["Headers objects", /Headers|HttpHeader/],
  ["SQLite", /sqlite|pcache|Btree|Vdbe/],
  ["V8 garbage collection and handles", /Scaveng|Heap|GC|Mark|Sweep|GlobalHandles|Traced|Wrappable|jsg::Data/],
  ["V8 JSON", /Json/],
  ["V8 builtins, inline caches, lookups", /Builtins_|LookupIterator|Transition|Map|IC/],
  ["kj event loop, promises, I/O", /kj::/],
  ["V8, other", /v8::/],
  ["workerd, other", /workerd::/],
  ["other (libc, ...)", /./],
];

/** Samples per group for one target's run. */
async function profile(target) {
  const load = spawn(bench, ["ingest", "--target", target, "--seconds", String(seconds + 12)], { stdio: "ignore" });
  await sleep(8000); // past the runtime's start and the scenario's warm-up
  const pid = execFileSync("pgrep", ["-n", "-f", "workerd serve"]).toString().trim();
  const data = path.join(mkdtempSync(path.join(os.tmpdir(), "perfsplit-")), "perf.data");
  execFileSync("perf", ["record", "-F", "999", "-p", pid, "-o", data, "--", "sleep", String(seconds)], { stdio: "ignore" });
  await new Promise((r) => load.on("exit", r));
  const report = execFileSync("perf", ["report", "-i", data, "--no-children", "--sort", "dso,sym", "-n", "--stdio"], {
    maxBuffer: 1 << 28,
  }).toString();
  const counts = new Map(GROUPS.map(([name]) => [name, 0]));
  for (const line of report.split("\n")) {
    const m = line.match(/^\s*[\d.]+%\s+(\d+)\s+(.*)$/);
    if (!m) continue;
    const [name] = GROUPS.find(([, re]) => re.test(m[2]));
    counts.set(name, counts.get(name) + Number(m[1]));
  }
  return counts;
}

const runs = [];
for (const [target] of TARGETS) runs.push(await profile(target));
const total = (c) => [...c.values()].reduce((a, b) => a + b, 0);
const rows = GROUPS.map(([name]) => `| ${name} | ${runs.map((c) => c.get(name)).join(" | ")} | ${runs[2].get(name) - runs[1].get(name)} |`);
const table = [
  `workerd's CPU under the ingest scenario (200 webhooks/s over 10 bins, list reads at 20/s), one target after another: \`perf record -F 999 -p <workerd>\` for ${seconds} s, 8 s into each run (\`node bench/perfsplit.mjs\`). Samples (about 1 ms of CPU each), grouped by the symbol they landed in.`,
  "",
  `| Where | ${TARGETS.map(([, label]) => label).join(" | ")} | polyhook-rs − repro |`,
  `| --- | ${TARGETS.map(() => "---").join(" | ")} | --- |`,
  ...rows,
  `| **all** | ${runs.map(total).join(" | ")} | ${total(runs[2]) - total(runs[1])} |`,
];
writeSection("bench/perfsplit.mjs", table);
