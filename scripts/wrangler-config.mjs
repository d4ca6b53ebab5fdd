// A wrangler config for running an already built worker: the given
// wrangler.toml without its [build] table (wrangler's custom-build watcher
// would rebuild on start), with `main` made absolute so the copy can live
// anywhere. Used by `npm run dev` and by the bench's `wrangler dev` runs.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes the config for `source` (a wrangler.toml) to `out`; returns `out`.
 * @param {string} source
 * @param {string} out
 */
export function builtWorkerConfig(source, out) {
  const text = readFileSync(source, "utf8");
  // Drop the [build] table: its header line up to the next table header.
  let inBuild = false;
  const withoutBuild = text
    .split("\n")
    .filter((line) => {
      if (/^\[/.test(line)) inBuild = line.trim() === "[build]";
      return !inBuild;
    })
    .join("\n");
  const main = (_, file) => `main = ${JSON.stringify(path.resolve(path.dirname(source), file))}`;
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, withoutBuild.replace(/^main = "(.*)"$/m, main));
  return out;
}
