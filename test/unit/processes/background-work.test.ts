import { expect } from 'chai';
import { WakeUp } from '../../../src/processes/background-work';

// Each pause below is far longer than mocha's timeout: a test passes only if the pause is cut short.
const LONGER_THAN_ANY_TEST = 600_000;

describe('WakeUp', () => {
  it('when a signal comes during a pause, then the pause ends', async () => {
    const wakeUp = new WakeUp();
    const pause = wakeUp.sleep(LONGER_THAN_ANY_TEST, new AbortController().signal);
    wakeUp.signal();
    await pause;
  });

  it('when a signal came while nobody was pausing, then the next pause ends at once, and only that one', async () => {
    const wakeUp = new WakeUp();
    wakeUp.signal();
    await wakeUp.sleep(LONGER_THAN_ANY_TEST, new AbortController().signal);

    let secondEnded = false;
    const stopping = new AbortController();
    const second = wakeUp.sleep(LONGER_THAN_ANY_TEST, stopping.signal).then(() => (secondEnded = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondEnded).to.equal(false);
    stopping.abort();
    await second;
  });

  it('when the work is stopping, then the pause ends without a signal', async () => {
    const stopping = new AbortController();
    const pause = new WakeUp().sleep(LONGER_THAN_ANY_TEST, stopping.signal);
    stopping.abort();
    await pause;
  });
});
