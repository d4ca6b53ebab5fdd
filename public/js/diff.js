// A line diff (longest common subsequence), for showing an edited
// replay's body and headers against the capture's. Pure; tested in Node.

/** The lines of `before` and `after` as `{ op, line }`: " " kept, "-" removed, "+" added. */
export function diffLines(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  // Past this size the table would be large: show the whole change instead.
  if (a.length * b.length > 250_000) return [...a.map((line) => ({ op: "-", line })), ...b.map((line) => ({ op: "+", line }))];
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", line: a[i] });
      i += 1;
      j += 1;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push({ op: "-", line: a[i++] });
    } else {
      out.push({ op: "+", line: b[j++] });
    }
  }
  while (i < a.length) out.push({ op: "-", line: a[i++] });
  while (j < b.length) out.push({ op: "+", line: b[j++] });
  return out;
}

/** Only the changed lines, each with its mark, or "" when nothing changed. */
export function changedText(before, after) {
  return diffLines(before, after).filter((d) => d.op !== " ").map((d) => `${d.op} ${d.line}`).join("\n");
}

/** Header lines "Name: value" as [lowercase name, value] pairs, in order; blank lines skipped. */
export function parseHeaderLines(text) {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const at = l.indexOf(":");
    return at > 0 ? [l.slice(0, at).trim().toLowerCase(), l.slice(at + 1).trim()] : [l.toLowerCase(), ""];
  });
}

/** The `headers` overrides that turn `original` ([name, value] pairs) into `edited`: set or null. */
export function headerOverrides(original, edited) {
  const was = new Map(original);
  const now = new Map(edited);
  const out = {};
  for (const [name, value] of now) if (was.get(name) !== value) out[name] = value;
  for (const name of was.keys()) if (!now.has(name)) out[name] = null;
  return out;
}
