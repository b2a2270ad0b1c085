import { expect } from 'chai';
import { startBackgroundWork } from '../../../src/processes/background-work';
import { describeOnEachDatabase } from '../../support/databases';
import { dropEverything, startTestServer, type TestServer } from '../../support/test-server';

const probe = async (server: TestServer, path: string): Promise<{ status: number; body: any }> => {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, body: await response.json() };
};

describeOnEachDatabase('Liveness and readiness (/healthz, /readyz)', (database) => {
  describe('in a process with WORKER off', () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(database);
    });
    after(async () => {
      await server.close();
    });

    it("when the service's tables are dropped, then /readyz answers 503 on the next call (/healthz 200), and 200 once migrated back", async () => {
      expect(await probe(server, '/readyz')).to.deep.equal({ status: 200, body: { ready: true, database: true, migrations: true, worker: 'off' } });

      await dropEverything(server.application);

      expect(await probe(server, '/readyz')).to.deep.equal({ status: 503, body: { ready: false, database: false, migrations: false, worker: 'off' } });
      expect(await probe(server, '/healthz')).to.deep.equal({ status: 200, body: { ok: true } });

      await server.application.dataSource.runMigrations({ transaction: 'each' });
      await server.reset();

      expect(await probe(server, '/readyz')).to.deep.equal({ status: 200, body: { ready: true, database: true, migrations: true, worker: 'off' } });
    });

    it('when a migration is recorded as not applied, then /readyz answers 503 with only the migrations check failing', async () => {
      const [latest] = await server.application.dataSource.query('SELECT id, timestamp, name FROM migrations ORDER BY timestamp DESC LIMIT 1');
      await server.application.dataSource.query('DELETE FROM migrations WHERE id = ?', [latest.id]);
      try {
        expect(await probe(server, '/readyz')).to.deep.equal({ status: 503, body: { ready: false, database: true, migrations: false, worker: 'off' } });
      } finally {
        await server.application.dataSource.query('INSERT INTO migrations (id, timestamp, name) VALUES (?, ?, ?)', [latest.id, latest.timestamp, latest.name]);
      }
      expect((await probe(server, '/readyz')).status).to.equal(200);
    });
  });

  describe('in a process with WORKER on', () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(database, { worker: true, mailDelivery: false });
    });
    after(async () => {
      await server.close();
    });

    it('when its background loops have not started or have stopped, then /readyz answers 503; while they run, 200', async () => {
      expect(await probe(server, '/readyz')).to.deep.equal({ status: 503, body: { ready: false, database: true, migrations: true, worker: false } });

      const background = startBackgroundWork(server.application);
      try {
        expect(await probe(server, '/readyz')).to.deep.equal({ status: 200, body: { ready: true, database: true, migrations: true, worker: true } });
      } finally {
        await background.stop();
      }

      expect(await probe(server, '/readyz')).to.deep.equal({ status: 503, body: { ready: false, database: true, migrations: true, worker: false } });
    });
  });
});
