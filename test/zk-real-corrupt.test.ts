// The history mutator on the shared real-ZooKeeper sample: deterministic, one change per
// kind, and the result still well-formed (a checker must reject it for the guarantee it
// breaks, not as a malformed file). Needs no ZooKeeper; it runs with the zk-real suite.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CORRUPTIONS, corrupt, parseHistory, serializeHistory, type CorruptionKind } from "../src/oracle/corrupt.ts";
import { validateHistoryText } from "../src/oracle/recorder/validate.ts";

const sample = resolve(import.meta.dirname, "../../shared/samples/zk-3node-clean.jsonl");
const lines = parseHistory(readFileSync(sample, "utf8"));
const kinds = Object.keys(CORRUPTIONS) as CorruptionKind[];
// The sample closes every session only at teardown, after its last read.
const notInSample = new Set<CorruptionKind>(["ephemeral-outlives-session"]);

describe("history corruptions on the shared sample", () => {
  it("the untouched sample is well-formed", () => {
    expect(validateHistoryText(serializeHistory(lines)).problems).toEqual([]);
  });

  for (const kind of kinds) {
    it(kind, () => {
      const before = serializeHistory(lines);
      const c = corrupt(lines, kind);
      expect(serializeHistory(lines)).toBe(before);
      if (notInSample.has(kind)) {
        expect(c).toBeNull();
        return;
      }
      expect(c).not.toBeNull();
      expect(c!.kind).toBe(kind);
      expect(c!.ops.length).toBeGreaterThan(0);
      const text = serializeHistory(c!.lines);
      expect(text).not.toBe(before);
      expect(validateHistoryText(text).problems).toEqual([]);
      expect(serializeHistory(corrupt(lines, kind)!.lines)).toBe(text);
      const changed = c!.lines.filter((l, i) => JSON.stringify(l) !== JSON.stringify(lines[i]));
      // watch-after-data moves one line (and edits the op it names); the rest edit one op.
      expect(changed.length).toBeLessThanOrEqual(kind === "watch-after-data" ? 40 : 1);
    });
  }
});
