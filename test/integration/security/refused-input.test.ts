import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { csvFile, educatorRows, anEducatorRow, TEMPLATE_HEADER } from '../../support/csv-fixtures';
import { UPLOAD_MUTATION, startTestServer, type TestServer } from '../../support/test-server';
import { PARTNER_HIGH, countRows, download, readBatch, siteIdsByName, uploadAndProcess, uploadFile } from '../uploads/upload-kit';

const SAVE_AS_CSV = 'In Excel choose File > Save As > CSV UTF-8 (Comma delimited) and upload that file.';
const notUtf8 = (line: number): string => `Line ${line} contains characters that cannot be read, because the file was not saved as UTF-8 text. ${SAVE_AS_CSV}`;
const BINARY = `This file contains binary data, so it is not a CSV file. ${SAVE_AS_CSV}`;
const ONE_FILE = 'Send exactly one file per request, in the multipart part that "map" names for input.file.';
const HEADER_LINE = `${TEMPLATE_HEADER.join(',')}\r\n`;

// Anything that would tell an attacker about our code, driver or schema.
const LEAK_MARKERS: RegExp[] = [
  /stack/i,
  /QueryFailedError/,
  /SQLITE/i,
  /\bER_[A-Z_]+/,
  /at \//,
  /node_modules/,
  /\.(?:ts|js):\d+/,
  /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\b/,
  /TypeError|ReferenceError/,
  /capacitor|busboy|object-path/i,
];
const expectNoLeak = (label: string, text: string): void => {
  for (const marker of LEAK_MARKERS) expect(marker.test(text), `${label} leaks ${marker}: ${text.slice(0, 400)}`).to.equal(false);
  expect(text.includes(process.cwd()), `${label} leaks the install path`).to.equal(false);
};

interface RawResponse {
  status: number;
  text: string;
  body: any;
}
type Part = { name: string; value: string } | { name: string; file: string | Buffer; fileName: string };

const codesOf = (response: RawResponse): string[] =>
  (response.body?.errors ?? []).map((error: { extensions?: { code?: string } }) => String(error.extensions?.code));

describeOnEachDatabase('Input that must be refused cleanly', (database) => {
  let server: TestServer;
  let siteId: string;
  let token: string;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    siteId = (await siteIdsByName(server))[PARTNER_HIGH];
    token = await server.signIn(server.demo.siteAdminEmail);
  });
  after(async () => {
    await server?.close();
  });

  /** A multipart request part by part, as a hand-written (or hostile) client sends it. */
  const sendMultipart = async (parts: Part[]): Promise<RawResponse> => {
    const form = new FormData();
    for (const part of parts) {
      if ('file' in part) form.append(part.name, new Blob([part.file]), part.fileName);
      else form.append(part.name, part.value);
    }
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
      body: form,
    });
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, text, body };
  };
  const operations = (variables: Record<string, unknown> = {}): string =>
    JSON.stringify({
      query: UPLOAD_MUTATION('id status fileName'),
      variables: { input: { schoolSiteId: siteId, file: null, agreementAccepted: true }, ...variables },
    });

  const storedCounts = async () => ({
    batches: await countRows(server, 'upload_batch'),
    chunks: await countRows(server, 'upload_file_chunk'),
    accounts: await countRows(server, 'educator_account'),
    agreements: await countRows(server, 'agreement_acceptance'),
  });
  const NOTHING_STORED = { batches: 0, chunks: 0, accounts: 2, agreements: 0 };

  /** The whole file is refused with this reason, at once and in the log, and nothing but the refusal is kept. */
  const expectRejected = async (content: string | Buffer, reason: string): Promise<void> => {
    const answered = await uploadFile(server, token, { schoolSiteId: siteId, content, fileName: 'refused.csv' });
    expect(answered).to.deep.include({ status: 'REJECTED', rejectionReason: reason });
    expect(await server.processUploads()).to.equal(0);
    const batch = await readBatch(server, token, answered.id);
    expect(batch).to.deep.include({ status: 'REJECTED', rejectionReason: reason, recordsProcessed: 0, recordsCreated: 0, recordsSkipped: 0, recordsFailed: 0 });
    expect(await countRows(server, 'educator_account')).to.equal(2);
    expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
  };

  describe('oversized fields', () => {
    it('when a cell is 70 KB long, then the file is rejected as too large a row naming its line, and nothing is created', async () => {
      const content = csvFile([anEducatorRow(1), anEducatorRow(2, { lastName: 'L'.repeat(70 * 1024) }), anEducatorRow(3)]);

      await expectRejected(
        content,
        'The row on line 3 is longer than 65,536 bytes, far more than one educator needs. Remove the extra text from line 3 and upload the file again.',
      );
    });

    it('when a quoted 70 KB cell of commas and 4-byte characters sits on the first row, then it is rejected as too large a row on line 2', async () => {
      const content = csvFile([anEducatorRow(1, { firstName: '😀,'.repeat(14 * 1024) })]);

      await expectRejected(
        content,
        'The row on line 2 is longer than 65,536 bytes, far more than one educator needs. Remove the extra text from line 2 and upload the file again.',
      );
    });

    it('when GraphQL string inputs are longer than their limits, then each answer is BAD_USER_INPUT naming the field, never echoing the value, and nothing is stored', async () => {
      const secret = `Hunter2-${'s'.repeat(1000)}`;
      const longId = `site-${'9'.repeat(100)}`;
      const json = async (query: string, variables: Record<string, unknown>, bearer?: string): Promise<RawResponse> => {
        const response = await server.graphql(query, variables, bearer);
        return { status: response.status, text: response.text, body: { errors: response.errors, data: response.data } };
      };
      const cases: { label: string; field: string; value: string; request: () => Promise<RawResponse> }[] = [
        {
          label: 'signIn password',
          field: 'password',
          value: secret,
          request: () =>
            json('mutation($input: SignInInput!) { signIn(input: $input) { token } }', { input: { username: server.demo.siteAdminEmail, password: secret } }),
        },
        {
          label: 'registerAccount code',
          field: 'registrationCode',
          value: secret,
          request: () =>
            json('mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { userErrors { code } } }', {
              input: { email: 'a@example.org', registrationCode: secret, password: 'long enough password', educationalInterestAccepted: true },
            }),
        },
        {
          label: 'createEducatorAccount firstName',
          field: 'firstName',
          value: secret,
          request: () =>
            json(
              'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } } }',
              {
                input: {
                  firstName: secret,
                  lastName: 'Lee',
                  email: 'long@example.org',
                  roleCode: 'EDUCATOR',
                  schoolSiteIds: [siteId],
                  agreementAccepted: true,
                },
              },
              token,
            ),
        },
        {
          label: 'createEducatorAccount email',
          field: 'email',
          value: `${secret}@example.org`,
          request: () =>
            json(
              'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } } }',
              {
                input: {
                  firstName: 'Ann',
                  lastName: 'Lee',
                  email: `${secret}@example.org`,
                  roleCode: 'EDUCATOR',
                  schoolSiteIds: [siteId],
                  agreementAccepted: true,
                },
              },
              token,
            ),
        },
        {
          label: 'uploadBatches schoolSiteId',
          field: 'schoolSiteId',
          value: longId,
          request: () => json('query($site: ID) { uploadBatches(schoolSiteId: $site) { totalCount } }', { site: longId }, token),
        },
        {
          label: 'uploadBatches after',
          field: 'after',
          value: longId,
          request: () => json('query($after: String) { uploadBatches(after: $after) { totalCount } }', { after: longId }, token),
        },
        {
          label: 'uploadEducatorAccounts schoolSiteId (multipart)',
          field: 'schoolSiteId',
          value: longId,
          request: () =>
            sendMultipart([
              {
                name: 'operations',
                value: JSON.stringify({ query: UPLOAD_MUTATION('id'), variables: { input: { schoolSiteId: longId, file: null, agreementAccepted: true } } }),
              },
              { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
              { name: '0', file: csvFile(educatorRows(1)), fileName: 'educators.csv' },
            ]),
        },
      ];

      for (const { label, field, value, request } of cases) {
        const response = await request();

        expectNoLeak(label, response.text);
        expect(codesOf(response), `${label}: ${response.text.slice(0, 300)}`).to.deep.equal(['BAD_USER_INPUT']);
        expect(response.text, label).to.contain(field);
        expect(response.text.includes(value), `${label} echoes the value`).to.equal(false);
        expect(response.text.includes(value.slice(0, 40)), `${label} echoes the start of the value`).to.equal(false);
      }
      expect(await storedCounts()).to.deep.equal(NOTHING_STORED);
    });
  });

  describe('control characters in names', () => {
    const CONTROLS: [string, string][] = [
      ['NUL', '\u0000'],
      ['BEL', '\u0007'],
      ['tab', '\t'],
      ['line feed', '\n'],
      ['ESC', '\u001b'],
      ['DEL', '\u007f'],
      ['NEL (C1)', '\u0085'],
      ['line separator', '\u2028'],
    ];

    it('when an account is created with a control character inside a name, then it is refused as INVALID_NAME and nothing is stored', async () => {
      for (const [label, control] of CONTROLS) {
        for (const field of ['firstName', 'lastName'] as const) {
          const input = {
            firstName: 'Ana',
            lastName: 'Lee',
            email: 'ana@partner-high.example.org',
            roleCode: 'EDUCATOR',
            schoolSiteIds: [siteId],
            agreementAccepted: true,
            [field]: `An${control}a`,
          };

          const response = await server.graphql(
            'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code field } } }',
            { input },
            token,
          );

          expect(response.errors, `${label}: ${response.text}`).to.equal(undefined);
          expect(response.data.createEducatorAccount, label).to.deep.equal({ account: null, userErrors: [{ code: 'INVALID_NAME', field: [field] }] });
        }
      }
      expect(await countRows(server, 'educator_account')).to.equal(2);
    });

    it('when uploaded rows hold control characters inside names, then each fails as INVALID_NAME on the line where it starts and the clean rows are created', async () => {
      const uploadable = CONTROLS.filter(([label]) => label !== 'NUL');
      // Row n + 1 carries control n; a line feed inside quotes makes its row span two lines, moving later rows down one.
      const rows = uploadable.map(([, control], index) => anEducatorRow(index + 1, index % 2 ? { lastName: `Le${control}e` } : { firstName: `An${control}a` }));
      const content = csvFile([...rows, anEducatorRow(99)]);

      const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content });

      const lineFeedAt = uploadable.findIndex(([label]) => label === 'line feed');
      const expectedLines = uploadable.map((_, index) => 2 + index + (index > lineFeedAt ? 1 : 0));
      expect(batch).to.deep.include({
        status: 'COMPLETED',
        totalRows: uploadable.length + 1,
        recordsCreated: 1,
        recordsSkipped: 0,
        recordsFailed: uploadable.length,
      });
      expect(batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal(expectedLines.map((line) => [line, 'INVALID_NAME']));
      expect(await countRows(server, 'educator_account')).to.equal(3);
    });
  });

  describe('bytes that are not UTF-8 text', () => {
    const withBytesOnLine3 = (bytes: number[]): Buffer =>
      Buffer.concat([
        Buffer.from(`${HEADER_LINE}Ann,Lee,ann@partner-high.example.org,Educator\r\nZo`),
        Buffer.from(bytes),
        Buffer.from(',Lee,zoe@partner-high.example.org,Educator\r\n'),
      ]);

    const INVALID_SEQUENCES: [string, number[]][] = [
      ['Windows-1252 "ë" (Excel\'s plain CSV)', [0xeb]],
      ['a lone continuation byte', [0x80]],
      ['an overlong "/"', [0xc0, 0xaf]],
      ['a UTF-8-encoded surrogate', [0xed, 0xa0, 0x80]],
      ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['0xFF', [0xff]],
      ['a 3-byte character cut short', [0xe2, 0x82]],
    ];
    for (const [label, bytes] of INVALID_SEQUENCES) {
      it(`when line 3 holds ${label}, then the file is rejected naming line 3 and telling to save as CSV UTF-8`, async () => {
        await expectRejected(withBytesOnLine3(bytes), notUtf8(3));
      });
    }

    it('when the file ends in the middle of a 4-byte character, then the file is rejected naming the last line', async () => {
      const content = Buffer.concat([Buffer.from(`${HEADER_LINE}Ann,Lee,ann@partner-high.example.org,Educator\r\nZoë,`), Buffer.from('😀').subarray(0, 2)]);

      await expectRejected(content, notUtf8(3));
    });

    it('when a row holds a NUL byte, then the file is rejected as binary data', async () => {
      await expectRejected(withBytesOnLine3([0x00]), BINARY);
    });

    it('when the header holds a NUL byte, then the file is rejected as binary data', async () => {
      await expectRejected(Buffer.from(`First Name,Last\u0000Name,Email,User Role\r\n${'Ann,Lee,ann@partner-high.example.org,Educator\r\n'}`), BINARY);
    });

    it('when Excel "Unicode Text" (UTF-16LE) holds a NUL character, then the file is rejected as binary data', async () => {
      const text = `First Name\tLast Name\tEmail\tUser Role\r\nAnn\tL\u0000ee\tann@partner-high.example.org\tEducator\r\n`;

      await expectRejected(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), BINARY);
    });
  });

  describe('file names', () => {
    const longName = `${'n'.repeat(996)}.csv`;
    const NAMES: { sent: string; shown: string }[] = [
      { sent: '../../etc/passwd.csv', shown: 'passwd.csv' },
      { sent: 'C:\\x\\y.csv', shown: 'y.csv' },
      { sent: '..\\..\\Windows\\win.ini', shown: 'win.ini' },
      { sent: '../..', shown: 'upload.csv' },
      { sent: longName, shown: 'n'.repeat(200) },
    ];
    const roots = (): string[] => [process.cwd(), resolve(process.cwd(), 'var'), resolve(process.cwd(), 'dist'), server.outboxDir, tmpdir(), '/'];
    const entriesNamedAfter = (): string[] => {
      const pattern = /passwd\.csv|^y\.csv$|x\\y|win\.ini|n{50}/;
      return [...roots(), '/etc', resolve(tmpdir(), '..')].flatMap((dir) =>
        existsSync(dir)
          ? readdirSync(dir)
              .filter((name) => pattern.test(name))
              .map((name) => join(dir, name))
          : [],
      );
    };

    for (const { sent, shown } of NAMES) {
      it(`when the file is named ${JSON.stringify(sent.length > 60 ? `${sent.slice(0, 12)}…(${sent.length} characters)` : sent)}, then it is accepted and shown as "${shown.length > 40 ? `${shown.slice(0, 8)}…(${shown.length})` : shown}" only, and no file is written under that name`, async () => {
        const before = entriesNamedAfter();
        const content = csvFile([anEducatorRow(1), anEducatorRow(2, { email: 'not-an-email' })]);

        const answered = await server.upload(token, { schoolSiteId: siteId, content, fileName: sent, select: 'id status fileName' });
        expect(answered.errors, answered.text).to.equal(undefined);
        expect(answered.data.uploadEducatorAccounts.batch).to.deep.include({ status: 'QUEUED', fileName: shown });
        await server.processUploads();
        const batch = await readBatch(server, token, answered.data.uploadEducatorAccounts.batch.id);

        expect(batch).to.deep.include({ status: 'COMPLETED', fileName: shown, recordsCreated: 1, recordsFailed: 1 });
        expect(batch.failures.nodes.map((failure) => failure.fileName)).to.deep.equal([shown]);
        const log = await server.graphql('{ uploadBatches { nodes { fileName } } }', {}, token);
        expect(log.data.uploadBatches.nodes).to.deep.equal([{ fileName: shown }]);
        const fixFile = await download(server, `/upload-batches/${batch.id}/failures.csv`, token);
        expect(fixFile.status).to.equal(200);
        expect(fixFile.headers.get('content-disposition')).to.equal(`attachment; filename="${shown.replace(/\.csv$/, '')}-failures.csv"`);
        const emails = await server.deliveredEmails();
        // Long subjects are folded over several header lines; unfolding joins them again.
        const subjects = emails.map((email) => /^Subject: (.*)$/m.exec(email.replace(/\r?\n(?=[ \t])/g, ''))?.[1]);
        expect(subjects).to.include(`Upload of ${shown} finished: 1 failed`);
        // A name ending in ".." resolves to a directory that exists anyway; its last segment is never used.
        const namesAFile = !/(^|[\\/])\.\.$/.test(sent);
        for (const root of roots()) {
          if (namesAFile) expect(existsSync(resolve(root, sent)), `${resolve(root, sent)} exists`).to.equal(false);
          expect(existsSync(resolve(root, shown)), `${resolve(root, shown)} exists`).to.equal(false);
        }
        expect(existsSync('/etc/passwd.csv')).to.equal(false);
        expect(entriesNamedAfter()).to.deep.equal(before);
      });
    }
  });

  describe('the multipart request itself', () => {
    const csv = csvFile([anEducatorRow(1)]);

    it('when the map names two files, then the request is refused with 413 before anything is read, and nothing is stored', async () => {
      const response = await sendMultipart([
        { name: 'operations', value: operations() },
        { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'], 1: ['variables.second'] }) },
        { name: '0', file: csv, fileName: 'a.csv' },
        { name: '1', file: csv, fileName: 'b.csv' },
      ]);

      expectNoLeak('two mapped files', response.text);
      expect(response.status).to.equal(413);
      expect(response.body).to.deep.equal({ error: 'The request is too large.' });
      expect(await storedCounts()).to.deep.equal(NOTHING_STORED);
    });

    it('when an extra file part comes before the mapped one, then the upload is refused as BAD_USER_INPUT and nothing is stored', async () => {
      const response = await sendMultipart([
        { name: 'operations', value: operations() },
        { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
        { name: 'extra', file: csv, fileName: 'extra.csv' },
        { name: '0', file: csv, fileName: 'a.csv' },
      ]);

      expectNoLeak('extra file first', response.text);
      expect(codesOf(response), response.text).to.deep.equal(['BAD_USER_INPUT']);
      expect(response.body.errors[0].message).to.equal(ONE_FILE);
      expect(response.body.data).to.equal(null);
      expect(await storedCounts()).to.deep.equal(NOTHING_STORED);
    });

    it('when an extra file part follows the mapped one, then only the mapped file is stored and processed and the extra one is never read', async () => {
      const response = await sendMultipart([
        { name: 'operations', value: operations() },
        { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
        { name: '0', file: csvFile([anEducatorRow(1)]), fileName: 'a.csv' },
        { name: 'extra', file: csvFile([anEducatorRow(2), anEducatorRow(3)]), fileName: 'extra.csv' },
      ]);

      expectNoLeak('extra file after', response.text);
      expect(response.body.errors, response.text).to.equal(undefined);
      expect(response.body.data.uploadEducatorAccounts.batch).to.deep.include({ status: 'QUEUED', fileName: 'a.csv' });
      await server.processUploads();
      const batch = await readBatch(server, token, response.body.data.uploadEducatorAccounts.batch.id);
      expect(batch).to.deep.include({ status: 'COMPLETED', totalRows: 1, recordsCreated: 1 });
      const emails: { email: string }[] = await server.application.dataSource.query('SELECT email FROM educator_account WHERE source_batch_id IS NOT NULL');
      expect(emails.map((row) => row.email)).to.deep.equal([anEducatorRow(1).email]);
      expect(await countRows(server, 'upload_batch')).to.equal(1);
    });

    it('when the map names a file part the request does not carry, then the upload is refused as BAD_USER_INPUT and nothing is stored', async () => {
      const response = await sendMultipart([
        { name: 'operations', value: operations() },
        { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
      ]);

      expectNoLeak('missing file', response.text);
      expect(codesOf(response), response.text).to.deep.equal(['BAD_USER_INPUT']);
      expect(response.body.errors[0].message).to.equal(ONE_FILE);
      expect(await storedCounts()).to.deep.equal(NOTHING_STORED);
    });

    it('when the file is null and the map is empty, then the upload is refused as BAD_USER_INPUT and nothing is stored', async () => {
      const response = await sendMultipart([
        { name: 'operations', value: operations() },
        { name: 'map', value: '{}' },
      ]);

      expectNoLeak('null file', response.text);
      expect(response.status).to.equal(400);
      expect(codesOf(response), response.text).to.deep.equal(['BAD_USER_INPUT']);
      expect(await storedCounts()).to.deep.equal(NOTHING_STORED);
    });

    it('when the map field is missing altogether, then the request is refused as malformed and nothing is stored', async () => {
      const response = await sendMultipart([{ name: 'operations', value: operations() }]);

      expectNoLeak('no map', response.text);
      expect(response.status).to.equal(400);
      expect(response.body).to.deep.equal({ error: 'The request is malformed.' });
      expect(await storedCounts()).to.deep.equal(NOTHING_STORED);
    });

    const PROTOTYPE_ATTACKS: {
      label: string;
      operations: () => string;
      map: string;
      fileField?: string;
      status: number;
      answer: 'malformed' | 'BAD_USER_INPUT';
    }[] = [
      { label: '"__proto__.polluted"', operations: () => operations(), map: '{"0":["__proto__.polluted"]}', status: 400, answer: 'malformed' },
      { label: '"variables.__proto__"', operations: () => operations(), map: '{"0":["variables.__proto__"]}', status: 400, answer: 'malformed' },
      {
        label: '"variables.__proto__.polluted"',
        operations: () => operations(),
        map: '{"0":["variables.__proto__.polluted"]}',
        status: 400,
        answer: 'malformed',
      },
      {
        label: '"constructor.prototype.polluted"',
        operations: () => operations(),
        map: '{"0":["constructor.prototype.polluted"]}',
        status: 400,
        answer: 'malformed',
      },
      {
        label: '"variables.__proto__" where operations declares an own "__proto__": null',
        operations: () => operations().replace('"variables":{', '"variables":{"__proto__":null,'),
        map: '{"0":["variables.__proto__"]}',
        status: 400,
        answer: 'BAD_USER_INPUT',
      },
      {
        label: '"variables.__proto__.polluted" where operations declares an own "__proto__": {"polluted": null}',
        operations: () => operations().replace('"variables":{', '"variables":{"__proto__":{"polluted":null},'),
        map: '{"0":["variables.__proto__.polluted"]}',
        status: 400,
        answer: 'BAD_USER_INPUT',
      },
    ];
    for (const attack of PROTOTYPE_ATTACKS) {
      it(`when the map targets ${attack.label}, then the request is refused cleanly, nothing is stored and no prototype in the server process is polluted`, async () => {
        const response = await sendMultipart([
          { name: 'operations', value: attack.operations() },
          { name: 'map', value: attack.map },
          { name: '0', file: csv, fileName: 'a.csv' },
        ]);

        expectNoLeak(attack.label, response.text);
        expect(response.status, response.text).to.equal(attack.status);
        if (attack.answer === 'malformed') expect(response.body).to.deep.equal({ error: 'The request is malformed.' });
        else expect(codesOf(response), response.text).to.deep.equal(['BAD_USER_INPUT']);
        // The test server runs in this process, so its prototypes are ours.
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).to.equal(false);
        expect(await storedCounts()).to.deep.equal(NOTHING_STORED);
        const next = await uploadFile(server, token, { schoolSiteId: siteId, content: csv });
        expect(next.status).to.equal('QUEUED');
      });
    }

    it('when the file part itself is named "__proto__", then it is just a name: the upload is stored and no prototype is polluted', async () => {
      const response = await sendMultipart([
        { name: 'operations', value: operations() },
        { name: 'map', value: '{"__proto__":["variables.input.file"]}' },
        { name: '__proto__', file: csv, fileName: 'a.csv' },
      ]);

      expect(response.body.errors, response.text).to.equal(undefined);
      expect(response.body.data.uploadEducatorAccounts.batch).to.deep.include({ status: 'QUEUED', fileName: 'a.csv' });
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).to.equal(false);
      expect(await countRows(server, 'upload_batch')).to.equal(1);
    });
  });
});
