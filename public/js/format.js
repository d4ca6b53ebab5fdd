// Pure formatting helpers. No DOM here: the node unit tests import this file.

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB"];

/** "0 B", "512 B", "1.5 KiB", "20 MiB": binary units, since limits are set in bytes. */
export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 0) return "?";
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${n} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${BYTE_UNITS[unit]}`;
}

const pad2 = (n) => String(n).padStart(2, "0");

/**
 * Time left until an expiry, for the bin's countdown: "23h 59m 58s",
 * "4m 05s", "9s"; days only from 48 hours, since bins live 24 hours by
 * default; "expired" at or below zero. Rounds up, so the text never says
 * "0s" while the bin still exists.
 */
export function formatCountdown(ms) {
  if (!Number.isFinite(ms) || ms <= 0) return "expired";
  const total = Math.ceil(ms / 1000);
  const days = total >= 2 * 86400 ? Math.floor(total / 86400) : 0;
  const hours = Math.floor((total - days * 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days}d ${pad2(hours)}h ${pad2(minutes)}m`;
  if (hours > 0) return `${hours}h ${pad2(minutes)}m ${pad2(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${pad2(seconds)}s`;
  return `${seconds}s`;
}

/** A measured duration such as a replay attempt: "6 ms", "1.2 s", "2m 05s". */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}m ${pad2(total % 60)}s`;
}

/**
 * "14:03:07.123": captures are stamped to the millisecond and several may
 * land in the same second, so the feed shows milliseconds.
 * @param {string|Date} when
 * @param {boolean} [utc] for deterministic tests
 */
export function formatClock(when, utc = false) {
  const d = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(d.getTime())) return "?";
  const [h, m, s, ms] = utc
    ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(ms).padStart(3, "0")}`;
}

/** A metric sample: integers with thousands separators, others to 3 decimals. */
export function formatNumber(n) {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  return n.toLocaleString("en-US", { maximumFractionDigits: 3 });
}
