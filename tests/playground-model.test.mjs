// Unit tests of the playground's pure helpers (public/js/*), imported
// straight into node: the metrics parser, formatting, the feed's dedupe,
// the URL hash, the bin store, replay states, base64 and header rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMetrics, parseLabels, parseValue, metricTotal, metricBy } from "../public/js/metrics.js";
import { formatBytes, formatCountdown, formatDuration, formatClock, formatNumber } from "../public/js/format.js";
import { FeedModel } from "../public/js/feedmodel.js";
import { parseHash, buildHash } from "../public/js/hash.js";
import { createBinStore, recordFromCreated } from "../public/js/binstore.js";
import { newerReplay, isTerminal } from "../public/js/replaystate.js";
import { base64ToBytes, bytesToBase64 } from "../public/js/base64.js";
import { headerRows, queryRows } from "../public/js/headers.js";
import { parseFilter, filterQuery, isEmpty, matchesQ } from "../public/js/filtermodel.js";

const text = (s) => new TextEncoder().encode(s);

test("parseMetrics reads the 0.0.4 text format", () => {
  const exposition = [
    "# HELP polyhook_captures_total Captures by method.",
    "# TYPE polyhook_captures_total counter",
    'polyhook_captures_total{method="POST"} 12',
    'polyhook_captures_total{method="GET"} 3 1700000000000',
    'polyhook_captures_total{method="PUT",bin="a"} 1',
    'polyhook_captures_total{method="PUT",bin="b",} 2',
    "polyhook_sse_clients 4",
    'weird{label="a \\"quoted\\" \\\\ back\\nslash"} 1.5e3',
    "polyhook_nan NaN",
    "polyhook_inf +Inf",
    "not a metric line",
    "",
    "   ",
  ].join("\n");
  const samples = parseMetrics(exposition);
  assert.equal(samples.length, 8, "every sample line, nothing else");
  assert.equal(metricTotal(samples, "polyhook_sse_clients"), 4);
  assert.equal(metricTotal(samples, "polyhook_captures_total"), 18);
  assert.equal(metricTotal(samples, "polyhook_missing"), null);
  assert.deepEqual(metricBy(samples, "polyhook_captures_total", "method"), [
    { key: "POST", value: 12 }, { key: "GET", value: 3 }, { key: "PUT", value: 3 },
  ]);
  assert.deepEqual(samples.find((s) => s.name === "weird"), { name: "weird", labels: { label: 'a "quoted" \\ back\nslash' }, value: 1500 });
  assert.ok(Number.isNaN(metricTotal(samples, "polyhook_nan")));
  assert.equal(metricTotal(samples, "polyhook_inf"), Infinity);
  assert.deepEqual(parseLabels('{a="1", b="x,y"}'), { a: "1", b: "x,y" });
  assert.equal(parseLabels('{a=1}'), null);
  assert.equal(parseValue("-Inf"), -Infinity);
  assert.equal(parseValue("abc"), null);
  assert.deepEqual(parseMetrics(""), []);
});

test("formatting: sizes, countdowns, durations, clock, numbers", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1023), "1023 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(1048576), "1.0 MiB");
  assert.equal(formatBytes(100 * 1048576), "100 MiB");
  assert.equal(formatBytes(-1), "?");
  assert.equal(formatCountdown(86_400_000), "24h 00m 00s");
  assert.equal(formatCountdown(3 * 86_400_000 + 3_600_000), "3d 01h 00m");
  assert.equal(formatCountdown(3_600_000 + 61_000), "1h 01m 01s");
  assert.equal(formatCountdown(125_000), "2m 05s");
  assert.equal(formatCountdown(400), "1s", "rounds up: never 0s while alive");
  assert.equal(formatCountdown(0), "expired");
  assert.equal(formatCountdown(-5), "expired");
  assert.equal(formatDuration(6), "6 ms");
  assert.equal(formatDuration(1234), "1.2 s");
  assert.equal(formatDuration(125_000), "2m 05s");
  assert.equal(formatClock("2026-11-22T05:04:03.007Z", true), "05:04:03.007");
  assert.equal(formatClock("nonsense"), "?");
  assert.equal(formatNumber(1234567), "1,234,567");
  assert.equal(formatNumber(0.12345), "0.123");
  assert.equal(formatNumber(NaN), "NaN");
});

test("FeedModel keeps each seq once and knows the newest", () => {
  const feed = new FeedModel();
  const capture = (seq) => ({ id: `b-${seq}`, seq, method: "POST", path: "/", body_size: 1, body_b64: "eA==", received_at: "2026-01-01T00:00:00.000Z" });
  assert.equal(feed.maxSeq, 0);
  assert.ok(feed.add(capture(2)));
  assert.ok(feed.add(capture(5)));
  assert.ok(!feed.add(capture(2)), "a duplicate is refused");
  assert.ok(feed.add(capture(1)));
  assert.ok(!feed.add({ id: "x" }), "no seq, no row");
  assert.equal(feed.size, 3);
  assert.equal(feed.maxSeq, 5);
  assert.deepEqual(feed.seqs(), [5, 2, 1]);
  assert.equal(feed.get(5).body_b64, undefined, "bodies are not kept in the feed");
});

test("URL hash: parse and build round-trip; junk is ignored", () => {
  assert.deepEqual(parseHash("#bin=abcdefghijkl&req=abcdefghijkl-12&view=status"), { bin: "abcdefghijkl", req: "abcdefghijkl-12", view: "status" });
  assert.deepEqual(parseHash(""), { bin: null, req: null, view: "bins" });
  assert.deepEqual(parseHash("#bin=ABC"), { bin: null, req: null, view: "bins" });
  assert.equal(parseHash("#bin=abcdefghijkl&req=zzzzzzzzzzzz-1").req, null, "a capture of another bin");
  for (const state of [{ bin: "abcdefghijkl", req: "abcdefghijkl-3", view: "bins" }, { bin: null, req: null, view: "status" }]) {
    assert.deepEqual(parseHash(buildHash(state)), state);
  }
  assert.equal(buildHash({}), "");
  assert.equal(buildHash({ bin: "abcdefghijkl" }), "#bin=abcdefghijkl");
});

test("bin store: save, list newest first, update, remove; corrupt storage is empty", () => {
  const data = new Map();
  const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v) };
  const store = createBinStore(storage);
  const created = { id: "aaaaaaaaaaaa", delete_token: "d", expires_at: "2026-01-02T00:00:00Z", ingest_url: "http://x/v1/bins/aaaaaaaaaaaa/in" };
  store.save(recordFromCreated(created, new Date("2026-01-01T00:00:00Z")));
  store.save(recordFromCreated({ ...created, id: "bbbbbbbbbbbb", read_token: "r" }, new Date("2026-01-01T01:00:00Z")));
  assert.deepEqual(store.list().map((r) => r.id), ["bbbbbbbbbbbb", "aaaaaaaaaaaa"]);
  assert.equal(store.get("bbbbbbbbbbbb").read_token, "r");
  assert.equal(store.get("aaaaaaaaaaaa").read_token, null);
  assert.ok(store.update("aaaaaaaaaaaa", { ended: "deleted" }));
  assert.equal(store.get("aaaaaaaaaaaa").ended, "deleted");
  assert.ok(!store.update("cccccccccccc", { ended: "x" }));
  store.remove("aaaaaaaaaaaa");
  assert.deepEqual(store.list().map((r) => r.id), ["bbbbbbbbbbbb"]);
  data.set("polyhook.bins.v1", "{not json");
  assert.deepEqual(createBinStore(storage).list(), []);
  const failing = createBinStore({ getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("quota"); } });
  assert.deepEqual(failing.list(), []);
  failing.save(recordFromCreated(created)); // must not throw
});

test("replay states: the newest wins whatever order they arrive in", () => {
  const at = (ms, status, attempts) => ({ id: "r", status, attempts, updated_at: new Date(ms).toISOString() });
  assert.equal(newerReplay(at(1, "queued", 0), at(2, "in_progress", 1)).status, "in_progress");
  assert.equal(newerReplay(at(2, "succeeded", 1), at(1, "in_progress", 1)).status, "succeeded");
  assert.equal(newerReplay(at(1, "in_progress", 1), at(1, "succeeded", 1)).status, "succeeded", "same millisecond: terminal wins");
  assert.equal(newerReplay(at(1, "queued", 1), at(1, "in_progress", 2)).attempts, 2);
  assert.ok(isTerminal("failed") && isTerminal("succeeded") && !isTerminal("queued"));
});

test("base64 round-trips every byte", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(bytesToBase64(all), Buffer.from(all).toString("base64"));
  assert.deepEqual([...base64ToBytes(Buffer.from(all).toString("base64"))], [...all]);
  assert.equal(bytesToBase64(new Uint8Array(100_000)).length, Math.ceil(100_000 / 3) * 4);
});

test("header rows: sorted, joined repeats as stored, each Set-Cookie on its own row", () => {
  const rows = headerRows({
    headers: { "x-rep": "one, two", accept: "*/*", "set-cookie": "a=1, b=2; Path=/", "content-type": "text/plain" },
    set_cookies: ["a=1", "b=2; Path=/"],
  });
  assert.deepEqual(rows, [
    ["accept", "*/*"], ["content-type", "text/plain"], ["set-cookie", "a=1"], ["set-cookie", "b=2; Path=/"], ["x-rep", "one, two"],
  ]);
  assert.deepEqual(headerRows({ headers: { "set-cookie": "only=joined" } }), [["set-cookie", "only=joined"]], "without set_cookies the header stays");
  assert.deepEqual(headerRows({}), []);
  assert.deepEqual(queryRows("a=1&a=2&b=%3Cx%3E&flag&sp=a+b"), [["a", "1"], ["a", "2"], ["b", "<x>"], ["flag", ""], ["sp", "a b"]]);
  assert.deepEqual(queryRows(""), []);
});

test("the filter box: key:value words become filters, the rest is q", () => {
  const f = parseFilter("  method:PUT path:/github header:x-github-event=push verified:false refs/heads main  ");
  assert.deepEqual(f.params, [["method", "PUT"], ["path_prefix", "/github"], ["header", "x-github-event:push"], ["verified", "false"]]);
  assert.equal(f.q, "refs/heads main");
  assert.equal(filterQuery(f).toString(), "method=PUT&path_prefix=%2Fgithub&header=x-github-event%3Apush&verified=false&q=refs%2Fheads+main");
  assert.equal(filterQuery(f, { withQ: false }).get("q"), null, "the stream takes no q");
  assert.deepEqual(parseFilter("colour:red method:").params, [], "unknown keys and empty values stay text");
  assert.equal(parseFilter("colour:red method:").q, "colour:red method:");
  assert.ok(isEmpty(parseFilter("   ")) && isEmpty(null) && !isEmpty(parseFilter("x")));
  assert.deepEqual(parseFilter("since:2026-12-01T00:00:00Z").params, [["since", "2026-12-01T00:00:00Z"]], "the first colon splits");
});

test("live q matching follows the service: body bytes or header values, case-sensitive", () => {
  const capture = { headers: { "user-agent": "GitHub-Hookshot/1" }, body_b64: Buffer.from([0, 0xff, ...text("zebra")]).toString("base64") };
  assert.ok(matchesQ(parseFilter("zebra"), capture));
  assert.ok(matchesQ(parseFilter("Hookshot"), capture));
  assert.ok(!matchesQ(parseFilter("ZEBRA"), capture));
  assert.ok(!matchesQ(parseFilter("user-agent"), capture), "names are not values");
  assert.ok(matchesQ(parseFilter("method:PUT"), capture), "no q, no check");
  assert.ok(matchesQ(null, capture));
});
