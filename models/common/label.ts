// Coverage counts every node's phase on every step (src/coverage.ts): a label
// built by concatenation is a new string to hash each time (in Paxos that was
// most of the coverage cost). Each pair's label is made once here.
const labels = new Map<string, Map<string, string>>();

/** `${a}:${b}`, the same string object for the same pair. */
export function phaseLabel(a: string, b: string): string {
  let byB = labels.get(a);
  if (byB === undefined) {
    byB = new Map();
    labels.set(a, byB);
  }
  let l = byB.get(b);
  if (l === undefined) {
    l = `${a}:${b}`;
    byB.set(b, l);
  }
  return l;
}
