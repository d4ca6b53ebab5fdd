// Reading an ingest trace (`POLYHOOK_BENCH_TRACE`: each webhook's scheduled
// start and latency, ms) and, when perf sampled workerd meanwhile, what the
// isolate's thread ran during each stall.
import { readFileSync } from "node:fs";

/** A latency over this, ms, counts as part of a stall. */
export const STALL_MS = 10;

/** `{ startUnixMs, rows: [[start_ms, latency_ms]] }` from a trace file. */
export function readTrace(file) {
  let startUnixMs = 0;
  const rows = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("# start_unix_ms ")) startUnixMs = Number(line.split(" ")[2]);
    else if (line) rows.push(line.split(" ").map(Number));
  }
  return { startUnixMs, rows };
}

/**
 * Stalls: runs of consecutive webhooks (in schedule order) each over
 * {@link STALL_MS}. One pause of the server shows as one run whose first
 * latency is the longest, falling by the send interval after it.
 */
export function stalls(rows) {
  const found = [];
  let open = null;
  for (const [at, ms] of rows) {
    if (ms > STALL_MS) {
      if (open) open.peakMs = Math.max(open.peakMs, ms);
      else open = { atMs: at, peakMs: ms };
    } else if (open) {
      found.push(open);
      open = null;
    }
  }
  if (open) found.push(open);
  return found;
}

// What a sampled symbol is doing. Destructors, disposers and the allocator
// freeing run when the garbage collector finalizes the runtime's objects.
const KINDS = [
  ["collector", /Scaveng|Sweep|MarkCompact|Marking|GlobalHandles|TracedHandles|detachWrapper|HeapTracer|cppgc|IsUnmodifiedApiObject|Evacuat|RefToDelete|maybeDeferDestruction|CppgcShim|::~|Dispose|disposeImpl|ReleaseToTransferCache|FreeSmallSlow|Heap::/],
  ["wasm and JS", /^Builtins_|Wasm|^\?perf-/],
  ["SQLite", /sqlite|Sqlite/],
];
const kind = (symbol, dso) => {
  if (dso.includes("kallsyms")) return "kernel";
  const named = symbol === "[unknown]" ? `?${dso.split("/").pop()}` : symbol;
  return KINDS.find(([, re]) => re.test(named))?.[0] ?? "other runtime";
};

/** `[{ atMs, tid, kind }]` from `perf script -F tid,time,ip,sym,dso --ns` output. */
export function readSamples(text) {
  const line = /^\s*(\d+)\s+([\d.]+):\s+[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$/;
  const samples = [];
  for (const l of text.split("\n")) {
    const m = line.exec(l);
    if (m) samples.push({ atMs: Number(m[2]) * 1000, tid: Number(m[1]), kind: kind(m[3], m[4]) });
  }
  return samples;
}

/**
 * Shares of each kind of work on the isolate's thread (the busiest one):
 * over the whole run, and inside stalls (from a stall's first webhook until
 * its queue drained). Both as `{ kind: share }`, plus the sample counts.
 */
export function stallWork(samples, trace, found) {
  const counts = new Map();
  for (const s of samples) counts.set(s.tid, (counts.get(s.tid) ?? 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const own = samples.filter((s) => s.tid === main);
  const windows = found.map((s) => [trace.startUnixMs + s.atMs - 1, trace.startUnixMs + s.atMs + s.peakMs - 3]);
  const inside = own.filter((s) => windows.some(([a, b]) => s.atMs >= a && s.atMs < b));
  return { all: shares(own), stalls: shares(inside), samples: own.length, stallSamples: inside.length };
}

function shares(samples) {
  const by = {};
  for (const s of samples) by[s.kind] = (by[s.kind] ?? 0) + 1 / samples.length;
  return by;
}
