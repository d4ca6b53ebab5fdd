// bench/tail.mjs reads the ingest trace into stalls and sorts perf samples
// by kind of work; a wrong count there would misstate what the tail is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { takeFlag, takeNumber } from "../bench/options.mjs";
import { quantile } from "../bench/stats.mjs";
import { readSamples, readTrace, stallWork, stalls } from "../bench/tail-trace.mjs";

test("a run of webhooks over 10 ms is one stall, whatever its length", () => {
  const rows = [[0, 3], [5, 31], [10, 26], [15, 21], [20, 16], [25, 11], [30, 6], [35, 12], [40, 4], [45, 10.5]];
  assert.deepEqual(stalls(rows), [
    { atMs: 5, peakMs: 31 },
    { atMs: 35, peakMs: 12 },
    { atMs: 45, peakMs: 10.5 },
  ]);
  assert.deepEqual(stalls([[0, 10], [5, 9]]), [], "exactly 10 ms is not over");
});

test("quantiles pick the sample at that rank", () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(quantile(values, 0.5), 51);
  assert.equal(quantile(values, 0.99), 100);
  assert.equal(quantile([], 0.99), undefined, "no samples, no quantile");
});

test("a trace file gives its wall-clock start and its rows", () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tail-")), "t");
  writeFileSync(file, "# start_unix_ms 1796582162269.500\n0.0 3.100\n5.0 12.250\n");
  assert.deepEqual(readTrace(file), { startUnixMs: 1796582162269.5, rows: [[0, 3.1], [5, 12.25]] });
});

test("samples inside a stall are sorted by kind, on the busiest thread only", () => {
  const perf = [
    "  26631 1796582162.270000000:      55ff3d9d1afc workerd::api::Headers::~Headers() (/x/bin/workerd)",
    "  26631 1796582162.271000000:      55ff3d9d1afc v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot> (/x/bin/workerd)",
    "  26631 1796582162.272000000:      7f00 [unknown] (/tmp/perf-26631.map)",
    "  26631 1796582162.290000000:      55ff sqlite3VdbeExec (/x/bin/workerd)",
    "  26631 1796582162.291000000:      ffff tcp_rcv_established ([kernel.kallsyms])",
    "  26640 1796582162.271500000:      55ff v8::internal::ConcurrentMarking::Run (/x/bin/workerd)",
    "not a sample line",
  ].join("\n");
  const samples = readSamples(perf);
  assert.deepEqual(samples.map((s) => s.kind), ["collector", "collector", "wasm and JS", "SQLite", "kernel", "collector"]);
  // One stall from 1 ms before its first webhook until its queue drained (peak − 3 ms).
  const trace = { startUnixMs: 1796582162270, rows: [] };
  const work = stallWork(samples, trace, [{ atMs: 0, peakMs: 6 }]);
  assert.equal(work.samples, 5, "the other thread's sample is left out");
  assert.equal(work.stallSamples, 3);
  assert.ok(Math.abs(work.stalls.collector - 2 / 3) < 1e-9);
  assert.ok(Math.abs(work.all.collector - 2 / 5) < 1e-9);
});

test("options are taken out of the arguments, leaving the targets", () => {
  const args = ["--rounds", "4", "rust", "--perf", "bench/.cuts/x"];
  assert.equal(takeNumber(args, "--rounds", 3), 4);
  assert.equal(takeNumber(args, "--seconds", 20), 20, "absent: the fallback");
  assert.equal(takeFlag(args, "--perf"), true);
  assert.equal(takeFlag(args, "--perf"), false, "taken once");
  assert.deepEqual(args, ["rust", "bench/.cuts/x"]);
});
