// The runtime floor: the least a Durable Object can do for polyhook's hot
// paths, in plain JavaScript on the same workerd. One object per bin; an
// ingest is one SQLite insert and one SSE write per subscriber, a stream is
// a TransformStream kept in a Set. No limits, no resume, no retention: the
// bench compares polyhook-rs against this to show what the Rust adds.

const encoder = new TextEncoder();

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const parts = url.pathname.split("/").filter(Boolean);
    if (request.method === "POST" && url.pathname === "/v1/bins") {
      const id = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
      const base = url.origin;
      const body = { id, ingest_url: `${base}/v1/bins/${id}/in`, stream_url: `${base}/v1/bins/${id}/stream` };
      return Response.json(body, { status: 201 });
    }
    if (parts[0] === "v1" && parts[1] === "bins" && parts[2]) {
      return env.BINS.get(env.BINS.idFromName(parts[2])).fetch(request);
    }
    return new Response("not found", { status: 404 });
  },
};

/** A new SSE stream whose writer joins `writers`, answered with `headers` added. */
export function openStream(writers, headers = {}) {
  const { readable, writable } = new TransformStream();
  const writer = writable.getWriter();
  writer.write(encoder.encode(": ok\nretry: 2000\n\n"));
  writers.add(writer);
  writer.closed.catch(() => writers.delete(writer));
  return new Response(readable, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers } });
}

export class Bin {
  constructor(state) {
    this.sql = state.storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS captures (seq INTEGER PRIMARY KEY, method TEXT, path TEXT, headers TEXT, body BLOB, received_at INTEGER)",
    );
    this.next = (this.sql.exec("SELECT MAX(seq) AS m FROM captures").one().m ?? 0) + 1;
    this.writers = new Set();
  }

  async fetch(request) {
    const url = new URL(request.url);
    const [, , id, what = ""] = url.pathname.split("/").filter(Boolean);
    if (what === "in") return this.ingest(request, id, url);
    if (what === "stream") return this.stream();
    if (what === "requests") return this.list(id);
    return new Response("not found", { status: 404 });
  }

  async ingest(request, id, url) {
    const body = new Uint8Array(await request.arrayBuffer());
    const seq = this.next++;
    const headers = JSON.stringify(Object.fromEntries(request.headers));
    const path = url.pathname.split("/in")[1] || "/";
    const at = Date.now();
    this.sql.exec("INSERT INTO captures VALUES (?, ?, ?, ?, ?, ?)", seq, request.method, path, headers, body, at);
    if (this.writers.size > 0) {
      const capture = { id: `${id}-${seq}`, seq, method: request.method, path, headers: JSON.parse(headers), body_b64: btoa(String.fromCharCode(...body)), received_at: new Date(at).toISOString() };
      const frame = encoder.encode(`id: ${seq}\nevent: request\ndata: ${JSON.stringify(capture)}\n\n`);
      for (const writer of this.writers) writer.write(frame).catch(() => this.writers.delete(writer));
    }
    return Response.json({ request_id: `${id}-${seq}`, seq, received_at: new Date(at).toISOString() }, { status: 202 });
  }

  stream() {
    return openStream(this.writers);
  }

  list(id) {
    const rows = this.sql.exec("SELECT seq, method, path, headers, length(body) AS body_size, received_at FROM captures ORDER BY seq DESC LIMIT 20").toArray();
    const items = rows.map((r) => ({ id: `${id}-${r.seq}`, ...r, headers: JSON.parse(r.headers) }));
    return Response.json({ items, next_cursor: null });
  }
}
