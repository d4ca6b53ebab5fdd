// One bin's live feed over EventSource, with a connection state the page
// shows (data-state) and resume that never loses a capture.
//
// Two ways the connection comes back:
// - The browser's own reconnect (readyState CONNECTING after `error`) sends
//   Last-Event-ID by itself, which the server prefers over the query.
// - When the browser gives up (readyState CLOSED, e.g. the server answered
//   non-200 while restarting), the page makes a new EventSource whose URL
//   carries ?last_event_id=<newest seq seen>, so the server sends the gap.

export const STREAM_EVENTS = ["request", "lost", "reset", "replay", "deleted", "expired"];

/** After this long without a live connection, "reconnecting" becomes "lost". */
const LOST_AFTER_MS = 8000;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];

export class LiveStream {
  #es = null;
  #stopped = true;
  #failures = 0;
  #reopenTimer = null;
  #lostTimer = null;
  #isLost = false;
  /** Counts opens, so a slow ticket fetch cannot open a superseded stream. */
  #opening = 0;

  /**
   * @param {{
   *   url: () => Promise<string>,              // built when (re)opening: the newest seq, a fresh ticket
   *   onEvent: (type: string, data: any, id: string) => void,
   *   onState: (state: "connecting"|"live"|"reconnecting"|"lost"|"stopped") => void,
   *   probe: () => Promise<"ok"|"gone"|"denied"|"down">,
   *   onFatal: (why: "gone"|"denied") => void, // the bin is gone or the token is wrong
   * }} options
   */
  constructor(options) {
    this.options = options;
  }

  start() {
    this.#stopped = false;
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
    let url;
    try {
      url = await this.options.url();
    } catch {
      if (!this.#stopped && attempt === this.#opening) this.#recreate();
      return;
    }
    if (this.#stopped || attempt !== this.#opening) return; // stopped or superseded meanwhile
    const es = new EventSource(url);
    this.#es = es;
    es.addEventListener("open", () => this.#onOpen());
    es.addEventListener("error", () => this.#onError(es));
    for (const type of STREAM_EVENTS) {
      es.addEventListener(type, (e) => this.#dispatch(type, e));
    }
  }

  #close() {
    this.#es?.close();
    this.#es = null;
  }

  #dispatch(type, event) {
    let data = null;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // every event's data is JSON per the contract; ignore anything else
    }
    this.options.onEvent(type, data, event.lastEventId);
  }

  #onOpen() {
    this.#failures = 0;
    this.#clearLost();
    this.options.onState("live");
  }

  #onError(es) {
    if (this.#stopped || es !== this.#es) return;
    this.#armLostTimer();
    this.options.onState(this.#isLost ? "lost" : "reconnecting");
    if (es.readyState === EventSource.CLOSED) this.#recreate();
    // CONNECTING: the browser retries by itself, with Last-Event-ID.
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

  /** The browser gave up: find out why, then reopen after a backoff or end for good. */
  async #recreate() {
    this.#close();
    const verdict = await this.options.probe();
    if (this.#stopped) return;
    if (verdict === "gone" || verdict === "denied") {
      this.stop();
      this.options.onFatal(verdict);
      return;
    }
    const wait = BACKOFF_MS[Math.min(this.#failures, BACKOFF_MS.length - 1)];
    this.#failures += 1;
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = setTimeout(() => { if (!this.#stopped) this.#open(); }, wait);
  }
}
