// Signature verification: each scheme against its real signer (GitHub's
// payloads and @octokit/webhooks-methods, the standardwebhooks package,
// Node's crypto for Stripe, Slack and Shopify as their docs specify), the
// failure reasons, write-only secrets, and checks that count from the
// capture's receive time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import examples from "@octokit/webhooks-examples" with { type: "json" };
import { sign as githubSign } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import { startWorker } from "./support/worker.mjs";
import { createBin, ingest, getJson, assertError } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";

const lines = [];
let worker;
before(async () => { worker = await startWorker({ vars: { VERIFY_MAX_VERIFIERS: "3", LOG_REQUESTS: "all" }, onLine: (l) => lines.push(l), onErrorLine: (l) => lines.push(l) }); });
after(() => worker?.dispose());

const hmac = (key, data, encoding) => createHmac("sha256", key).update(data).digest(encoding);
const now = () => Math.floor(Date.now() / 1000);
const SECRET = "It's a Secret to Everybody, 7f3a";
const WHSEC = `whsec_${Buffer.from("standard-webhooks-test-key-32byt").toString("base64")}`;

/** Each scheme: its verifier, and a signer giving the headers for (body, secret, unix time). */
const SCHEMES = {
  github: {
    verifier: { scheme: "github", secret: SECRET },
    sign: async (body, secret) => ({ "x-hub-signature-256": await githubSign(secret, body) }),
    header: "x-hub-signature-256",
  },
  stripe: {
    verifier: { scheme: "stripe", secret: "whsec_stripe_test_5d1c" },
    secret: "whsec_stripe_test_5d1c",
    timed: true,
    sign: (body, secret, t) => ({ "stripe-signature": `t=${t},v1=${hmac(secret, `${t}.${body}`, "hex")}` }),
    header: "stripe-signature",
  },
  "standard-webhooks": {
    verifier: { scheme: "standard-webhooks", secret: WHSEC },
    secret: WHSEC,
    timed: true,
    sign: (body, secret, t) => {
      const id = `msg_${t}`;
      return { "webhook-id": id, "webhook-timestamp": String(t), "webhook-signature": new Webhook(secret).sign(id, new Date(t * 1000), body) };
    },
    header: "webhook-signature",
  },
  slack: {
    verifier: { scheme: "slack", secret: "8f742231b10e8888abcd99yyyzzz85a5" },
    secret: "8f742231b10e8888abcd99yyyzzz85a5",
    timed: true,
    sign: (body, secret, t) => ({ "x-slack-request-timestamp": String(t), "x-slack-signature": `v0=${hmac(secret, `v0:${t}:${body}`, "hex")}` }),
    header: "x-slack-signature",
  },
  shopify: {
    verifier: { scheme: "shopify", secret: "shpss_1a2b3c" },
    secret: "shpss_1a2b3c",
    sign: (body, secret) => ({ "x-shopify-hmac-sha256": hmac(secret, body, "base64") }),
    header: "x-shopify-hmac-sha256",
  },
};
const secretOf = (s) => s.secret ?? SECRET;

function putVerifiers(bin, verifiers, token = bin.delete_token) {
  return fetch(`${worker.url}/v1/bins/${bin.id}/verify`, {
    method: "PUT", headers: token ? { "x-delete-token": token } : {}, body: JSON.stringify({ verifiers }),
  });
}

async function capture(bin, body, headers) {
  const res = await ingest(worker.url, bin.id, { body, headers: { "content-type": "application/json", ...headers } });
  assert.equal(res.status, 202, await res.clone().text());
  const { request_id } = await res.json();
  return getJson(`${worker.url}/v1/bins/${bin.id}/requests/${request_id}`);
}

const payload = (i) => JSON.stringify(examples.find((e) => e.name === "push").examples[i % 3], null, 2);

for (const [name, scheme] of Object.entries(SCHEMES)) {
  test(`${name}: valid, tampered body, wrong secret, stale timestamp and missing header`, async () => {
    const bin = await createBin(worker.url);
    assert.equal((await putVerifiers(bin, [scheme.verifier])).status, 200);
    const body = payload(1);
    const signed = await scheme.sign(body, secretOf(scheme), now());
    const outcome = async (b, h) => (await capture(bin, b, h)).verification;

    assert.deepEqual(await outcome(body, signed), { scheme: name, valid: true, reason: null });
    assert.deepEqual(await outcome(`${body} `, signed), { scheme: name, valid: false, reason: "signature mismatch" });
    const other = name === "standard-webhooks" ? `whsec_${Buffer.from("another-key-of-32-bytes-length!!").toString("base64")}` : "not-the-secret";
    const wrong = await scheme.sign(body, other, now());
    assert.equal((await outcome(body, wrong)).reason, "signature mismatch");
    if (scheme.timed) {
      const stale = await scheme.sign(body, secretOf(scheme), now() - 600);
      assert.deepEqual(await outcome(body, stale), { scheme: name, valid: false, reason: "timestamp outside tolerance" });
    }
    const { [scheme.header]: _dropped, ...unsigned } = signed;
    assert.deepEqual(await outcome(body, unsigned), { scheme: name, valid: false, reason: "missing header" });
  });
}

test("GitHub's own example payloads, signed by octokit, verify byte for byte", async () => {
  const bin = await createBin(worker.url);
  await putVerifiers(bin, [SCHEMES.github.verifier]);
  const bodies = examples.filter((e) => e.examples.length).slice(0, 10).map((e) => JSON.stringify(e.examples[0], null, 2));
  for (const body of bodies) {
    const detail = await capture(bin, body, await SCHEMES.github.sign(body, SECRET));
    assert.equal(detail.verification.valid, true, body.slice(0, 80));
  }
});

test("secrets are write-only: never in an answer, event, list, export, metric or log line", async () => {
  const bin = await createBin(worker.url);
  const stream = subscribe(`${worker.url}/v1/bins/${bin.id}/stream`);
  await stream.opened;
  const verifiers = [SCHEMES.github.verifier, SCHEMES.slack.verifier, { scheme: "hmac-sha256", secret: "generic-secret-91", header: "X-Sig", prefix: "sha256=" }];
  const put = await putVerifiers(bin, verifiers);
  assert.equal(put.status, 200);
  const shown = await put.json();
  assert.deepEqual(shown.verifiers.map((v) => v.scheme), ["github", "slack", "hmac-sha256"]);
  assert.match(shown.verifiers[0].fingerprint, /^sha256:[0-9a-f]{16}$/);
  assert.equal(shown.verifiers[1].tolerance_s, 300);
  assert.deepEqual(await getJson(`${worker.url}/v1/bins/${bin.id}/verify`), shown);
  const body = '{"n":1}';
  await capture(bin, body, { "x-sig": `sha256=${hmac("generic-secret-91", body, "hex")}` });
  await stream.until((ev) => ev.some((e) => e.type === "request"));
  assert.deepEqual(stream.events[0].data.verification, { scheme: "hmac-sha256", valid: true, reason: null });
  stream.close();
  const seen = [
    JSON.stringify(shown),
    JSON.stringify(stream.events),
    await (await fetch(`${worker.url}/v1/bins/${bin.id}/requests`)).text(),
    await (await fetch(`${worker.url}/v1/bins/${bin.id}/export`)).text(),
    await (await fetch(`${worker.url}/metrics`)).text(),
    lines.join("\n"),
  ].join("\n");
  for (const v of verifiers) assert.ok(!seen.includes(v.secret), `${v.scheme} secret leaked`);
  assert.ok(lines.length > 0, "the log was captured");
});

test("tolerance counts from received_at, so a re-check later still passes; a new secret re-checks", async () => {
  const bin = await createBin(worker.url);
  await putVerifiers(bin, [{ ...SCHEMES.slack.verifier, tolerance_s: 1 }]);
  const body = "token=abc&command=%2Fdeploy";
  const detail = await capture(bin, body, SCHEMES.slack.sign(body, SCHEMES.slack.secret, now()));
  assert.equal(detail.verification.valid, true);
  await sleep(2500);
  const recheck = () => fetch(`${worker.url}/v1/bins/${bin.id}/requests/${detail.id}/verify`, { method: "POST" });
  const again = await recheck();
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), { request_id: detail.id, verification: { scheme: "slack", valid: true, reason: null }, stored: false });
  const asOwner = (rid) =>
    fetch(`${worker.url}/v1/bins/${bin.id}/requests/${rid}/verify`, { method: "POST", headers: { "x-delete-token": bin.delete_token } });

  // Captured while the bin held another secret: invalid, then valid once the right one is set.
  await putVerifiers(bin, [SCHEMES.github.verifier]);
  const gh = payload(2);
  const early = await capture(bin, gh, await SCHEMES.github.sign(gh, "the real secret"));
  assert.equal(early.verification.reason, "signature mismatch");
  await putVerifiers(bin, [{ scheme: "github", secret: "the real secret" }]);
  const byOwner = await (await asOwner(early.id)).json();
  assert.equal(byOwner.verification.valid, true);
  assert.equal(byOwner.stored, true);
  const listed = await getJson(`${worker.url}/v1/bins/${bin.id}/requests?verified=true`);
  assert.deepEqual(listed.items.map((i) => i.id), [early.id, detail.id]);
  await putVerifiers(bin, []);
  const cleared = await (await asOwner(early.id)).json();
  assert.equal(cleared.verification, null);
});

test("a reader's re-check shows the outcome but never rewrites the stored one", async () => {
  const bin = await createBin(worker.url);
  await putVerifiers(bin, [SCHEMES.github.verifier]);
  const body = payload(3);
  const detail = await capture(bin, body, await SCHEMES.github.sign(body, SECRET));
  assert.equal(detail.verification.valid, true);
  // The owner removes the secret; an anonymous reader re-checks, and the capture's record stays valid.
  await putVerifiers(bin, []);
  const url = `${worker.url}/v1/bins/${bin.id}/requests/${detail.id}/verify`;
  const seen = await (await fetch(url, { method: "POST" })).json();
  assert.deepEqual([seen.verification, seen.stored], [null, false]);
  assert.equal((await getJson(`${worker.url}/v1/bins/${bin.id}/requests/${detail.id}`)).verification.valid, true);
  await assertError(await fetch(url, { method: "POST", headers: { "x-delete-token": "not-the-token" } }), 401);
  assert.equal((await getJson(`${worker.url}/v1/bins/${bin.id}/requests/${detail.id}`)).verification.valid, true);
});

test("only the owner sets verifiers; bad ones are 400s that name the field", async () => {
  const bin = await createBin(worker.url);
  await assertError(await putVerifiers(bin, [SCHEMES.github.verifier], null), 401);
  await assertError(await putVerifiers(bin, [SCHEMES.github.verifier], "wrong-token"), 401);
  for (const [verifiers, field] of [
    [[{ scheme: "gitlab", secret: "x" }], "verifiers[0].scheme"],
    [[{ scheme: "github" }], "verifiers[0].secret"],
    [[{ scheme: "standard-webhooks", secret: "whsec_!!!" }], "verifiers[0].secret"],
    [[{ scheme: "hmac-sha256", secret: "x" }], "verifiers[0].header"],
    [Array(4).fill(SCHEMES.github.verifier), "verifiers"],
  ]) {
    const body = await assertError(await putVerifiers(bin, verifiers), 400);
    assert.ok(body.details.startsWith(field), `${field}: ${body.details}`);
  }
  await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/verify`, { method: "PUT", headers: { "x-delete-token": bin.delete_token }, body: "{" }), 400);
  await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${bin.id}-9/verify`, { method: "POST" }), 404);
  const other = await createBin(worker.url);
  await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${other.id}-1/verify`, { method: "POST" }), 404);
});

test("a private bin's verifiers need its read token to be seen", async () => {
  const res = await fetch(`${worker.url}/v1/bins`, { method: "POST", body: JSON.stringify({ private: true }), headers: { "content-type": "application/json" } });
  const bin = await res.json();
  await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/verify`), 401);
  await getJson(`${worker.url}/v1/bins/${bin.id}/verify`, 200, { "x-authorization": bin.read_token });
});
