// The response validator the whole suite runs behind (support/contract.mjs)
// really rejects answers that drift from openapi.yaml.
import { test } from "node:test";
import assert from "node:assert/strict";
import { check } from "./support/contract.mjs";

const BIN = "http://127.0.0.1:1/v1/bins/k3p9q2x7m1nb";
const json = "application/json";

test("a conforming answer passes", () => {
  const page = { items: [], next_cursor: null };
  assert.equal(check("GET", `${BIN}/requests`, 200, json, JSON.stringify(page)), null);
  const error = { error: "bin not found", details: null, code: "not_found" };
  assert.equal(check("GET", `${BIN}/requests`, 404, json, JSON.stringify(error)), null);
});

test("a drifted field, an undocumented status and an unknown path are caught", () => {
  assert.match(check("GET", `${BIN}/requests`, 200, json, '{"items":"none","next_cursor":null}'), /items/);
  assert.match(check("GET", `${BIN}/requests`, 200, json, '{"items":[]}'), /next_cursor/);
  assert.match(check("DELETE", BIN, 418, json, "{}"), /418 is not documented/);
  assert.match(check("GET", "http://127.0.0.1:1/nope", 404, json, '{"error":1}'), /error/);
});

test("non-JSON answers are not checked", () => {
  assert.equal(check("GET", `${BIN}/requests/k3p9q2x7m1nb-1/raw`, 200, "text/plain", "hello"), null);
});
