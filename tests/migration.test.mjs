// A bin written by the build from before schema versions were recorded
// (tests/fixtures/legacy-state, made by tests/fixtures/make-state.mjs)
// still opens, reads, takes captures, resumes its stream and deletes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { root, withWorker } from "./support/worker.mjs";
import { getJson, ingestOk } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";
import WebSocket from "ws";

/** Seats a responder on `bin` over a raw socket; it answers each asked capture with `answer(seq)`. */
function rawResponder(base, bin, deleteToken, answer) {
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/v1/bins/${bin}/ws?reply=1`, { headers: { "x-delete-token": deleteToken } });
  const seated = new Promise((resolve, reject) => {
    ws.on("message", (text) => {
      const m = JSON.parse(String(text));
      if (m.type === "responder") resolve();
      if (m.type === "request" && m.reply_ms) ws.send(JSON.stringify({ type: "reply", seq: m.data.seq, ...answer(m.data.seq) }));
    });
    ws.on("unexpected-response", (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
  });
  return { ws, seated };
}

const fixture = path.join(root, "tests/fixtures/legacy-state");

/** Copies the fixture and moves the bin's expiry to a day from now, so the test never ages out. */
async function legacyState() {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-legacy-"));
  await cp(fixture, dir, { recursive: true });
  const objects = path.join(dir, "do/polyhook-rs-BinObject");
  const file = (await readdir(objects)).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  const expires = Date.now() + 86_400_000;
  const script = `import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE bin SET expires_at_ms=?", (int(sys.argv[2]),)); c.commit()`;
  execFileSync("python3", ["-c", script, path.join(objects, file), String(expires)]);
  return { dir, state: JSON.parse(await readFile(path.join(dir, "state.json"), "utf8")) };
}

test("a bin stored by the previous schema opens and works", async () => {
  const { dir, state } = await legacyState();
  try {
    await withWorker({ persistTo: path.join(dir, "do") }, async ({ url }) => {
      const id = state.bin.id;
      const page = await getJson(`${url}/v1/bins/${id}/requests`);
      assert.deepEqual(page.items.map((i) => i.seq), [3, 2, 1]);
      const binary = await getJson(`${url}/v1/bins/${id}/requests/${id}-2`);
      assert.equal(binary.body_b64, Buffer.from([0, 1, 2, 255]).toString("base64"));
      assert.equal(binary.path, "/github/push");
      const replay = await getJson(`${url}/v1/replays/${state.replay_id}`);
      assert.equal(replay.status, "failed");
      assert.equal(replay.history.length, 1);
      const added = await ingestOk(url, id, { body: "after the upgrade" });
      assert.equal(added.seq, 4, "the sequence continues where the old schema left it");
      assert.equal(binary.verification, null, "old captures were never checked");
      const since = encodeURIComponent(new Date(Date.parse(added.received_at)).toISOString());
      assert.deepEqual((await getJson(`${url}/v1/bins/${id}/requests?since=${since}`)).items.map((i) => i.seq), [4], "the new index serves old rows");
      assert.deepEqual((await getJson(`${url}/v1/bins/${id}/requests?method=POST&path_prefix=/github`)).items.map((i) => i.seq), [2]);
      const verify = await fetch(`${url}/v1/bins/${id}/verify`, { method: "PUT", headers: { "x-delete-token": state.bin.delete_token }, body: '{"verifiers":[{"scheme":"github","secret":"s"}]}' });
      assert.equal(verify.status, 200, "the verifiers table was added");
      const stream = subscribe(`${url}/v1/bins/${id}/stream?last_event_id=0`);
      try {
        await stream.until((events) => events.length >= 4, 15_000, "the backlog");
        assert.deepEqual(stream.seqs(), [1, 2, 3, 4]);
      } finally {
        stream.close();
      }
      // The old bin has no ticket key yet: no ticket can open it, not even one signed with an empty key.
      const expiry = Date.now() + 60_000;
      const forged = `${expiry}.${createHmac("sha256", "").update(`stream:${id}:${expiry}`).digest("hex")}`;
      assert.equal((await fetch(`${url}/v1/bins/${id}/stream?ticket=${forged}`)).status, 403);
      // Version 7 added each capture's record of its responder: old rows read as answered by default.
      assert.deepEqual([binary.response.source, binary.response.listener, binary.response.pending], ["default", null, false]);
      const responder = rawResponder(url, id, state.bin.delete_token, () => ({ status: 201, headers: [["x-app", "yes"]], body_b64: Buffer.from("from the app").toString("base64"), body_size: 12 }));
      await responder.seated;
      const answered = await fetch(`${url}/v1/bins/${id}/in`, { method: "POST", body: "asked" });
      assert.deepEqual([answered.status, answered.headers.get("x-app"), await answered.text()], [201, "yes", "from the app"]);
      const recorded = await getJson(`${url}/v1/bins/${id}/requests/${id}-5`);
      assert.deepEqual([recorded.response.source, recorded.response.status, recorded.response.listener?.body_size], ["listener", 201, 12]);
      responder.ws.close();
      const gone = await fetch(`${url}/v1/bins/${id}`, { method: "DELETE", headers: { "x-delete-token": state.bin.delete_token } });
      assert.equal(gone.status, 204);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
