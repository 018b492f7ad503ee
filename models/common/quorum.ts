// Quorum arithmetic, the one definition used by Paxos (promises and accepts),
// FLE (matching votes) and ZAB (ACKEPOCH, ACK of NEWLEADER, ACKs of proposals).
// Members are counted as bits of a 32-bit mask: models stay below 32 nodes.

/** The smallest majority of n members: any two such sets intersect (Paxos' P1/P2, ZAB §3). */
export function majority(n: number): number {
  return (n >> 1) + 1;
}

/** Number of set bits of a 32-bit member mask. */
export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/** The members 0..n-1 as a mask. */
export function membersMask(n: number): number {
  return n >= 32 ? -1 : (1 << n) - 1;
}

/** Does the mask hold a majority of members 0..n-1? Bits at n and above (observers) never count. */
export function hasMajority(mask: number, n: number): boolean {
  return popcount(mask & membersMask(n)) >= majority(n);
}
