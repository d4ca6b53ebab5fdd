// A simulated crowd for the creation-flood test and bench: clients spread
// over IPv4 /24s and IPv6 /48s, each with its own address (an IPv4 host, or
// an IPv6 /64 of its own), presented through CF-Connecting-IP as the edge
// would set it.

/**
 * `networks` IPv4 /24s and as many IPv6 /48s, `perNetwork` clients in each.
 * @returns {string[]} client addresses, networks interleaved as a flood would arrive
 */
export function crowd({ networks, perNetwork }) {
  const out = [];
  for (let host = 1; host <= perNetwork; host += 1) {
    for (let net = 0; net < networks; net += 1) {
      out.push(`100.64.${net}.${host}`);
      out.push(`2001:db8:${net.toString(16)}:${host.toString(16)}::1`);
    }
  }
  return out;
}

/**
 * Each client asks for one bin, `concurrency` at a time.
 * @returns {Promise<{ created: number, refused: number, other: number, ms: number }>}
 */
export async function flood(url, clients, concurrency) {
  const counts = { created: 0, refused: 0, other: 0 };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const ip = clients[next++];
      const res = await fetch(`${url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": ip } });
      await res.arrayBuffer();
      if (res.status === 201) counts.created += 1;
      else if (res.status === 429) counts.refused += 1;
      else counts.other += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ...counts, ms: performance.now() - started };
}
