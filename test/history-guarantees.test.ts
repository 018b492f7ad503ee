// The client guarantees shared by the zk model's properties and check-history
// (src/oracle/guarantees.ts): each stated once, so both judges break on the same cases.
import { describe, expect, it } from 'vitest';
import { afterReply, ephemeralOutlived, firstFiring, NOTHING_SEEN, replyReflectsChange, sessionOrderBroken } from '../src/oracle/guarantees.ts';

describe('shared client guarantees', () => {
  it('session order: FIFO for writes, read-your-writes before monotonic reads', () => {
    let s = afterReply(NOTHING_SEEN, false, 10);
    expect(sessionOrderBroken(s, true, 10)).toBe('session-fifo');
    expect(sessionOrderBroken(s, true, 11)).toBeNull();
    s = afterReply(s, true, 11);
    expect(sessionOrderBroken(s, false, 10)).toBe('read-your-writes');
    s = afterReply(s, false, 20);
    expect(sessionOrderBroken(s, false, 19)).toBe('monotonic-reads');
    expect(sessionOrderBroken(s, false, 20)).toBeNull();
    expect(afterReply(s, false, 5)).toBe(s);
  });

  it('watch before data: the first change after the registration that fires its kind', () => {
    const changes = [
      { z: 3, type: 'NodeDataChanged' as const, path: '/a' },
      { z: 5, type: 'NodeChildrenChanged' as const, path: '/a' },
      { z: 7, type: 'NodeDeleted' as const, path: '/a' },
    ];
    expect(firstFiring(changes, '/a', 'data', 3)?.z).toBe(7);
    expect(firstFiring(changes, '/a', 'child', 0)?.z).toBe(5);
    expect(firstFiring(changes, '/b', 'data', 0)).toBeNull();
    expect(replyReflectsChange(7, 7)).toBe(true);
    expect(replyReflectsChange(6, 7)).toBe(false);
    expect(replyReflectsChange(9, null)).toBe(false);
  });

  it('ephemerals are gone wherever the end of their session was applied', () => {
    expect(ephemeralOutlived(8, 8)).toBe(true);
    expect(ephemeralOutlived(8, 7)).toBe(false);
    expect(ephemeralOutlived(undefined, 100)).toBe(false);
  });
});
