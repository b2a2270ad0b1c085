import { expect } from 'chai';
import { bulkRowsLimitReached, DAY_MS, HOUR_MS, RecentInvitations, type InvitationLimit } from '../../../../src/domain/educator/invitation-allowance';

const at = (time: string): Date => new Date(`2026-09-01T${time}Z`);
const hourly = (invitations: number): InvitationLimit => ({ invitations, windowMs: HOUR_MS });

/** Takes one at each time, failing the test if any is refused. */
const sentAt = (limit: InvitationLimit, ...times: string[]): RecentInvitations =>
  times.reduce((recent, time) => {
    const taken = recent.take(1, at(time), limit);
    if (!taken.ok) throw new Error(`refused at ${time}`);
    return taken.value;
  }, RecentInvitations.none());

describe('RecentInvitations', () => {
  it('when the limit is reached, then one more is refused with the count and the minute the oldest leaves the window', () => {
    const recent = sentAt(hourly(3), '08:00:10', '08:30:00', '08:45:00');

    expect(recent.take(1, at('08:50:00'), hourly(3))).to.deep.equal({ ok: false, error: { counted: 3, fitsAt: at('09:01:00') } });
  });

  it('when the oldest has been in the window for a full hour and a minute, then one more fits: any 60 minutes hold at most the limit', () => {
    const recent = sentAt(hourly(3), '08:00:10', '08:30:00', '08:45:00');

    expect(recent.take(1, at('09:00:59'), hourly(3)).ok).to.equal(false);
    expect(recent.take(1, at('09:01:00'), hourly(3)).ok).to.equal(true);
    expect(recent.take(2, at('09:01:00'), hourly(3)).ok).to.equal(false);
  });

  it('when several are asked for at once, then they fit only once enough of the oldest have left', () => {
    const recent = sentAt(hourly(4), '08:00:00', '08:10:00', '08:20:00', '08:30:00');

    expect(recent.take(3, at('08:40:00'), hourly(4))).to.deep.equal({ ok: false, error: { counted: 4, fitsAt: at('09:21:00') } });
  });

  it('when more are asked for than the whole limit, then they never fit', () => {
    expect(RecentInvitations.none().take(5, at('08:00:00'), hourly(4))).to.deep.equal({ ok: false, error: { counted: 0, fitsAt: null } });
  });

  it('when invitations are given back, then they no longer count', () => {
    const recent = sentAt(hourly(2), '08:00:00', '08:05:00').giveBack(1, at('08:05:00'), hourly(2));

    expect(recent.take(1, at('08:06:00'), hourly(2)).ok).to.equal(true);
  });

  it('when an admin sends all day, then what is kept never grows past one window of slices', () => {
    let recent = RecentInvitations.none();
    for (let minute = 0; minute < 24 * 60; minute += 1) {
      const taken = recent.take(1, new Date(at('00:00:00').getTime() + minute * 60_000), hourly(1_000_000));
      if (taken.ok) recent = taken.value;
    }

    expect(recent.slices.length).to.be.at.most(61);
  });

  it('when a file is larger than what is left of the day, then the reason says how much was uploaded and when it fits', () => {
    const limit = { invitations: 1000, windowMs: DAY_MS };
    const recent = RecentInvitations.none().take(800, at('08:00:00'), limit);
    const refused = recent.ok && recent.value.take(300, at('09:00:00'), limit);

    expect(refused).to.deep.equal({ ok: false, error: { counted: 800, fitsAt: new Date('2026-09-02T08:24:00Z') } });
    expect(bulkRowsLimitReached(300, (refused as { error: { counted: number; fitsAt: Date } }).error, limit, at('09:00:00'))).to.equal(
      'This file has 300 rows, but one admin may upload at most 1,000 rows in any 24 hours and you have uploaded 800 in the last 24 hours. ' +
        'Upload it again after 2026-09-02 08:24 UTC (in about 24 hours), or split it into smaller files.',
    );
  });
});
