import { expect } from 'chai';
import { startBackgroundWork } from '../../../src/processes/background-work';
import { describeOnEachDatabase } from '../../support/databases';
import { waitFor } from '../../support/polling';
import { startTestServer, type TestServer } from '../../support/test-server';
import { SIGN_IN } from './attempt-kit';

const MINUTE_IN_DAYS = 1 / (24 * 60);

describeOnEachDatabase('Pruning throttle counters that count nothing any more', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server?.close();
  });

  const failSignIn = (username: string) => server.graphql(SIGN_IN, { input: { username, password: 'not the password' } });
  const counterKeys = async (): Promise<string[]> =>
    (await server.application.dataSource.query<{ throttle_key: string }[]>('SELECT throttle_key FROM throttle_counter ORDER BY throttle_key')).map(
      (row) => row.throttle_key,
    );

  it('when counters have run out, then each prune deletes at most the number asked for, and counters still counting stay', async () => {
    for (const username of ['a@example.org', 'b@example.org', 'c@example.org']) await failSignIn(username);
    // One failure of an account is forgotten after 3 minutes, three of the address after 90 seconds.
    server.clock.advanceDays(4 * MINUTE_IN_DAYS);
    await failSignIn('d@example.org');

    const pruned = [];
    for (let round = 0; round < 3; round += 1) pruned.push(await server.application.throttle.pruneExpired(server.clock.now(), 2));

    expect(pruned).to.deep.equal([2, 1, 0]);
    expect(await counterKeys()).to.deep.equal(['sign-in:account:d@example.org', 'sign-in:address:127.0.0.1']);
  });

  it('when the background work runs, then it prunes counters that have run out', async () => {
    await failSignIn('a@example.org');
    server.clock.advanceDays(4 * MINUTE_IN_DAYS);

    const background = startBackgroundWork(server.application);
    try {
      await waitFor('pruned counters', async () => ((await counterKeys()).length === 0 ? true : undefined), 10_000);
    } finally {
      await background.stop();
    }
  });
});
