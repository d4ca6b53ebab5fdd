// One bin's live feed, with a connection state the page shows (data-state
// on #conn, and data-transport: websocket or sse) and resume that never
// loses a capture.
//
// The WebSocket comes first: a bin watched only by sockets sleeps between
// captures. A socket that cannot open while the bin answers over HTTP (a
// service without /ws, or a network that blocks WebSockets) makes this feed
// use SSE from then on; so does a browser without WebSocket.
//
// How the connection comes back:
// - A socket that closes is reopened by the page after a backoff (or the
//   server's retry_ms), with ?last_event_id=<newest seq seen>.
// - An EventSource's own reconnect (readyState CONNECTING after `error`)
//   sends Last-Event-ID by itself, which the server prefers over the query.
// - When the browser gives up (readyState CLOSED, e.g. the server answered
//   non-200 while restarting), the page makes a new EventSource whose URL
//   carries ?last_event_id=<newest seq seen>, so the server sends the gap.

import { SocketLink } from "./socketlink.js";

export const STREAM_EVENTS = ["request", "lost", "reset", "replay", "deleted", "expired", "skipped", "response", "listener"];

/** After this long without a live connection, "reconnecting" becomes "lost". */
const LOST_AFTER_MS = 8000;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
/** Close codes after which no reconnect helps: the bin ended, or the token is wrong. */
const ENDED = 4000;
const DENIED = 4001;

export class LiveStream {
  #link = null;
  #stopped = true;
  #failures = 0;
  #reopenTimer = null;
  #lostTimer = null;
  #isLost = false;
  /** Counts opens, so a slow ticket fetch cannot open a superseded stream. */
  #opening = 0;
  /** The newest seq any event named (a capture, or a filter's `skipped`). */
  #seen = 0;
  #transport;
  /** Sockets in a row that failed to open while the bin answered over HTTP. */
  #socketMisses = 0;

  /**
   * @param {{
   *   url: (seen: number) => Promise<string>,       // the stream's URL (a fresh ticket, the newest seq)
   *   socketUrl?: (seen: number) => Promise<string>, // the socket's, or none to use SSE only
   *   onEvent: (type: string, data: any, id: string) => void,
   *   onState: (state: "connecting"|"live"|"reconnecting"|"lost"|"stopped") => void,
   *   onTransport?: (transport: "websocket"|"sse") => void,
   *   probe: () => Promise<"ok"|"gone"|"denied"|"down">,
   *   onFatal: (why: "gone"|"denied") => void,       // the bin is gone or the token is wrong
   * }} options
   */
  constructor(options) {
    this.options = options;
    this.#transport = options.socketUrl && typeof WebSocket === "function" ? "websocket" : "sse";
  }

  start() {
    this.#stopped = false;
    this.options.onTransport?.(this.#transport);
    this.options.onState("connecting");
    this.#open();
  }

  stop() {
    this.#stopped = true;
    this.#close();
    clearTimeout(this.#reopenTimer);
    this.#clearLost();
    this.options.onState("stopped");
  }

  /** "Reconnect now" in the lost state: skip the remaining backoff. */
  retryNow() {
    if (this.#stopped) return;
    clearTimeout(this.#reopenTimer);
    this.#close();
    this.#open();
  }

  async #open() {
    this.#close(); // never two at once, e.g. "Reconnect now" during a backoff
    const attempt = ++this.#opening;
    const socket = this.#transport === "websocket";
    let url;
    try {
      url = await (socket ? this.options.socketUrl : this.options.url)(this.#seen);
    } catch {
      if (!this.#stopped && attempt === this.#opening) this.#recreate();
      return;
    }
    if (this.#stopped || attempt !== this.#opening) return; // stopped or superseded meanwhile
    this.#link = socket ? this.#openSocket(url) : this.#openSse(url);
  }

  #openSocket(url) {
    const link = new SocketLink(url, {
      onOpen: () => this.#onOpen(),
      onEvent: (type, data, id) => {
        this.#deliver(type, data, id);
        if (type === "request") link.ack(data.seq);
      },
      onClose: (close) => { if (link === this.#link) this.#onSocketClose(close); },
    });
    return link;
  }

  #openSse(url) {
    const es = new EventSource(url);
    es.addEventListener("open", () => this.#onOpen());
    es.addEventListener("error", () => this.#onSseError(es));
    for (const type of STREAM_EVENTS) {
      es.addEventListener(type, (e) => {
        try {
          this.#deliver(type, JSON.parse(e.data), e.lastEventId);
        } catch {
          // every event's data is JSON per the contract; ignore anything else
        }
      });
    }
    return es;
  }

  #close() {
    this.#link?.close();
    this.#link = null;
  }

  #deliver(type, data, id) {
    const seq = Number(String(id ?? "").split("-").pop());
    if (Number.isSafeInteger(seq) && seq > this.#seen) this.#seen = seq;
    if (type !== "skipped") this.options.onEvent(type, data, id);
  }

  #onOpen() {
    this.#failures = 0;
    this.#socketMisses = 0;
    this.#clearLost();
    this.options.onState("live");
  }

  #onSocketClose({ code, reason, opened }) {
    this.#link = null;
    if (this.#stopped) return;
    if (code === DENIED) return this.#fail("denied");
    this.#down();
    const hint = Number(/retry_ms=(\d+)/.exec(reason)?.[1] ?? 0);
    this.#recreate({ hint, socketFailed: !opened, ended: code === ENDED });
  }

  #onSseError(es) {
    if (this.#stopped || es !== this.#link) return;
    this.#down();
    if (es.readyState === EventSource.CLOSED) this.#recreate();
    // CONNECTING: the browser retries by itself, with Last-Event-ID.
  }

  #down() {
    this.#armLostTimer();
    this.options.onState(this.#isLost ? "lost" : "reconnecting");
  }

  #fail(why) {
    this.stop();
    this.options.onFatal(why);
  }

  #armLostTimer() {
    if (this.#lostTimer !== null || this.#isLost) return;
    this.#lostTimer = setTimeout(() => {
      this.#lostTimer = null;
      this.#isLost = true;
      if (!this.#stopped) this.options.onState("lost");
    }, LOST_AFTER_MS);
  }

  #clearLost() {
    clearTimeout(this.#lostTimer);
    this.#lostTimer = null;
    this.#isLost = false;
  }

  /**
   * The connection ended for good: find out why, then end, fall back to
   * SSE (a socket that twice never opened on a bin that answers), or
   * reopen after a backoff (or the server's `hint`, ms).
   */
  async #recreate({ hint = 0, socketFailed = false, ended = false } = {}) {
    this.#close();
    const verdict = await this.options.probe();
    if (this.#stopped) return;
    if (verdict === "gone" || verdict === "denied") return this.#fail(verdict);
    if (ended) return this.#fail("gone"); // the server said so; the probe raced its erasure
    // Twice, so a socket refused once while a deploy settles does not keep the bin awake for good.
    if (socketFailed && verdict === "ok" && ++this.#socketMisses >= 2) {
      this.#transport = "sse";
      this.options.onTransport?.("sse");
      return this.#open();
    }
    const wait = Math.max(hint, BACKOFF_MS[Math.min(this.#failures, BACKOFF_MS.length - 1)]);
    this.#failures += 1;
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = setTimeout(() => { if (!this.#stopped) this.#open(); }, wait);
  }
}
