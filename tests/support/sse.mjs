// A recording EventSource client (the npm `eventsource` package, a
// WHATWG-conformant implementation) for the stream tests.
import { EventSource } from "eventsource";
import { setTimeout as sleep } from "node:timers/promises";

const NAMES = ["request", "lost", "reset", "replay", "deleted", "expired", "skipped", "response", "listener"];

/**
 * Opens an EventSource on `url` and records every named event.
 * @param {string} url
 * @param {{ lastEventId?: string }} [options] sent as the Last-Event-ID header on the first connect
 */
export function subscribe(url, { lastEventId } = {}) {
  let first = true;
  const es = new EventSource(url, {
    fetch: (input, init) => {
      const headers = { ...init.headers };
      if (first && lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
      first = false;
      return fetch(input, { ...init, headers });
    },
  });
  const events = [];
  const opened = new Promise((resolve, reject) => {
    es.addEventListener("open", resolve, { once: true });
    es.addEventListener("error", (e) => { if (es.readyState === EventSource.CLOSED) reject(e); }, { once: true });
  });
  for (const name of NAMES) {
    es.addEventListener(name, (e) => {
      events.push({ type: name, id: e.lastEventId, data: JSON.parse(e.data) });
    });
  }
  let opens = 0;
  es.addEventListener("open", () => { opens += 1; });
  return {
    es,
    events,
    opened,
    get opens() { return opens; },
    /** Request events only, as their sequence numbers. */
    seqs: () => events.filter((e) => e.type === "request").map((e) => e.data.seq),
    /** Waits until `predicate(events)` holds, or throws after `ms`. */
    async until(predicate, ms = 15_000, what = "condition") {
      const deadline = Date.now() + ms;
      while (!predicate(events)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; have ${JSON.stringify(events.map((e) => [e.type, e.id]))}`);
        await sleep(20);
      }
    },
    close: () => es.close(),
  };
}
