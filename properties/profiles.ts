// Version profiles for the models built on ZAB (zab, zk): a profile is a
// ZooKeeper release whose sync and log code the servers run (models/zab/mutants.ts).
import type { BaseConfig } from '../src/model.ts';
import type { Protocol } from '../src/protocol.ts';
import { DEFAULT_PROFILE, profileProblem, ZAB_PROFILES } from '../models/zab/index.ts';

type Profiled = BaseConfig & { profile?: string };

/** Give a protocol the ZooKeeper version profiles: `--profile 3.8.0` runs `name@3.8.0`. */
export function zabProfiles<Cfg extends Profiled>(p: Protocol<any, any, any, any, any, Cfg>): Protocol<any, any, any, any, any, Cfg> {
  const profiles = Object.fromEntries(Object.entries(ZAB_PROFILES).map(([k, v]) => [k, `${v.description}${k === DEFAULT_PROFILE ? ' (default)' : ''}`]));
  const out: Protocol<any, any, any, any, any, Cfg> = {
    ...p,
    profiles,
    profileProblem: (profile, mutant) => profileProblem(profile, mutant),
    withProfile(profile) {
      const base = out;
      return {
        ...base,
        name: `${p.name}@${profile}`,
        configArb: (mutant) => p.configArb(mutant).map((c) => ({ ...c, profile })),
        defaultConfig: (mutant) => ({ ...p.defaultConfig(mutant), profile }),
      };
    },
  };
  return out;
}
