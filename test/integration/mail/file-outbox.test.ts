import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApplication, type Application } from '../../../src/processes/composition-root';
import { loadConfig } from '../../../src/processes/config';
import { OutboxMessageRecord } from '../../../src/infrastructure/persistence/records/records';

describe('MAIL_TRANSPORT=file: .eml files in one folder', () => {
  let folder: string;
  const applications: Application[] = [];

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'shared-outbox-'));
  });
  afterEach(async () => {
    for (const application of applications.splice(0)) await application.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const queue = async (application: Application, subjects: string[]): Promise<void> => {
    const repository = application.dataSource.getRepository(OutboxMessageRecord);
    for (const subject of subjects) {
      await repository.insert({
        recipient: 'same.person@example.org',
        template: null,
        subject,
        body: subject,
        status: 'PENDING',
        attempts: 0,
        createdAt: 0,
        nextAttemptAt: 0,
      });
    }
  };

  it('when two databases, whose outbox ids both start at 1, write to one folder, then every email keeps a file of its own', async () => {
    for (const _database of [1, 2]) {
      applications.push(await buildApplication({ ...loadConfig({}), databaseUrl: 'sqlite::memory:', mailOutboxDir: folder }, { log: () => undefined }));
    }
    const [first, second] = applications;
    await queue(first, ['first database, email 1', 'first database, email 2']);
    await queue(second, ['second database, email 1', 'second database, email 2']);
    expect(await first.outbox.dispatchDue()).to.equal(2);
    expect(await second.outbox.dispatchDue()).to.equal(2);

    const subjects = readdirSync(folder).map((file) => /^Subject: (.*)$/m.exec(readFileSync(join(folder, file), 'utf8'))?.[1]);
    expect(subjects.sort()).to.deep.equal(['first database, email 1', 'first database, email 2', 'second database, email 1', 'second database, email 2']);
  });
});
