import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

describeOnEachDatabase('the audit trail in SQL', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server.close();
  });

  it('when an event is recorded, then its row holds who, what, when, where from and how it ended, with long texts cut to their columns', async () => {
    await server.application.auditTrail.record({
      action: 'SIGN_IN_REFUSED',
      outcome: 'INVALID_CREDENTIALS',
      at: new Date('2026-12-02T10:00:00Z'),
      actorAccountId: null,
      actorEmail: 'someone@example.org',
      districtId: 7,
      schoolSiteId: 8,
      clientAddress: '203.0.113.9',
      detail: 'x'.repeat(600),
    });
    const rows: Record<string, unknown>[] = await server.application.dataSource.query('SELECT * FROM audit_event');
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({
      action: 'SIGN_IN_REFUSED',
      outcome: 'INVALID_CREDENTIALS',
      actor_email: 'someone@example.org',
      client_address: '203.0.113.9',
    });
    expect(Number(rows[0].occurred_at)).to.equal(Date.parse('2026-12-02T10:00:00Z'));
    expect([rows[0].actor_account_id, rows[0].target_account_id, rows[0].target_batch_id]).to.deep.equal([null, null, null]);
    expect([Number(rows[0].district_id), Number(rows[0].school_site_id)]).to.deep.equal([7, 8]);
    expect(String(rows[0].detail)).to.have.length(500);
  });
});
