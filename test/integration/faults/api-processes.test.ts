import { expect } from 'chai';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { manyEducatorsCsv } from '../../support/csv-fixtures';
import { DEMO_SITE_ADMIN_EMAIL, describeAgainstMariaDb, openFaultEnvironment, siteIdsByName, type Api, type FaultEnvironment } from './fault-kit';

const CHUNK_ROWS = 200;
const ascending = (a: number, b: number): number => a - b;
const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { email status } userErrors { code } } }';

/** Processes whose parent is `pid`, from /proc/<pid>/stat (whose fourth field is the parent's pid). */
const childrenOf = (pid: number): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(entry)] : [];
      } catch {
        return []; // ended meanwhile
      }
    })
    .sort(ascending);

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** How many established TCP connections to local `port` the process holds open: the connections it was handed and answers on. */
const connectionsHeldBy = (pid: number, port: number): number => {
  const established = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local address, remote address, state ("01": established), …, inode
      if (fields.length > 9 && parseInt(fields[1].split(':')[1], 16) === port && fields[3] === '01') established.add(fields[9]);
    }
  }
  let held = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode && established.has(inode)) held += 1;
    } catch {
      // closed meanwhile
    }
  }
  return held;
};

interface ListenLine {
  pid: number;
  withUploadWorker: boolean;
}

/** What each API process printed once it listened, in order. */
const listenLines = (api: Api): ListenLine[] =>
  [...api.output.join('').matchAll(/^API process (\d+) listening( \(with the upload worker\))?$/gm)].map((match) => ({
    pid: Number(match[1]),
    withUploadWorker: Boolean(match[2]),
  }));

describeAgainstMariaDb('The API as two processes under a cluster primary (API_PROCESSES=2)', () => {
  let environment: FaultEnvironment;
  let api: Api;
  let token: string;
  let siteId: string;
  let port: number;
  let uploadFolders: string;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('api_processes');
    api = await environment.startApi({ API_PROCESSES: '2', WORKER: 'on', UPLOAD_CHUNK_ROWS: String(CHUNK_ROWS) });
    token = await api.signIn(DEMO_SITE_ADMIN_EMAIL);
    siteId = (await siteIdsByName(api, token))['Demo Partner High'];
    port = Number(new URL(api.url).port);
    uploadFolders = environment.uploadFolders;
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  const uploadAndComplete = async (rows: number, domain: string) => {
    const uploaded = await api.upload(token, { schoolSiteId: siteId, content: manyEducatorsCsv(rows, domain), fileName: `${domain}.csv` });
    expect(uploaded.data?.uploadEducatorAccounts.userErrors, uploaded.text).to.deep.equal([]);
    const batchId = environment.publicIds.decode('batch', uploaded.data.uploadEducatorAccounts.batch.id)!;
    return environment.completed(batchId, `the upload of ${domain}`, 60_000);
  };

  it('when the primary says GraphQL is ready, then two API processes listen, each with an upload folder of its own, only one runs the upload worker, and concurrent connections are answered by both', async function () {
    this.timeout(60_000);
    const children = childrenOf(api.child.pid!);
    expect(children).to.have.length(2);
    expect(api.output.join('').match(/GraphQL ready/g)).to.have.length(1);
    // Each API process prints its line itself, so it may reach the output just after the primary's.
    const listened = await environment.waitFor(
      'both API processes to say that they listen',
      async () => (listenLines(api).length >= 2 ? listenLines(api) : undefined),
      30_000,
      25,
    );
    expect(listened.map((line) => line.pid).sort(ascending)).to.deep.equal(children);
    expect(listened.filter((line) => line.withUploadWorker)).to.have.length(1);
    expect(readdirSync(uploadFolders).map(Number).sort(ascending)).to.deep.equal(children);

    // Node's fetch keeps its connections open after the answer: the connections stay with the process that answered on them.
    const held = await environment.waitFor(
      'connections answered by both API processes',
      async () => {
        const answers = await Promise.all(Array.from({ length: 8 }, () => api.graphql('{ schoolSites { name } }', {}, token)));
        for (const answer of answers) expect(answer.data?.schoolSites, answer.text).to.have.length(1);
        const counts = children.map((pid) => connectionsHeldBy(pid, port));
        return counts.every((count) => count > 0) ? counts : undefined;
      },
      30_000,
      100,
    );
    expect(held).to.have.length(2);
  });

  it('when an account is created and a small file is uploaded, then both are done end to end', async function () {
    this.timeout(90_000);
    const created = await api.graphql(
      CREATE,
      {
        input: {
          firstName: 'Ana',
          lastName: 'García',
          email: 'ana@cluster.example.org',
          roleCode: 'EDUCATOR',
          schoolSiteIds: [siteId],
          agreementAccepted: true,
        },
      },
      token,
    );
    expect(created.data?.createEducatorAccount, created.text).to.deep.equal({
      account: { email: 'ana@cluster.example.org', status: 'PENDING_REGISTRATION' },
      userErrors: [],
    });

    const done = await uploadAndComplete(50, 'small.cluster.example.org');

    expect(done).to.deep.include({ totalRows: 50, processed: 50, created: 50, skipped: 0, failed: 0 });
    expect(await environment.count("educator_account WHERE email_normalized LIKE '%@small.cluster.example.org'")).to.equal(50);
    expect(await environment.count("educator_account WHERE email_normalized = 'ana@cluster.example.org'")).to.equal(1);
  });

  it('when the API process running the upload worker is killed, then the primary replaces it, the replacement runs the upload worker and removes the dead one’s upload folder, and requests and uploads still succeed', async function () {
    this.timeout(90_000);
    const before = childrenOf(api.child.pid!);
    const victim = listenLines(api).find((line) => line.withUploadWorker)!.pid;
    const survivor = before.find((pid) => pid !== victim)!;
    process.kill(victim, 'SIGKILL');

    const replacement = await environment.waitFor(
      'a replacement API process to listen',
      async () => listenLines(api).find((line) => !before.includes(line.pid)),
      30_000,
      50,
    );
    expect(replacement.withUploadWorker).to.equal(true);
    expect(listenLines(api).filter((line) => line.withUploadWorker && line.pid !== victim)).to.deep.equal([replacement]);
    expect(childrenOf(api.child.pid!)).to.deep.equal([survivor, replacement.pid].sort(ascending));
    const ended = api.output
      .join('')
      .split('\n')
      .find((line) => line.includes('An API process ended unexpectedly'));
    expect(JSON.parse(ended!)).to.deep.include({ apiProcessPid: victim, code: null, signal: 'SIGKILL', backgroundWork: true, level: 'warn' });
    expect(readdirSync(uploadFolders).map(Number).sort(ascending)).to.deep.equal([survivor, replacement.pid].sort(ascending));

    for (let attempt = 0; attempt < 8; attempt += 1) {
      const answer = await api.graphql('{ schoolSites { name } }', {}, token);
      expect(answer.data?.schoolSites, answer.text).to.have.length(1);
    }
    expect(await uploadAndComplete(30, 'after-kill.cluster.example.org')).to.deep.include({ processed: 30, created: 30 });
  });

  it('when the primary gets SIGTERM while a file is being processed, then the API process working on it stops after a whole chunk and hands the batch back, every API process ends, and the primary exits 0', async function () {
    this.timeout(90_000);
    const rows = 30_000;
    const children = childrenOf(api.child.pid!);
    const uploaded = await api.upload(token, { schoolSiteId: siteId, content: manyEducatorsCsv(rows, 'stop.cluster.example.org'), fileName: 'stop.csv' });
    const batchId = environment.publicIds.decode('batch', uploaded.data.uploadEducatorAccounts.batch.id)!;
    const leaseOwner = await environment.waitFor(
      'the first chunks to commit',
      async () => {
        const [row] = await environment.rows<{ records_processed: number; lease_owner: string }>(
          'SELECT records_processed, lease_owner FROM upload_batch WHERE id = ?',
          [batchId],
        );
        return Number(row.records_processed) >= 2 * CHUNK_ROWS ? row.lease_owner : undefined;
      },
      60_000,
    );
    // The worker names itself host:pid:random.
    expect(Number(leaseOwner.split(':')[1])).to.equal(
      listenLines(api)
        .filter((line) => line.withUploadWorker)
        .at(-1)!.pid,
    );

    expect(await api.stop('SIGTERM'), api.output.join('')).to.equal(0);

    expect(children.filter(isRunning)).to.deep.equal([]);
    const handedBack = await environment.batch(batchId);
    expect(handedBack.processed).to.be.lessThan(rows);
    expect(handedBack.processed % CHUNK_ROWS).to.equal(0);
    expect(handedBack.created).to.equal(handedBack.processed);
    const [lease] = await environment.rows<{ lease_expires_at: number }>('SELECT lease_expires_at FROM upload_batch WHERE id = ?', [batchId]);
    expect(Number(lease.lease_expires_at), 'the lease handed back at once').to.equal(0);
    expect(api.output.join('')).to.not.include('did not stop cleanly');
  });
});
