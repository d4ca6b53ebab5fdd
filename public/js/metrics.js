// Pure parser of the Prometheus text exposition format 0.0.4 that
// GET /metrics answers, and the lookups the status view needs.

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+-?\d+)?$/;
const ESCAPES = { "\\": "\\", '"': '"', n: "\n" };

/** Parses `{a="x",b="y\"z"}` into an object; null when malformed. */
export function parseLabels(block) {
  const labels = {};
  let i = 1; // after "{"
  const end = block.length - 1; // the "}"
  while (i < end) {
    const name = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(block.slice(i, end));
    if (!name) return null;
    i += name[0].length;
    let value = "";
    while (i < end && block[i] !== '"') {
      if (block[i] === "\\") {
        value += ESCAPES[block[i + 1]] ?? block[i + 1];
        i += 2;
      } else {
        value += block[i];
        i += 1;
      }
    }
    if (block[i] !== '"') return null;
    labels[name[1]] = value;
    i += 1;
    const sep = /^\s*,?\s*/.exec(block.slice(i, end));
    i += sep[0].length;
  }
  return labels;
}

/** A sample value: a float, or NaN / +Inf / -Inf as the format spells them. */
export function parseValue(text) {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const n = Number(text);
  return text.trim() === "" ? null : Number.isNaN(n) ? null : n;
}

/**
 * @param {string} text the whole exposition
 * @returns {{ name: string, labels: Record<string,string>, value: number }[]}
 *   comments (# HELP, # TYPE) and malformed lines are skipped
 */
export function parseMetrics(text) {
  const samples = [];
  for (const raw of String(text).split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = m[2] ? parseLabels(m[2]) : {};
    const value = parseValue(m[3]);
    if (labels !== null && value !== null) samples.push({ name: m[1], labels, value });
  }
  return samples;
}

/** Sum of every sample of `name` (all label sets); null when there is none. */
export function metricTotal(samples, name) {
  const mine = samples.filter((s) => s.name === name);
  return mine.length === 0 ? null : mine.reduce((sum, s) => sum + s.value, 0);
}

/**
 * Samples of `name` summed per value of `label`, largest first:
 * [{ key: "POST", value: 12 }, ...].
 */
export function metricBy(samples, name, label) {
  const sums = new Map();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = s.labels[label] ?? "";
    sums.set(key, (sums.get(key) ?? 0) + s.value);
  }
  return [...sums].map(([key, value]) => ({ key, value }))
    .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
}
