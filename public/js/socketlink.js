// One WebSocket connection of a bin's live feed (GET /v1/bins/{id}/ws).
// The server sends the stream's events as {"type","id","data"} JSON; it
// keeps a window of unacknowledged bytes per socket (a WebSocket send has
// no backpressure on the server), so the page acks what it has shown. A
// watched bin sleeps between captures; "ping" is answered "pong" by the
// runtime itself, without waking it.

/**
 * Acks are coalesced: each is a message the bin must wake for. One goes
 * within this many ms of a shown capture...
 */
const ACK_WITHIN_MS = 1000;
/** ...or at once past this many bytes received since the last (the server's window is 1 MiB by default). */
const ACK_BYTES = 256 * 1024;
/** A quiet line is pinged this often, ms (in the hundreds of bytes a day). */
const PING_EVERY_MS = 30_000;
/** Nothing heard for this long (not even a pong): the connection is dead, ms. */
const DEAD_AFTER_MS = 75_000;

export class SocketLink {
  #ws;
  #acked = 0;
  #toAck = 0;
  #bytes = 0;
  #ackTimer = null;
  #pingTimer = null;
  #heardAt = Date.now();
  #opened = false;
  #done = false;

  /**
   * @param {string} url  a ws:// or wss:// URL
   * @param {{
   *   onOpen: () => void,
   *   onEvent: (type: string, data: any, id: string|null) => void,
   *   onClose: (close: { code: number, reason: string, opened: boolean }) => void,
   * }} handlers  onClose is called once, whoever closed it
   */
  constructor(url, handlers) {
    this.handlers = handlers;
    this.#ws = new WebSocket(url);
    this.#ws.addEventListener("open", () => {
      this.#opened = true;
      this.#pingTimer = setInterval(() => this.#keepAlive(), PING_EVERY_MS);
      handlers.onOpen();
    });
    this.#ws.addEventListener("message", (e) => this.#onMessage(e.data));
    this.#ws.addEventListener("close", (e) => this.#end(e.code, e.reason));
  }

  /** Everything up to capture `seq` is shown: tell the server, soon. */
  ack(seq) {
    this.#toAck = Math.max(this.#toAck, seq);
    if (this.#bytes >= ACK_BYTES) return this.#sendAck();
    if (this.#ackTimer === null) this.#ackTimer = setTimeout(() => this.#sendAck(), ACK_WITHIN_MS);
  }

  #sendAck() {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = null;
    if (this.#toAck > this.#acked && this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.send(JSON.stringify({ type: "ack", seq: this.#toAck }));
      this.#acked = this.#toAck;
      this.#bytes = 0;
    }
  }

  /** Closes it from this side; onClose is not called. */
  close() {
    this.#done = true;
    this.#stopTimers();
    if (this.#ws.readyState <= WebSocket.OPEN) this.#ws.close(1000, "bye");
  }

  #onMessage(text) {
    this.#heardAt = Date.now();
    this.#bytes += typeof text === "string" ? text.length : 0;
    if (typeof text !== "string" || text === "pong") return;
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return; // every server message is JSON but the runtime's "pong"
    }
    if (typeof message?.type === "string") this.handlers.onEvent(message.type, message.data, message.id ?? null);
  }

  #keepAlive() {
    if (Date.now() - this.#heardAt > DEAD_AFTER_MS) {
      this.#ws.close(4100, "no answer to ping");
      this.#end(1006, "no answer to ping"); // a dead line may never deliver its close
    } else if (this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.send("ping");
    }
  }

  #stopTimers() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#ackTimer);
  }

  #end(code, reason) {
    if (this.#done) return;
    this.#done = true;
    this.#stopTimers();
    this.handlers.onClose({ code, reason, opened: this.#opened });
  }
}
