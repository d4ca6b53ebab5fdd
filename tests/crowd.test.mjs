// A crowd cannot drain bin creation for everyone: each IPv4 /24 and IPv6
// /48 has its own budget, taken before the service-wide one, so a flood
// from many addresses in a few networks reaches the shared object only a
// few times per network, and a client elsewhere still creates bins.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withWorker } from "./support/worker.mjs";
import { crowd, flood } from "../bench/crowd/clients.mjs";

test("a flood from 800 clients in 40 /24s and 40 /48s leaves creation open to a client elsewhere", async () => {
  // Test-sized: one creation per network a minute; the ceiling (1,000 a minute over its 8 shards) is not what stops them.
  const vars = { CREATE_PREFIX_PER_MINUTE: "1", CREATE_PREFIX_BURST: "1", CREATE_GLOBAL_PER_MINUTE: "1000" };
  await withWorker({ vars }, async ({ url }) => {
    const clients = crowd({ networks: 40, perNetwork: 10 });
    const { created, refused } = await flood(url, clients, 16);
    assert.equal(created, 80, "one bin per network got through");
    assert.equal(refused, 720);
    const outsider = await fetch(`${url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": "198.51.100.77" } });
    assert.equal(outsider.status, 201, "a client outside the crowd's networks still creates bins");
    const v6 = await fetch(`${url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": "2001:db8:ffff:1::1" } });
    assert.equal(v6.status, 201);
    // The ceiling's shards together saw the 80 that passed their networks and the two outsiders, no more.
    let checks = 0;
    for (let i = 0; i < 50 && checks < 82; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      const text = await (await fetch(`${url}/metrics`)).text();
      checks = Number(text.match(/^polyhook_create_global_checks_total (\d+)/m)?.[1] ?? 0);
    }
    assert.equal(checks, 82);
  });
});
