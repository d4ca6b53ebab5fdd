// Pure model of a bin's feed: captures keyed by seq, so history pages,
// stream backlog and live events can overlap without showing duplicates.

/** What a feed row needs; the body (body_b64) is dropped to keep memory small. */
export function summarize(capture) {
  return {
    id: capture.id,
    seq: capture.seq,
    method: capture.method,
    path: capture.path ?? "/",
    query: capture.query ?? "",
    content_type: capture.content_type ?? null,
    body_size: capture.body_size ?? 0,
    received_at: capture.received_at,
    // How the bin answered (other backends send none: the default 202).
    response: capture.response ?? null,
    // Its signature check (other backends send none: no badge).
    verification: capture.verification ?? null,
  };
}

export class FeedModel {
  #bySeq = new Map();
  #maxSeq = 0;

  /** Adds a capture; false when its seq is already known or missing. */
  add(capture) {
    const seq = capture?.seq;
    if (!Number.isInteger(seq) || seq < 1 || this.#bySeq.has(seq)) return false;
    this.#bySeq.set(seq, summarize(capture));
    if (seq > this.#maxSeq) this.#maxSeq = seq;
    return true;
  }

  has(seq) { return this.#bySeq.has(seq); }

  get(seq) { return this.#bySeq.get(seq) ?? null; }

  get size() { return this.#bySeq.size; }

  /** The newest seq seen anywhere: where a recreated stream resumes. */
  get maxSeq() { return this.#maxSeq; }

  /** Every seq, newest first. */
  seqs() { return [...this.#bySeq.keys()].sort((a, b) => b - a); }
}
