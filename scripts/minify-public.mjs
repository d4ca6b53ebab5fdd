// Writes the playground page (public/) minified into the directory given
// (scripts and styles through esbuild, every other file as it is), for
// build.rs to embed. A file is rewritten only when its content changes, so
// an unchanged page does not make cargo rebuild the worker.
// Usage: node scripts/minify-public.mjs OUT_DIR
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "public");
const out = path.resolve(process.argv[2] ?? "");
if (!process.argv[2]) throw new Error("usage: node scripts/minify-public.mjs OUT_DIR");

/** Every file under `dir`, relative to it (names starting with . or _ are not served). */
function files(dir, prefix = "") {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith(".") || name.startsWith("_")) return [];
    const rel = path.join(prefix, name);
    return statSync(path.join(dir, name)).isDirectory() ? files(path.join(dir, name), rel) : [rel];
  });
}

function minified(rel, bytes) {
  const loader = { ".js": "js", ".mjs": "js", ".css": "css" }[path.extname(rel)];
  if (!loader) return bytes;
  // No bundling: each module keeps its own imports and exports, as the page loads them.
  return Buffer.from(transformSync(bytes.toString("utf8"), { loader, minify: true, legalComments: "none" }).code);
}

const wanted = new Set(files(source));
for (const rel of wanted) {
  const target = path.join(out, rel);
  const body = minified(rel, readFileSync(path.join(source, rel)));
  if (existsSync(target) && readFileSync(target).equals(body)) continue;
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, body);
}
if (existsSync(out)) for (const rel of files(out)) if (!wanted.has(rel)) rmSync(path.join(out, rel));
