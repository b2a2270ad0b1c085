import { expect } from 'chai';
import fc from 'fast-check';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { PARTNER_HIGH, countRows, readBatch, siteIdsByName, uploadFile } from '../uploads/upload-kit';

type LineEnd = '\r\n' | '\n' | '\r';
type FailureCode =
  'WRONG_COLUMN_COUNT' | 'MISSING_FIELD' | 'INVALID_NAME' | 'INVALID_EMAIL' | 'UNKNOWN_ROLE' | 'ROLE_NOT_ALLOWED_IN_BULK' | 'DUPLICATE_IN_FILE' | 'EMAIL_TAKEN';
type Outcome = 'created' | 'skipped' | FailureCode;

/**
 * What a generated row is meant to be. Each broken row breaks exactly one rule, so its failure code is known;
 * rows that reach the database (valid, duplicate, existing, taken) are settled by their email, as the worker does.
 */
const ROW_KINDS = [
  'valid',
  'valid',
  'valid',
  'wrongCount',
  'missing',
  'controlName',
  'longName',
  'badEmail',
  'unknownRole',
  'bulkOnlyRole',
  'duplicate',
  'existing',
  'taken',
] as const;
type RowKind = (typeof ROW_KINDS)[number];
const BROKEN: Partial<Record<RowKind, FailureCode>> = {
  wrongCount: 'WRONG_COLUMN_COUNT',
  missing: 'MISSING_FIELD',
  controlName: 'INVALID_NAME',
  longName: 'INVALID_NAME',
  badEmail: 'INVALID_EMAIL',
  unknownRole: 'UNKNOWN_ROLE',
  bulkOnlyRole: 'ROLE_NOT_ALLOWED_IN_BULK',
};

interface RowPlan {
  kind: RowKind;
  firstName: string;
  lastName: string;
  /** Picks among the variants of the row's kind (which field is missing, which bad email, how many cells…). */
  variant: number;
  emailCase: 'lower' | 'upper' | 'mixed';
  padded: boolean;
  quote: boolean[];
  end: LineEnd;
  blankAfter: { text: string; end: LineEnd } | null;
}
interface FilePlan {
  delimiter: ',' | ';' | '\t';
  encoding: 'utf-8' | 'utf-16le';
  bom: boolean;
  headerEnd: LineEnd;
  rows: RowPlan[];
  finalLineEnd: boolean;
  dryRun: boolean;
}

// Names: letters with accents written both ways, a lone combining mark, emoji, CJK extension B, and the commas and
// quotation marks that force quoting. Always starting with a letter, so a name is never blank.
const NAME_PIECES = ['a', 'K', 'é', 'e\u0301', '\u0301', 'ß', 'Ø', '中', '😀', '\u{20000}', '\u{2A6D6}', ' ', '-', "'", ',', '"', 'ñ'];
const CONTROL_CHARACTERS = ['\u0007', '\t', '\n', '\r\n', '\r', '\u0085', '\u2028', '\u007f', '\u001b'];
const BAD_EMAILS = ['not-an-email', 'a@b', 'two@@example.org', 'sp ace@example.org', 'dots..here@example.org', 'trailing@example.'];
const ROLES = [
  'Educator',
  ' educator ',
  'EDUCATOR',
  'Counselor—Caseload Only',
  'counselor - caseload only',
  'Counselor – Caseload Only',
  'Counselor',
  'site admin',
  'Site  Admin',
  'SITE_ADMIN',
];
const UNKNOWN_ROLES = ['Principal', 'Teacher', 'Edu cator', '😀'];
const BULK_ONLY_ROLES = ['District Admin', 'Multi-Site Counselor', 'district-admin'];
const BLANK_LINES = ['', ',,,', ' , , , ', '   '];
const HEADER = 'First Name,Last Name,Email,User Role';

const lineEnd = fc.constantFrom<LineEnd>('\r\n', '\n', '\r');
const name = fc
  .tuple(fc.constantFrom('A', 'Zoë', '𠀀', 'Ł'), fc.string({ unit: fc.constantFrom(...NAME_PIECES), maxLength: 10 }))
  .map(([first, rest]) => first + rest);
const rowPlan: fc.Arbitrary<RowPlan> = fc.record({
  kind: fc.constantFrom(...ROW_KINDS),
  firstName: name,
  lastName: name,
  variant: fc.nat(1000),
  emailCase: fc.constantFrom('lower' as const, 'upper' as const, 'mixed' as const),
  padded: fc.boolean(),
  quote: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
  end: lineEnd,
  blankAfter: fc.option(fc.record({ text: fc.constantFrom(...BLANK_LINES), end: lineEnd }), { freq: 4 }),
});
const filePlan: fc.Arbitrary<FilePlan> = fc.record({
  delimiter: fc.oneof({ weight: 4, arbitrary: fc.constant(',' as const) }, fc.constantFrom(';' as const, '\t' as const)),
  encoding: fc.oneof({ weight: 4, arbitrary: fc.constant('utf-8' as const) }, fc.constant('utf-16le' as const)),
  bom: fc.boolean(),
  headerEnd: lineEnd,
  rows: fc.array(rowPlan, { minLength: 1, maxLength: 12 }),
  finalLineEnd: fc.boolean(),
  dryRun: fc.integer({ min: 0, max: 4 }).map((draw) => draw === 0),
});

const writeCell = (value: string, quote: boolean, delimiter: string): string =>
  quote || value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
/** Physical line of `offset`: CRLF, LF and a lone CR each end one line. */
const lineAt = (text: string, offset: number): number => 1 + (text.slice(0, offset).match(/\r\n|\r|\n/g)?.length ?? 0);
const withCase = (email: string, emailCase: RowPlan['emailCase']): string =>
  emailCase === 'upper'
    ? email.toUpperCase()
    : emailCase === 'lower'
      ? email
      : [...email].map((char, index) => (index % 2 ? char.toUpperCase() : char)).join('');

/** Emails across the whole suite: which accounts exist for Partner High (skipped on re-upload) and which exist elsewhere. */
interface Directory {
  atSite: string[];
  elsewhere: string[];
  next: number;
}

interface RenderedFile {
  bytes: Buffer;
  expected: { lineNumber: number; outcome: Outcome; email: string }[];
}

/** Writes the file and predicts, row by row, what the worker must do with it. */
const render = (plan: FilePlan, directory: Directory): RenderedFile => {
  const seen = new Set<string>();
  const usedInFile: string[] = [];
  const fresh = () => `fz${directory.next++}@fuzz.example.org`;
  let text = '';
  const lines: { offset: number; cells: string[]; plan: RowPlan; email: string }[] = [];
  text += HEADER.replaceAll(',', plan.delimiter) + plan.headerEnd;

  plan.rows.forEach((row, index) => {
    let email = fresh();
    if (row.kind === 'duplicate' && usedInFile.length > 0) email = usedInFile[row.variant % usedInFile.length];
    const unusedAtSite = directory.atSite.filter((known) => !usedInFile.includes(known));
    if (row.kind === 'existing' && unusedAtSite.length > 0) email = unusedAtSite[row.variant % unusedAtSite.length];
    if (row.kind === 'taken') email = directory.elsewhere[row.variant % directory.elsewhere.length];
    let cells = [row.firstName, row.lastName, withCase(email, row.emailCase), ROLES[row.variant % ROLES.length]];
    switch (row.kind) {
      case 'wrongCount':
        cells = row.variant % 2 ? cells.slice(0, 3) : [...cells, 'extra', ...(row.variant % 3 ? [''] : [])];
        break;
      case 'missing':
        cells[row.variant % 4] = row.variant % 3 ? '' : '   ';
        break;
      case 'controlName': {
        const control = CONTROL_CHARACTERS[row.variant % CONTROL_CHARACTERS.length];
        cells[row.variant % 2] = `Ana${control}Maria`;
        break;
      }
      case 'longName':
        cells[row.variant % 2] = '😀'.repeat(101 + (row.variant % 20));
        break;
      case 'badEmail':
        cells[2] = BAD_EMAILS[row.variant % BAD_EMAILS.length];
        break;
      case 'unknownRole':
        cells[3] = UNKNOWN_ROLES[row.variant % UNKNOWN_ROLES.length];
        break;
      case 'bulkOnlyRole':
        cells[3] = BULK_ONLY_ROLES[row.variant % BULK_ONLY_ROLES.length];
        break;
    }
    if (row.padded) cells = cells.map((cell) => (cell.trim() === '' ? cell : ` ${cell}  `));
    lines.push({ offset: text.length, cells, plan: row, email });
    const last = index === plan.rows.length - 1;
    text += cells.map((cell, at) => writeCell(cell, row.quote[at], plan.delimiter)).join(plan.delimiter);
    const blank = row.blankAfter?.text.replaceAll(',', plan.delimiter);
    if (row.blankAfter) text += row.end + blank + (last && !plan.finalLineEnd ? '' : row.blankAfter.end);
    else if (!last || plan.finalLineEnd) text += row.end;
    if (!BROKEN[row.kind]) {
      usedInFile.push(email);
    }
  });

  const expected = lines.map(({ offset, plan: row, email }) => {
    const broken = BROKEN[row.kind];
    let outcome: Outcome;
    if (broken) outcome = broken;
    else if (seen.has(email)) outcome = 'DUPLICATE_IN_FILE';
    else if (directory.atSite.includes(email)) outcome = 'skipped';
    else if (directory.elsewhere.includes(email)) outcome = 'EMAIL_TAKEN';
    else outcome = 'created';
    if (!broken) seen.add(email);
    return { lineNumber: lineAt(text, offset), outcome, email };
  });
  // Excel's "Unicode Text" always starts with its byte-order mark; UTF-8 may or may not.
  if (plan.encoding === 'utf-16le') return { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), expected };
  const bom = plan.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0);
  return { bytes: Buffer.concat([bom, Buffer.from(text, 'utf8')]), expected };
};

const count = (expected: RenderedFile['expected'], outcome: Outcome | ((outcome: Outcome) => boolean)): number =>
  expected.filter((row) => (typeof outcome === 'function' ? outcome(row.outcome) : row.outcome === outcome)).length;

const LEAKS = [
  /stack/i,
  /QueryFailedError/,
  /SQLITE/i,
  /\bER_[A-Z_]+/,
  /at \//,
  /node_modules/,
  /\.(?:ts|js):\d+/,
  /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\b/,
];
const expectNoLeak = (text: string): void => {
  for (const marker of LEAKS) expect(marker.test(text), `leaks ${marker}: ${text.slice(0, 300)}`).to.equal(false);
};

describeOnEachDatabase('Fuzzing uploads through real HTTP', (database) => {
  let server: TestServer;
  let siteId: string;
  let token: string;
  let directory: Directory;

  before(async () => {
    server = await startTestServer(database);
    siteId = (await siteIdsByName(server))[PARTNER_HIGH];
    token = await server.signIn(server.demo.siteAdminEmail);
    // The demo Site Admin belongs to this site (a re-upload skips it); the District Admin has no site (EMAIL_TAKEN).
    directory = { atSite: [server.demo.siteAdminEmail.toLowerCase()], elsewhere: [server.demo.districtAdminEmail.toLowerCase()], next: 1 };
  });
  after(async () => {
    await server?.close();
  });

  /** The server is still there and answering: the property's "never crashes". */
  const expectServerAlive = async (): Promise<void> => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).to.equal(200);
    const roles = await server.graphql('{ roles { code } }', {}, token);
    expect(roles.errors, roles.text).to.equal(undefined);
    expect(roles.data.roles).to.have.length(6);
  };

  it('when generated files with random quoting, line ends, delimiters, BOM or UTF-16, Unicode, blank lines and broken rows are uploaded and processed, then every batch completes with every row counted once and every failure on the line where its row starts', async function () {
    this.timeout(300_000);
    await fc.assert(
      fc.asyncProperty(filePlan, async (plan) => {
        const file = render(plan, directory);
        const accountsBefore = await countRows(server, 'educator_account');

        const answered = await uploadFile(server, token, { schoolSiteId: siteId, content: file.bytes, fileName: 'fuzz.csv', dryRun: plan.dryRun });
        expect(answered.status, answered.rejectionReason ?? '').to.equal('QUEUED');
        await server.processUploads();
        const batch = await readBatch(server, token, answered.id);

        const rows = file.expected.length;
        const failed = count(file.expected, (outcome) => outcome !== 'created' && outcome !== 'skipped');
        expect(batch).to.deep.include({
          status: 'COMPLETED',
          totalRows: rows,
          recordsProcessed: rows,
          recordsCreated: count(file.expected, 'created'),
          recordsSkipped: count(file.expected, 'skipped'),
          recordsFailed: failed,
        });
        expect(batch.recordsCreated + batch.recordsSkipped + batch.recordsFailed).to.equal(rows);
        expect(batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal(
          file.expected.filter((row) => row.outcome !== 'created' && row.outcome !== 'skipped').map((row) => [row.lineNumber, row.outcome]),
        );
        const created = plan.dryRun ? [] : file.expected.filter((row) => row.outcome === 'created').map((row) => row.email);
        expect(await countRows(server, 'educator_account')).to.equal(accountsBefore + created.length);
        directory.atSite.push(...created);
        await expectServerAlive();
      }),
      { numRuns: 20 },
    );
  });

  it('when random bytes follow the header (or replace the whole file), then each upload is either rejected with a clean reason or completes with every row counted once, and the server keeps answering', async function () {
    this.timeout(300_000);
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((random) => Buffer.concat([Buffer.from(`${HEADER}\r\n`), random])),
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((random) => Buffer.from(random)),
    );
    await fc.assert(
      fc.asyncProperty(content, async (bytes) => {
        const physicalLines = lineAt(bytes.toString('latin1'), bytes.length);

        const response = await server.upload(token, { schoolSiteId: siteId, content: bytes, fileName: 'random.csv', select: 'id status rejectionReason' });
        expectNoLeak(response.text);
        expect(response.errors, response.text).to.equal(undefined);
        const answered = response.data.uploadEducatorAccounts.batch;
        expect(answered.status).to.be.oneOf(['QUEUED', 'REJECTED']);
        await server.processUploads();
        const batch = await readBatch(server, token, answered.id);

        if (answered.status === 'REJECTED') {
          expect(batch).to.deep.include({ status: 'REJECTED', recordsProcessed: 0, recordsCreated: 0, recordsSkipped: 0, recordsFailed: 0 });
          expect(batch.rejectionReason).to.be.a('string').and.not.equal('');
        } else {
          expect(batch.status).to.equal('COMPLETED');
          expect(batch.recordsProcessed).to.equal(batch.totalRows);
          expect(batch.recordsCreated + batch.recordsSkipped + batch.recordsFailed).to.equal(batch.totalRows);
          for (const failure of batch.failures.nodes) expect(failure.lineNumber).to.be.within(2, physicalLines);
        }
        await expectServerAlive();
      }),
      { numRuns: 12 },
    );
  });
});
