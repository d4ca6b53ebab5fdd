// JSON log lines per request (as LOG_REQUESTS chooses) and per replay
// attempt (always), without secrets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";
import { ingestOk } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";

test("requests and replay attempts are logged as JSON lines, never with tokens or bodies", async () => {
  const lines = [];
  const w = await startWorker({ vars: { LOG_REQUESTS: "all" }, onLine: (l) => lines.push(l) });
  const target = await startTarget(() => ({ status: 200 }));
  try {
    const res = await fetch(`${w.url}/v1/bins`, { method: "POST", body: '{"private":true}' });
    const bin = await res.json();
    const { request_id } = await ingestOk(w.url, bin.id, { body: "BODY-SECRET-123" });
    const replay = await fetch(`${w.url}/v1/bins/${bin.id}/requests/${request_id}/replay?token=${bin.read_token}`, {
      method: "POST",
      body: JSON.stringify({ target_url: target.url }),
    });
    assert.equal(replay.status, 202);
    await fetch(`${w.url}/v1/bins/${bin.id}/requests?token=wrong`);
    const deadline = Date.now() + 10_000;
    const records = () => lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    while (!records().some((r) => r.msg === "replay_attempt") && Date.now() < deadline) await sleep(50);
    const recs = records();
    const ingestLine = recs.find((r) => r.msg === "request" && r.route === "ingest");
    assert.deepEqual({ ...ingestLine, duration_ms: 0 }, { msg: "request", route: "ingest", method: "POST", bin: bin.id, status: 202, duration_ms: 0, error: null });
    const denied = recs.find((r) => r.route === "list_requests");
    assert.equal(denied.status, 403);
    assert.equal(denied.error, "forbidden");
    const attempt = recs.find((r) => r.msg === "replay_attempt");
    assert.equal(attempt.bin, bin.id);
    assert.equal(attempt.status, 200);
    const all = lines.join("\n");
    for (const secret of [bin.delete_token, bin.read_token, "BODY-SECRET-123"]) {
      assert.ok(!all.includes(secret), "logs never carry tokens or bodies");
    }
  } finally {
    await w.dispose();
    await target.close();
  }
});

test("by default (LOG_REQUESTS=errors) only failed requests get a line; replay attempts always do", async () => {
  const lines = [];
  const w = await startWorker({ onLine: (l) => lines.push(l) });
  const target = await startTarget(() => ({ status: 200 }));
  try {
    const bin = await (await fetch(`${w.url}/v1/bins`, { method: "POST" })).json();
    const { request_id } = await ingestOk(w.url, bin.id, { body: "x" });
    await fetch(`${w.url}/v1/bins/${bin.id}/requests/${request_id}/replay`, { method: "POST", body: JSON.stringify({ target_url: target.url }) });
    await fetch(`${w.url}/v1/bins/${bin.id}/requests/${bin.id}-99`);
    const records = () => lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const deadline = Date.now() + 10_000;
    while (!records().some((r) => r.msg === "replay_attempt") && Date.now() < deadline) await sleep(50);
    const requests = records().filter((r) => r.msg === "request");
    assert.deepEqual(requests.map((r) => [r.route, r.status]), [["get_request", 404]]);
    assert.ok(records().some((r) => r.msg === "replay_attempt"));
  } finally {
    await w.dispose();
    await target.close();
  }
});
