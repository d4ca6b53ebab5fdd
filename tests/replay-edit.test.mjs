// Edited replays, re-signed: a capture signed by each vendor's own library
// is replayed with a changed body and `resign`, and a local target checks
// the new signature with that vendor's own library (Node's crypto for
// Slack, Shopify and a generic HMAC, as their docs do). Without `resign`
// the edited body fails there.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sign as signGithub, verify as verifyGithub } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { createBin, getJson, ingest } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";
import { startWorker } from "./support/worker.mjs";

const stripe = new Stripe("sk_test_polyhook");
const SECRETS = {
  github: "It's a Secret to Everybody",
  "standard-webhooks": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  stripe: "whsec_polyhook_test_secret",
  slack: "8f742231b10e8888abcd99yyyzzz85a5",
  shopify: "shpss_polyhook",
  "hmac-sha256": "generic-key",
};
const hmac = (key, text, enc) => createHmac("sha256", key).update(text).digest(enc);
const now = () => Math.floor(Date.now() / 1000);

/** How each vendor signs `body`: the headers its sender would send. */
const SIGN = {
  github: async (body) => ({ "x-hub-signature-256": await signGithub(SECRETS.github, body) }),
  "standard-webhooks": (body) => {
    const id = "msg_original";
    const at = new Date();
    return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at / 1000)), "webhook-signature": new Webhook(SECRETS["standard-webhooks"]).sign(id, at, body) };
  },
  stripe: (body) => ({ "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRETS.stripe }) }),
  slack: (body) => {
    const ts = String(now());
    return { "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${hmac(SECRETS.slack, `v0:${ts}:${body}`, "hex")}` };
  },
  shopify: (body) => ({ "x-shopify-hmac-sha256": hmac(SECRETS.shopify, body, "base64") }),
  "hmac-sha256": (body) => ({ "x-signature": `sha256=${hmac(SECRETS["hmac-sha256"], body, "hex")}` }),
};

/** How each vendor's receiver checks a request: true when it verifies. */
const VERIFY = {
  github: (r) => verifyGithub(SECRETS.github, r.body.toString(), r.headers["x-hub-signature-256"] ?? ""),
  "standard-webhooks": (r) => {
    try {
      new Webhook(SECRETS["standard-webhooks"]).verify(r.body.toString(), r.headers);
      return true;
    } catch {
      return false;
    }
  },
  stripe: (r) => {
    try {
      stripe.webhooks.constructEvent(r.body.toString(), r.headers["stripe-signature"] ?? "", SECRETS.stripe);
      return true;
    } catch {
      return false;
    }
  },
  slack: (r) => {
    const ts = r.headers["x-slack-request-timestamp"];
    return Math.abs(now() - Number(ts)) < 300 && r.headers["x-slack-signature"] === `v0=${hmac(SECRETS.slack, `v0:${ts}:${r.body}`, "hex")}`;
  },
  shopify: (r) => r.headers["x-shopify-hmac-sha256"] === hmac(SECRETS.shopify, r.body, "base64"),
  "hmac-sha256": (r) => r.headers["x-signature"] === `sha256=${hmac(SECRETS["hmac-sha256"], r.body, "hex")}`,
};

let worker;
let target;
let bin;
before(async () => {
  worker = await startWorker({ vars: { VERIFY_MAX_VERIFIERS: "6", REPLAY_BACKOFF_BASE_MS: "50" } });
  target = await startTarget();
  bin = await createBin(worker.url);
  const verifiers = Object.entries(SECRETS).map(([scheme, secret]) =>
    scheme === "hmac-sha256" ? { scheme, secret, header: "x-signature", encoding: "hex", prefix: "sha256=" } : { scheme, secret });
  const put = await fetch(`${worker.url}/v1/bins/${bin.id}/verify`, { method: "PUT", headers: { "x-delete-token": bin.delete_token }, body: JSON.stringify({ verifiers }) });
  assert.equal(put.status, 200, await put.text());
});
after(async () => {
  await target.close();
  await worker.dispose();
});

/** Captures `body` signed as `scheme`'s sender does; returns its request id. */
async function capture(scheme, body) {
  const headers = { "content-type": "application/json", ...(await SIGN[scheme](body)) };
  const res = await ingest(worker.url, bin.id, { path: `/${scheme}`, body, headers });
  assert.equal(res.status, 202);
  const { request_id } = await res.json();
  const stored = await getJson(`${worker.url}/v1/bins/${bin.id}/requests/${request_id}`);
  assert.deepEqual([stored.verification?.scheme, stored.verification?.valid], [scheme, true], `${scheme}: the original verifies here`);
  return request_id;
}

/** Replays `rid` with `order` and returns what the target received, and the replay. */
async function replay(rid, order, token = bin.delete_token) {
  const seen = target.received.length;
  const res = await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${rid}/replay`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token && { "x-delete-token": token }) },
    body: JSON.stringify({ target_url: `${target.url}/in`, max_retries: 0, ...order }),
  });
  assert.equal(res.status, 202, await res.clone().text());
  const { replay_id } = await res.json();
  for (let i = 0; i < 200 && target.received.length === seen; i++) await sleep(25);
  assert.equal(target.received.length, seen + 1, "the target got the replay");
  return { got: target.received[seen], replay: await getJson(`${worker.url}/v1/replays/${replay_id}`) };
}

for (const scheme of Object.keys(SECRETS)) {
  test(`${scheme}: an edited body re-signed verifies with the vendor's own check; unsigned it does not`, async () => {
    const original = JSON.stringify({ event: "order.paid", amount: 1000 });
    const edited = JSON.stringify({ event: "order.paid", amount: 999999 });
    const rid = await capture(scheme, original);
    const signed = await replay(rid, { body: edited, resign: true });
    assert.equal(signed.got.body.toString(), edited, "the bytes given are the bytes sent");
    assert.equal(await VERIFY[scheme](signed.got), true, `${scheme}: the re-signed edit verifies`);
    const changes = signed.replay.changes;
    assert.deepEqual([changes.body_changed, changes.body_size, changes.resigned], [true, Buffer.byteLength(edited), scheme]);
    assert.equal(changes.body_sha256, createHash("sha256").update(edited).digest("hex"));
    if (scheme === "standard-webhooks") assert.notEqual(signed.got.headers["webhook-id"], "msg_original", "a fresh message id");
    const unsigned = await replay(rid, { body: edited });
    assert.equal(await VERIFY[scheme](unsigned.got), false, `${scheme}: the edit without resign fails, as it should`);
    assert.equal(unsigned.replay.changes.resigned, null);
  });
}

test("method, path and headers change what is sent; resign takes the delete token and a verifier of the scheme", async () => {
  const rid = await capture("github", '{"zen":"Keep it logically awesome."}');
  const { got, replay: r } = await replay(rid, { method: "PUT", path: "/sub?x=1", headers: { "X-Extra": "yes", "Content-Type": null } }, null);
  assert.deepEqual([got.method, got.url, got.headers["x-extra"], got.headers["content-type"]], ["PUT", "/in/sub?x=1", "yes", undefined]);
  assert.deepEqual([r.changes.method, r.changes.path, r.changes.headers_set, r.changes.headers_removed, r.changes.body_changed], ["PUT", "/sub?x=1", ["x-extra"], ["content-type"], false]);
  const url = `${worker.url}/v1/bins/${bin.id}/requests/${rid}/replay`;
  const order = (extra) => JSON.stringify({ target_url: `${target.url}/in`, body: "x", resign: true, ...extra });
  assert.equal((await fetch(url, { method: "POST", body: order() })).status, 401, "re-signing uses the secret: owner only");
  const plain = await createBin(worker.url);
  const other = (await (await ingest(worker.url, plain.id, { body: "{}" })).json()).request_id;
  const none = await fetch(`${worker.url}/v1/bins/${plain.id}/requests/${other}/replay`, { method: "POST", headers: { "x-delete-token": plain.delete_token }, body: order({ resign: "stripe" }) });
  assert.equal(none.status, 409, "a well-formed order the bin's state cannot serve");
  assert.match((await none.json()).details, /no stripe verifier/);
  const never = await fetch(`${worker.url}/v1/bins/${plain.id}/requests/${other}/replay`, { method: "POST", headers: { "x-delete-token": plain.delete_token }, body: order() });
  assert.match((await never.json()).details, /never verified/);
  const host = await fetch(url, { method: "POST", body: JSON.stringify({ target_url: `${target.url}/in`, headers: { Host: "evil.example" } }) });
  assert.equal(host.status, 400);
});
