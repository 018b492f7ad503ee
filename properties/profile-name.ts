// A protocol named with a version profile: `zab@3.8.0` (see profiles.ts).
import type { Protocol } from '../src/protocol.ts';

/** `zab@3.8.0` -> ['zab', '3.8.0']; a plain name has no profile. */
export function splitProfile(name: string): [string, string | null] {
  const at = name.indexOf('@');
  return at < 0 ? [name, null] : [name.slice(0, at), name.slice(at + 1)];
}

/** The protocol under the profile, or null when it has no such profile. */
export function withProfileNamed(p: Protocol, profile: string | null): Protocol | null {
  if (profile === null) return p;
  return p.withProfile !== undefined && p.profiles?.[profile] !== undefined ? p.withProfile(profile) : null;
}
