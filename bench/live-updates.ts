import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signInAsSiteAdmin, uploadFile } from './client';
import { cpuSecondsOf, freshDatabase, REPO_ROOT, startServer, type Db } from './server';
import { openSql } from './sql';

const USAGE = `npm run bench:live -- [--db mariadb|sqlite] [--subscribers 1000] [--idle-seconds 10] [--rows 3000]
One API process (with its upload worker) and N idle uploadBatchChanged subscribers of one site: the server's CPU
while they idle, then how long after each chunk of an upload commits the last subscriber has its progress.`;

interface Options {
  db: Db;
  subscribers: number;
  idleSeconds: number;
  rows: number;
}

const parseOptions = (argv: string[]): Options => {
  const options: Options = { db: 'mariadb', subscribers: 1000, idleSeconds: 10, rows: 3000 };
  for (let at = 0; at < argv.length; at += 2) {
    const [flag, value] = [argv[at], argv[at + 1]];
    if (flag === '--db' && (value === 'mariadb' || value === 'sqlite')) options.db = value;
    else if (flag === '--subscribers' && Number(value) > 0) options.subscribers = Number(value);
    else if (flag === '--idle-seconds' && Number(value) > 0) options.idleSeconds = Number(value);
    else if (flag === '--rows' && Number(value) > 0) options.rows = Number(value);
    else throw new Error(USAGE);
  }
  return options;
};

const SUBSCRIPTION = 'subscription($site: ID) { uploadBatchChanged(schoolSiteId: $site) { id status recordsProcessed } }';

/** One subscriber: every recordsProcessed it was told of, with when it heard. */
const subscribe = async (url: string, token: string, siteId: string, heard: Map<number, number>[], signal: AbortSignal): Promise<void> => {
  const response = await fetch(`${url}/graphql/stream`, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: SUBSCRIPTION, variables: { site: siteId } }),
    signal,
  });
  if (response.status !== 200) throw new Error(`Subscription refused: ${response.status} ${await response.text()}`);
  const mine = new Map<number, number>();
  heard.push(mine);
  void (async () => {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(piece, { stream: true });
        const blocks = pending.split('\n\n');
        pending = blocks.pop()!;
        for (const block of blocks) {
          const data = block.split('\ndata: ')[1];
          const processed =
            data && (JSON.parse(data) as { data?: { uploadBatchChanged: { recordsProcessed: number } } }).data?.uploadBatchChanged.recordsProcessed;
          if (typeof processed === 'number' && !mine.has(processed)) mine.set(processed, Date.now());
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
};

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = join(REPO_ROOT, 'bench', '.data', 'live');
  mkdirSync(dataDir, { recursive: true });
  const databaseUrl = await freshDatabase(options.db, dataDir);
  const server = await startServer(databaseUrl, dataDir, `live-${options.db}`);
  const abort = new AbortController();
  const sql = await openSql(databaseUrl);
  try {
    const session = await signInAsSiteAdmin(server.url);
    const heard: Map<number, number>[] = [];
    for (let opened = 0; opened < options.subscribers; opened += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, options.subscribers - opened) }, () => subscribe(server.url, session.token, session.siteId, heard, abort.signal)),
      );
    }
    await new Promise((settle) => setTimeout(settle, 3000));
    const cpuBefore = cpuSecondsOf(server.pid);
    await new Promise((idle) => setTimeout(idle, options.idleSeconds * 1000));
    const idleCorePercent = ((cpuSecondsOf(server.pid) - cpuBefore) / options.idleSeconds) * 100;

    const file = join(dataDir, 'live.csv');
    const rows = Array.from({ length: options.rows }, (_, n) => `Live,Subscriber${n},live.${n}.${Date.now()}@bench.example.org,Educator`);
    writeFileSync(file, `First Name,Last Name,Email,User Role\r\n${rows.join('\r\n')}\r\n`);
    const answer = await uploadFile(server.url, session, file, statSync(file).size);
    if (!answer.batch) throw new Error(`Upload refused: ${JSON.stringify(answer.userErrors)}`);
    // When each chunk's progress became visible in the database, as seen from here every 20 ms.
    const committedAt = new Map<number, number>();
    for (const giveUpAt = Date.now() + 120_000; Date.now() < giveUpAt;) {
      const [row] = await sql.query('SELECT records_processed, status FROM upload_batch ORDER BY id DESC LIMIT 1');
      const processed = Number(row.records_processed);
      if (!committedAt.has(processed)) committedAt.set(processed, Date.now());
      if (row.status === 'COMPLETED') break;
      await new Promise((next) => setTimeout(next, 20));
    }
    await new Promise((settle) => setTimeout(settle, 3000));
    const lines = [
      `${options.subscribers} subscribers on ${options.db}; server CPU while idle: ${idleCorePercent.toFixed(2)}% of a core over ${options.idleSeconds} s`,
    ];
    for (const [processed, at] of [...committedAt].filter(([processed]) => processed > 0)) {
      const delays = heard.map((mine) => (mine.has(processed) ? mine.get(processed)! - at : Infinity)).sort((a, b) => a - b);
      const reached = delays.filter(Number.isFinite).length;
      // Subscribers get a batch's latest state: a count overtaken by the next chunk before the server's next look is never sent.
      if (reached === 0) lines.push(`recordsProcessed ${processed}: overtaken by the next chunk before the server looked (only the latest state is sent)`);
      else
        lines.push(
          `recordsProcessed ${processed}: reached ${reached}/${options.subscribers}; after the commit: median ${delays[delays.length >> 1]} ms, last ${delays.at(-1)} ms`,
        );
    }
    console.log(lines.join('\n'));
  } finally {
    abort.abort();
    await sql.close();
    await server.stop(10_000);
  }
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
