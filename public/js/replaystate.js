// Pure ordering of a replay's states: the stream and GET /v1/replays/{id}
// can deliver them out of order, and the page must keep the newest.

const TERMINAL = new Set(["succeeded", "failed"]);

export const isTerminal = (status) => TERMINAL.has(status);

/**
 * The newer of two states of one replay: later updated_at wins; on a tie,
 * more attempts, then a terminal status (a settle and its claim can share
 * a millisecond).
 */
export function newerReplay(a, b) {
  const ta = Date.parse(a.updated_at);
  const tb = Date.parse(b.updated_at);
  if (ta !== tb) return tb > ta ? b : a;
  if (a.attempts !== b.attempts) return b.attempts > a.attempts ? b : a;
  return isTerminal(b.status) && !isTerminal(a.status) ? b : a;
}
