// Small helpers over fetch for the v1 API.
import assert from "node:assert/strict";

/** Creates a bin and returns its `BinCreated` answer. */
export async function createBin(base) {
  const res = await fetch(`${base}/v1/bins`, { method: "POST" });
  assert.equal(res.status, 201);
  return res.json();
}

/** Sends one capture; returns the fetch Response. */
export function ingest(base, bin, { method = "POST", path = "", body, headers } = {}) {
  return fetch(`${base}/v1/bins/${bin}/in${path}`, { method, body, headers });
}

/** Sends one capture and asserts 202; returns the `RequestAccepted` body. */
export async function ingestOk(base, bin, options) {
  const res = await ingest(base, bin, options);
  assert.equal(res.status, 202, await res.clone().text());
  return res.json();
}

/** GETs a JSON resource, asserting the status. */
export async function getJson(url, status = 200, headers = {}) {
  const res = await fetch(url, { headers });
  assert.equal(res.status, status, `${url}: ${await res.clone().text()}`);
  return res.json();
}

/** Asserts that a response is the contract's Error JSON with `status`. */
export async function assertError(res, status) {
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error, "string");
  assert.ok(body.error.length > 0);
  return body;
}
