import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_LIFECYCLE } from '../../../../src/domain/upload-batch/upload-batch';
import { becomesSql, mayHappenSql, visibleSql } from '../../../../src/infrastructure/persistence/batch-status-sql';

const PERSISTENCE = join(__dirname, '..', '..', '..', '..', '..', 'src', 'infrastructure', 'persistence');
const STATUS_LITERAL = /'(RECEIVING|QUEUED|PROCESSING|COMPLETED|REJECTED|FAILED|CANCELLED|UNDONE)'/;

describe('The batch lifecycle as SQL', () => {
  it('when a verb is written as SQL, then its guard lists the statuses it may happen from and its assignment the status it leads to', () => {
    expect(mayHappenSql('claim', 'b.status')).to.equal("b.status IN ('QUEUED', 'PROCESSING')");
    expect(mayHappenSql('complete')).to.equal("status = 'PROCESSING'");
    expect(mayHappenSql('queue')).to.equal("status = 'RECEIVING'");
    expect(becomesSql('fail')).to.equal("status = 'FAILED'");
    expect(visibleSql()).to.equal("status <> 'RECEIVING'");
    for (const verb of Object.keys(BATCH_LIFECYCLE) as (keyof typeof BATCH_LIFECYCLE)[]) {
      expect(becomesSql(verb)).to.equal(`status = '${BATCH_LIFECYCLE[verb].to}'`);
    }
  });

  it('when the persistence code names a batch status, then it does so only through the lifecycle: no status is spelled out in its SQL', () => {
    const spelledOut = readdirSync(PERSISTENCE)
      .filter((file) => file.endsWith('.ts') && file !== 'batch-status-sql.ts')
      .flatMap((file) =>
        readFileSync(join(PERSISTENCE, file), 'utf8')
          .split('\n')
          .flatMap((line, index) => (STATUS_LITERAL.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
      );

    expect(spelledOut).to.deep.equal([]);
  });
});
