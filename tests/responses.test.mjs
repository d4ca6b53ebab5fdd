// Response rules: the bin answers senders as its owner says, after the
// capture is stored, and the answer is recorded with the capture.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingest, getJson, assertError } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";

function putRules(base, bin, rules, token = bin.delete_token) {
  return fetch(`${base}/v1/bins/${bin.id}/responses`, {
    method: "PUT",
    headers: token === undefined ? {} : { "x-delete-token": token },
    body: JSON.stringify({ rules }),
  });
}

async function putOk(base, bin, rules) {
  const res = await putRules(base, bin, rules);
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

test("every field of a rule shapes the answer, and the capture records it", async () => {
  await withWorker({}, async ({ url }) => {
    const bin = await createBin(url);
    await putOk(url, bin, [{
      match: { method: "PUT", path_prefix: "/github" },
      status: 429,
      headers: { "Retry-After": "3", "X-Request": "{{request_id}}", "Content-Type": "text/plain" },
      body: "slow down #{{seq}} at {{received_at}}",
    }, { status: 201, body_b64: Buffer.from([0, 255]).toString("base64") }]);
    const limited = await ingest(url, bin.id, { method: "PUT", path: "/github/push", body: "x" });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "3");
    assert.equal(limited.headers.get("x-request"), `${bin.id}-1`);
    assert.equal(limited.headers.get("access-control-allow-origin"), "*", "CORS stays for browser senders");
    assert.match(await limited.text(), /^slow down #1 at \d{4}-\d\d-\d\dT/);
    const other = await ingest(url, bin.id, { method: "POST", path: "/github/push", body: "x" });
    assert.equal(other.status, 201);
    assert.deepEqual([...new Uint8Array(await other.arrayBuffer())], [0, 255]);
    const detail = await getJson(`${url}/v1/bins/${bin.id}/requests/${bin.id}-1`);
    assert.deepEqual(detail.response, { rule: 0, status: 429, delay_ms: 0, delay_skipped: false, source: "rule", pending: false, waited_ms: 0, fallback: null, listener: null });
    const list = await getJson(`${url}/v1/bins/${bin.id}/requests`);
    assert.deepEqual(list.items.map((i) => [i.response.rule, i.response.status]), [[1, 201], [0, 429]]);
    const shown = await getJson(`${url}/v1/bins/${bin.id}/responses`);
    assert.deepEqual(shown.rules.map((r) => r.uses), [1, 1]);
  });
});

test("fail twice, then succeed: `times` counts survive a restart, and a new PUT resets them", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-rules-"));
  try {
    let w = await startWorker({ persistTo: dir });
    const bin = await createBin(w.url);
    await putOk(w.url, bin, [{ status: 500, times: 2 }, { status: 200, body: "ok" }]);
    assert.equal((await ingest(w.url, bin.id, { body: "1" })).status, 500);
    await w.dispose();
    w = await startWorker({ persistTo: dir });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await ingest(w.url, bin.id, { body: "n" })).status);
    assert.deepEqual(statuses, [500, 200, 200], "the second 500 comes after the restart");
    await putOk(w.url, bin, [{ status: 500, times: 1 }, { status: 200 }]);
    assert.equal((await ingest(w.url, bin.id, { body: "again" })).status, 500, "a new PUT starts the counts again");
    await w.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a 500 rule still stores the capture, and the stream event says how it was answered", async () => {
  await withWorker({}, async ({ url }) => {
    const bin = await createBin(url);
    await putOk(url, bin, [{ status: 500, body: "boom" }]);
    const sub = subscribe(`${url}/v1/bins/${bin.id}/stream`);
    try {
      await sub.opened;
      assert.equal((await ingest(url, bin.id, { body: "kept" })).status, 500);
      await sub.until(() => sub.seqs().length === 1, 10_000, "the event");
      assert.equal(sub.events[0].data.response.status, 500);
    } finally {
      sub.close();
    }
    const raw = await fetch(`${url}/v1/bins/${bin.id}/requests/${bin.id}-1/raw`);
    assert.equal(await raw.text(), "kept");
  });
});

test("a delayed answer holds up no other ingest, and past the cap the delay is skipped and recorded", async () => {
  await withWorker({ vars: { RESPONSE_MAX_DELAYED: "1" } }, async ({ url }) => {
    const bin = await createBin(url);
    await putOk(url, bin, [{ match: { path_prefix: "/slow" }, status: 200, delay_ms: 2000 }]);
    const started = Date.now();
    const slow = ingest(url, bin.id, { path: "/slow", body: "s" }).then((r) => ({ status: r.status, at: Date.now() - started }));
    await new Promise((r) => setTimeout(r, 200));
    const quickStart = Date.now();
    const quick = await ingest(url, bin.id, { path: "/fast", body: "f" });
    const quickMs = Date.now() - quickStart;
    assert.equal(quick.status, 202);
    const skipped = await ingest(url, bin.id, { path: "/slow", body: "s2" });
    assert.equal(skipped.status, 200);
    const slowDone = await slow;
    assert.ok(slowDone.at >= 2000, `the delayed answer waited (${slowDone.at} ms)`);
    assert.ok(quickMs < slowDone.at - 500, `the other ingest answered at once (${quickMs} ms)`);
    const third = await getJson(`${url}/v1/bins/${bin.id}/requests/${bin.id}-3`);
    assert.deepEqual(third.response, { rule: 0, status: 200, delay_ms: 0, delay_skipped: true, source: "rule", pending: false, waited_ms: 0, fallback: null, listener: null });
  });
});

test("bad rules are 400 naming the field; caps, tokens, private bins and DELETE", async () => {
  await withWorker({ vars: { RESPONSE_MAX_RULES: "2", RESPONSE_MAX_DELAY_MS: "500" } }, async ({ url }) => {
    const bin = await createBin(url);
    for (const [rules, field] of [
      [[{ status: 99 }], "rules[0].status"],
      [[{ status: 200, delay_ms: 501 }], "rules[0].delay_ms"],
      [[{ status: 200, headers: { "Transfer-Encoding": "chunked" } }], "rules[0].headers.Transfer-Encoding"],
      [[{ status: 200, body: "x".repeat(65_537) }], "rules[0].body"],
      [[{ status: 200 }, { status: 200 }, { status: 200 }], "rules"],
    ]) {
      const body = await assertError(await putRules(url, bin, rules), 400);
      assert.ok(body.details.startsWith(`${field}:`), body.details);
    }
    await assertError(await putRules(url, bin, [], "wrong"), 401);
    const unknown = await fetch(`${url}/v1/bins/zzzzzzzzzzzz/responses`, { method: "PUT", headers: { "x-delete-token": "x" }, body: "{}" });
    await assertError(unknown, 404);
    await putOk(url, bin, [{ status: 418 }]);
    assert.equal((await ingest(url, bin.id, { body: "t" })).status, 418);
    const cleared = await fetch(`${url}/v1/bins/${bin.id}/responses`, { method: "DELETE", headers: { "x-delete-token": bin.delete_token } });
    assert.deepEqual((await cleared.json()).rules, []);
    assert.equal((await ingest(url, bin.id, { body: "t" })).status, 202, "the default answer is back");
    const priv = await (await fetch(`${url}/v1/bins`, { method: "POST", body: '{"private":true}' })).json();
    await putOk(url, priv, [{ status: 204 }]);
    await assertError(await fetch(`${url}/v1/bins/${priv.id}/responses`), 401);
    const read = await getJson(`${url}/v1/bins/${priv.id}/responses`, 200, { "x-authorization": priv.read_token });
    assert.equal(read.rules[0].status, 204);
  });
});

test("rate limits still win over rules", async () => {
  await withWorker({ vars: { RATE_LIMIT_PER_SECOND: "1", RATE_LIMIT_BURST: "1" } }, async ({ url }) => {
    const bin = await createBin(url);
    await putOk(url, bin, [{ status: 200, body: "rule" }]);
    assert.equal((await ingest(url, bin.id, { body: "1" })).status, 200);
    assert.equal((await ingest(url, bin.id, { body: "2" })).status, 429);
  });
});

test("a bodiless 204 rule answers cleanly, and every rule answer is sandboxed", async () => {
  await withWorker({}, async ({ url }) => {
    const bin = await createBin(url);
    await assertError(await putRules(url, bin, [{ status: 204, body: "x" }]), 400);
    await putOk(url, bin, [{ match: { path_prefix: "/empty" }, status: 204 }, { status: 200, headers: { "Content-Type": "text/html" }, body: "<script>alert(1)</script>" }]);
    const empty = await ingest(url, bin.id, { path: "/empty", body: "x" });
    assert.equal(empty.status, 204);
    assert.equal((await empty.arrayBuffer()).byteLength, 0);
    const html = await ingest(url, bin.id, { body: "x" });
    assert.equal(html.status, 200);
    assert.match(html.headers.get("content-security-policy"), /sandbox/);
    assert.equal(html.headers.get("x-content-type-options"), "nosniff");
    assert.equal((await getJson(`${url}/v1/bins/${bin.id}/requests`)).items.length, 2, "both stored, the object still healthy");
  });
});

test("a rule may not set a header that reaches past its one response; each refusal names the header", async () => {
  await withWorker({}, async ({ url }) => {
    const bin = await createBin(url);
    const refused = {
      "Clear-Site-Data": '"storage"',
      "Set-Cookie": "sid=1; Path=/",
      Refresh: "0; url=https://example.com/",
      "Service-Worker-Allowed": "/",
      "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
      "Alt-Svc": 'h3=":443"',
      "Content-Security-Policy-Report-Only": "default-src 'none'; report-uri https://example.com/r",
      "Report-To": '{"group":"g","max_age":1,"endpoints":[{"url":"https://example.com/r"}]}',
      "Reporting-Endpoints": 'g="https://example.com/r"',
      NEL: '{"report_to":"g","max_age":1}',
      "Accept-CH": "Sec-CH-UA-Model",
      "Critical-CH": "Sec-CH-UA-Model",
      "Use-As-Dictionary": 'match="/*"',
      "Origin-Agent-Cluster": "?1",
      "Set-Login": "logged-in",
      Location: "javascript:alert(1)",
    };
    for (const [name, value] of Object.entries(refused)) {
      const body = await assertError(await putRules(url, bin, [{ status: 200, headers: { [name]: value } }]), 400);
      assert.ok(body.details.startsWith(`rules[0].headers.${name}: `), `${name}: ${body.details}`);
    }
    // Browsers drop tabs before resolving a URL: "/<tab>/evil" would lead off the origin.
    await assertError(await putRules(url, bin, [{ status: 302, headers: { Location: "/\t/evil.example/" } }]), 400);
    for (const cookie of [`s=1; Path=/v1/bins/${bin.id}`, `s=1; Path=/v1/bins/${bin.id}/in; Domain=127.0.0.1`, `__Host-s=1; Path=/v1/bins/${bin.id}/in`]) {
      await assertError(await putRules(url, bin, [{ status: 200, headers: { "Set-Cookie": cookie } }]), 400);
    }
    await putOk(url, bin, [
      { match: { path_prefix: "/c" }, status: 200, headers: { "Set-Cookie": `s=1; Path=/v1/bins/${bin.id}/in; HttpOnly` } },
      { status: 307, headers: { Location: "https://example.com/next" } },
    ]);
    const cookie = await ingest(url, bin.id, { path: "/c" });
    assert.equal(cookie.headers.get("set-cookie"), `s=1; Path=/v1/bins/${bin.id}/in; HttpOnly`);
    // A sender is redirected as the rule says; a browser navigating to the bin is not sent off the origin.
    const post = (headers) => new Promise((resolve, reject) => {
      const req = http.request(`${url}/v1/bins/${bin.id}/in`, { method: "POST", headers }, (res) => { res.resume(); resolve(res); });
      req.on("error", reject);
      req.end("x");
    });
    const sender = await post({});
    assert.equal(sender.statusCode, 307);
    assert.equal(sender.headers.location, "https://example.com/next");
    const browser = await post({ "sec-fetch-mode": "navigate" });
    assert.equal(browser.statusCode, 307);
    assert.equal(browser.headers.location, undefined);
  });
});
