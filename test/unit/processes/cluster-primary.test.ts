import { expect } from 'chai';
import { RestartBudget } from '../../../src/processes/cluster-primary';

describe('RestartBudget', () => {
  it('when the restarts stay within the limit, then each one is allowed', () => {
    const budget = new RestartBudget(3, 60_000);
    expect([budget.take(0), budget.take(10), budget.take(20)]).to.deep.equal([true, true, true]);
  });

  it('when one more restart comes within the window, then it is refused, and so is every later one until the oldest leaves the window', () => {
    const budget = new RestartBudget(3, 60_000);
    for (const at of [1_000, 2_000, 3_000]) budget.take(at);
    expect([budget.take(4_000), budget.take(60_999)]).to.deep.equal([false, false]);
    expect(budget.take(61_000)).to.equal(true);
    expect(budget.take(61_500)).to.equal(false);
    expect(budget.take(62_000)).to.equal(true);
  });

  it('when restarts were refused, then they do not count against the next window', () => {
    const budget = new RestartBudget(1, 1_000);
    budget.take(0);
    for (let at = 100; at < 1_000; at += 100) expect(budget.take(at)).to.equal(false);
    expect(budget.take(1_000)).to.equal(true);
  });

  it('when restarts are spread wider than the window, then the process may restart forever', () => {
    const budget = new RestartBudget(2, 60_000);
    for (let minute = 0; minute < 100; minute += 1) expect(budget.take(minute * 30_001), `restart ${minute}`).to.equal(true);
  });
});
