// Private bins: every read endpoint needs the read token, ingest stays open.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";

let worker;
before(async () => { worker = await startWorker(); });
after(async () => { await worker?.dispose(); });

async function createPrivate() {
  const res = await fetch(`${worker.url}/v1/bins`, { method: "POST", body: JSON.stringify({ private: true }), headers: { "content-type": "application/json" } });
  assert.equal(res.status, 201);
  return res.json();
}

test("a private bin gets a read token; without a body or with private:false the answer is the contract's", async () => {
  const bin = await createPrivate();
  assert.ok(bin.read_token.length >= 32);
  assert.notEqual(bin.read_token, bin.delete_token);
  const pub = await createBin(worker.url);
  assert.equal(pub.read_token, undefined);
  const explicit = await (await fetch(`${worker.url}/v1/bins`, { method: "POST", body: '{"private":false}' })).json();
  assert.equal(explicit.read_token, undefined);
  await assertError(await fetch(`${worker.url}/v1/bins`, { method: "POST", body: "private please" }), 400);
});

test("each read endpoint: no token 401, wrong token 403, header or query parameter 2xx", async () => {
  const bin = await createPrivate();
  const { request_id: rid } = await ingestOk(worker.url, bin.id, { body: "secret" }); // ingest stays open
  const base = `${worker.url}/v1/bins/${bin.id}`;
  const replay = await fetch(`${base}/requests/${rid}/replay?token=${bin.read_token}`, { method: "POST", body: JSON.stringify({ target_url: "http://127.0.0.1:9/x", max_retries: 0 }) });
  assert.equal(replay.status, 202);
  const { replay_id } = await replay.json();
  const endpoints = [
    ["GET", `${base}/requests`, 200],
    ["GET", `${base}/requests/${rid}`, 200],
    ["GET", `${base}/requests/${rid}/raw`, 200],
    ["GET", `${base}/stream`, 200],
    ["GET", `${base}/replays`, 200],
    ["GET", `${worker.url}/v1/replays/${replay_id}`, 200],
    ["POST", `${base}/requests/${rid}/replay`, 202],
  ];
  for (const [method, url, okStatus] of endpoints) {
    const body = method === "POST" ? JSON.stringify({ target_url: "http://127.0.0.1:9/x", max_retries: 0 }) : undefined;
    const call = async (headers, query = "") => {
      const res = await fetch(`${url}${query}`, { method, headers, body });
      if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
        await res.body.cancel();
      }
      return res;
    };
    await assertError(await call({}), 401);
    await assertError(await call({ "x-authorization": "wrong" }), 403);
    await assertError(await call({}, "?token=wrong"), 403);
    assert.equal((await call({ "x-authorization": bin.read_token })).status, okStatus, `${method} ${url} with the header`);
    assert.equal((await call({}, `?token=${bin.read_token}`)).status, okStatus, `${method} ${url} with ?token=`);
  }
});

test("a public bin needs no token, and the delete token still deletes a private one", async () => {
  const pub = await createBin(worker.url);
  await getJson(`${worker.url}/v1/bins/${pub.id}/requests`);
  const bin = await createPrivate();
  const del = await fetch(`${worker.url}/v1/bins/${bin.id}`, { method: "DELETE", headers: { "x-delete-token": bin.delete_token } });
  assert.equal(del.status, 204);
});
