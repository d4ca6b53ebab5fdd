// A new bin's storage is written from one file (schema/bin_fresh.sql); bins
// stored by older code reach the same schema through the numbered steps in
// migrations.rs. Both are run here on workerd's own SQLite, each in a
// Durable Object of its own, and what they build must be the same: every
// table's columns, every index, the view and the trigger.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Miniflare } from "miniflare";
import { root } from "./support/worker.mjs";

const storage = path.join(root, "src/edge/storage");

/** The schema files of `BIN_STEPS`, step by step, and the fresh file, as migrations.rs names them. */
function binSchema() {
  const source = readFileSync(path.join(storage, "migrations.rs"), "utf8");
  const block = source.slice(source.indexOf("const BIN_STEPS"), source.indexOf("];", source.indexOf("const BIN_STEPS")));
  const files = (text) => [...text.matchAll(/include_str!\("([^"]+)"\)/g)].map((m) => readFileSync(path.join(storage, m[1]), "utf8"));
  const steps = block.split("\n").filter((line) => line.includes("include_str!")).map(files);
  const fresh = files(source.slice(source.indexOf("pub const BIN: Schema"), source.indexOf("\n", source.indexOf("pub const BIN: Schema"))));
  return { steps, fresh };
}

// Runs each script it is sent, in order, then describes what the storage holds.
const SCRIPT = `
export class Storage {
  constructor(state) { this.sql = state.storage.sql; }
  async fetch(request) {
    for (const script of await request.json()) this.sql.exec(script);
    const objects = this.sql.exec("SELECT type, name, tbl_name AS tbl, sql FROM sqlite_master " +
      "WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type, name").toArray();
    return Response.json(objects.map((o) => ({
      type: o.type,
      name: o.name,
      table: o.tbl,
      columns: o.type === "table" ? this.sql.exec("PRAGMA table_info(" + JSON.stringify(o.name) + ")").toArray() : null,
      indexes: o.type === "table" ? this.sql.exec("PRAGMA index_list(" + JSON.stringify(o.name) + ")").toArray()
        .map(({ seq, ...rest }) => rest).sort((a, b) => a.name.localeCompare(b.name)) : null,
      indexed: o.type === "index" ? this.sql.exec("PRAGMA index_info(" + JSON.stringify(o.name) + ")").toArray() : null,
      // A view's or trigger's text, spaced one way and without IF NOT EXISTS.
      text: ["view", "trigger"].includes(o.type) ? o.sql.replace(/\\s+/g, " ").replace(/ IF NOT EXISTS/i, "") : null,
    })));
  }
}
export default { fetch(request, env) { return env.STORAGE.get(env.STORAGE.idFromName(new URL(request.url).pathname)).fetch(request); } };
`;

test("a new bin's schema file builds what the numbered steps build", async () => {
  const { steps, fresh } = binSchema();
  assert.equal(steps.length, 9, "the steps as migrations.rs lists them");
  assert.equal(fresh.length, 1, "the fresh file as migrations.rs names it");
  const mf = new Miniflare({
    modules: true,
    script: SCRIPT,
    compatibilityDate: "2026-04-20",
    durableObjects: { STORAGE: { className: "Storage", useSQLite: true } },
  });
  try {
    const describe = async (name, scripts) => {
      const res = await mf.dispatchFetch(`http://storage/${name}`, { method: "POST", body: JSON.stringify(scripts) });
      assert.equal(res.status, 200, await res.clone().text());
      return res.json();
    };
    // Step by step, each step's files one after another, as storage written by older code went.
    const stepped = await describe("steps", steps.flat());
    const written = await describe("fresh", fresh);
    const names = (objects) => objects.map((o) => `${o.type} ${o.name}`);
    assert.deepEqual(names(written), names(stepped));
    assert.ok(stepped.length >= 15, `the schema's objects: ${names(stepped).join(", ")}`);
    for (const [i, object] of stepped.entries()) assert.deepEqual(written[i], object, `${object.type} ${object.name}`);
  } finally {
    await mf.dispose();
  }
});
