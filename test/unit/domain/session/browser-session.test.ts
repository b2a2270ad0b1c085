import { expect } from 'chai';
import { expiryOf, isExpired, isRenewalDue, type BrowserSession } from '../../../../src/domain/session/browser-session';

const MINUTE = 60_000;
const LIFETIME = { idleMs: 30 * MINUTE, maxMs: 12 * 60 * MINUTE };
const START = new Date('2026-09-01T08:00:00.000Z');
const at = (minutes: number): Date => new Date(START.getTime() + minutes * MINUTE);
const session = (lastUsedMinutes: number): BrowserSession => ({ accountId: 7, startedAt: START, lastUsedAt: at(lastUsedMinutes) });

describe('BrowserSession', () => {
  it('when it has been idle for less than the idle time, then it counts; at the idle time exactly, it has lapsed', () => {
    expect(isExpired(session(0), LIFETIME, at(29.99))).to.equal(false);
    expect(isExpired(session(0), LIFETIME, at(30))).to.equal(true);
  });

  it('when it is used often, then it still lapses at the longest lifetime after sign-in', () => {
    expect(expiryOf(session(11 * 60 + 50), LIFETIME)).to.deep.equal(at(12 * 60));
    expect(isExpired(session(11 * 60 + 50), LIFETIME, at(12 * 60))).to.equal(true);
    expect(expiryOf(session(60), LIFETIME)).to.deep.equal(at(90));
  });

  it('when the last written use is under a minute old, then no renewal is due; from a minute on, it is', () => {
    expect(isRenewalDue(session(10), at(10.99))).to.equal(false);
    expect(isRenewalDue(session(10), at(11))).to.equal(true);
  });
});
