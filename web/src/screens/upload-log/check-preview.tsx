import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { CheckPreviewQuery } from '../../gql/graphql';
import { Message, Refusals } from '../../components/alert';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageButtons } from '../../components/page-buttons';
import { SelectField, TextField } from '../../components/form-fields';
import { plainMessageOf } from '../../components/service-error';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';
import { UPLOAD_LOG_OPERATION } from './upload-log';
import { isRunning } from './batch-status';

const PAGE_SIZE = 25;

const CHECK_PREVIEW = graphql(`
  query CheckPreview($id: ID!, $first: Int!, $after: String) {
    uploadBatch(id: $id) {
      ...LogBatch
      createdAccountsBatchId
      failures(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          lineNumber
          code
          reason
          cells
          correction {
            firstName
            lastName
            email
            userRole
          }
        }
      }
    }
    grantableRoles: roles(grantable: true) {
      code
      name
      scope
      bulkCreatable
    }
  }
`);

const CORRECT_ROW = graphql(`
  mutation CorrectUploadRow($input: CorrectUploadRowInput!) {
    correctUploadRow(input: $input) {
      failure {
        lineNumber
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

const CREATE_FROM_CHECK = graphql(`
  mutation CreateAccountsFromCheck($input: CreateAccountsFromCheckInput!) {
    createAccountsFromCheck(input: $input) {
      batch {
        id
        status
      }
      userErrors {
        code
        message
      }
    }
  }
`);

type Preview = NonNullable<CheckPreviewQuery['uploadBatch']>;
type FailingRow = Preview['failures']['nodes'][number];
type CellField = 'firstName' | 'lastName' | 'email' | 'userRole';
const CELL_FIELDS: CellField[] = ['firstName', 'lastName', 'email', 'userRole'];
const LABELS: Record<CellField, string> = { firstName: 'First Name', lastName: 'Last Name', email: 'Email', userRole: 'User Role' };
const fieldId = (field: CellField) => `correct-${field}`;

const rows = (count: number): string => (count === 1 ? '1 row' : `${count} rows`);
const accounts = (count: number): string => (count === 1 ? '1 account' : `${count} accounts`);

/** The cells a failing row will be created from: its correction, or what the file holds. */
const cellsOf = (row: FailingRow): string[] =>
  row.correction ? [row.correction.firstName, row.correction.lastName, row.correction.email, row.correction.userRole] : row.cells;

/** The four cells of one failing line, to correct in the page; the service checks them and says which to change. */
const CorrectionForm = ({ batchId, row, roleNames, onDone }: { batchId: string; row: FailingRow; roleNames: string[]; onDone: (saved: boolean) => void }) => {
  const start = cellsOf(row);
  const [values, setValues] = useState<Record<CellField, string>>({
    firstName: start[0] ?? '',
    lastName: start[1] ?? '',
    email: start[2] ?? '',
    userRole: roleNames.includes(start[3] ?? '') ? start[3] : '',
  });
  const [errors, setErrors] = useState<ShownErrors<string>>(NO_ERRORS);
  const [correct, { loading }] = useMutation(CORRECT_ROW, { refetchQueries: ['CheckPreview'], awaitRefetchQueries: true });
  useFocusOnFirstError(errors);
  useEffect(() => document.getElementById(fieldId('firstName'))?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const { data } = await correct({ variables: { input: { batchId, lineNumber: row.lineNumber, ...values } } });
      const answer = data!.correctUploadRow;
      const placed = placeUserErrors(answer.userErrors, Object.fromEntries(CELL_FIELDS.map((field) => [field, fieldId(field)])));
      setErrors(placed);
      if (answer.userErrors.length === 0) onDone(true);
    } catch (error) {
      setErrors({ byField: {}, general: [plainMessageOf(error)] });
    }
  };

  const headingId = `correct-heading-${row.lineNumber}`;
  return (
    <form className="usa-form usa-form--large app-correction" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={headingId}>
      <h3 id={headingId} className="margin-top-0">
        Correct line {row.lineNumber}
      </h3>
      <p className="usa-hint">The corrected row replaces line {row.lineNumber} of the file when the accounts are created. Your file itself is not changed.</p>
      <Refusals messages={errors.general} />
      {(['firstName', 'lastName', 'email'] as const).map((field) => (
        <TextField
          key={field}
          id={fieldId(field)}
          label={LABELS[field]}
          value={values[field]}
          error={errors.byField[fieldId(field)]}
          autoComplete="off"
          onChange={(event) => setValues({ ...values, [field]: event.target.value })}
        />
      ))}
      <SelectField
        id={fieldId('userRole')}
        label={LABELS.userRole}
        value={values.userRole}
        error={errors.byField[fieldId('userRole')]}
        onChange={(event) => setValues({ ...values, userRole: event.target.value })}
      >
        <option value="">- Select a role -</option>
        {roleNames.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </SelectField>
      <ul className="usa-button-group margin-top-2">
        <li className="usa-button-group__item">
          <button type="submit" className="usa-button" aria-busy={loading}>
            Save correction
          </button>
        </li>
        <li className="usa-button-group__item">
          <button type="button" className="usa-button usa-button--outline" onClick={() => onDone(false)}>
            Cancel
          </button>
        </li>
      </ul>
    </form>
  );
};

/**
 * A check as a preview: what creating the file's accounts would do (created, already there, failing), each failing row
 * with its reason and a way to correct it here, then "Create accounts", which creates them from the file the check
 * stored. The API decides every row again when they are created.
 */
export const CheckPreview = ({ batchId }: { batchId: string }) => {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const preview = useQuery(CHECK_PREVIEW, { variables: { id: batchId, first: PAGE_SIZE, after }, notifyOnNetworkStatusChange: false });
  const batch = preview.data?.uploadBatch;
  const running = batch ? isRunning(batch.status) : false;
  const { startPolling, stopPolling, refetch } = preview;
  useEffect(() => {
    if (running) startPolling(1500);
    else stopPolling();
  }, [running, startPolling, stopPolling]);
  // The live log may bring the batch's end before a poll brought its failing rows: those shown are then of an earlier moment.
  const stale = batch ? batch.failures.totalCount !== batch.recordsFailed : false;
  useEffect(() => {
    if (stale) void refetch().catch(() => undefined);
  }, [stale, refetch]);
  const [correcting, setCorrecting] = useState<number | null>(null);
  // Once a correction is saved or cancelled, the focus goes back to its row's button, as it was rendered again.
  const focusLine = useRef<number | null>(null);
  useEffect(() => {
    const button = focusLine.current === null ? null : document.getElementById(`correct-line-${focusLine.current}`);
    if (!button) return;
    button.focus();
    focusLine.current = null;
  });
  const [news, setNews] = useState<string | null>(null);
  const [refusals, setRefusals] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [create, { loading: creating }] = useMutation(CREATE_FROM_CHECK, { refetchQueries: [UPLOAD_LOG_OPERATION, 'CheckPreview'] });

  if (preview.error) {
    return (
      <Message kind="error" role="alert">
        {plainMessageOf(preview.error)}
      </Message>
    );
  }
  if (!batch) return <p role="status">Loading the preview…</p>;
  const roleNames = (preview.data?.grantableRoles ?? []).filter((role) => role.bulkCreatable).map((role) => role.name);
  const headingId = `preview-heading-${batch.id}`;

  const finishCorrecting = (lineNumber: number, saved: boolean) => {
    setCorrecting(null);
    focusLine.current = lineNumber;
    if (saved) setNews(`Line ${lineNumber} is corrected: it will be created with the values shown.`);
  };

  const createAccounts = async () => {
    setConfirming(false);
    setRefusals([]);
    try {
      const { data } = await create({ variables: { input: { batchId: batch.id } } });
      const answer = data!.createAccountsFromCheck;
      setRefusals(answer.userErrors.map((error) => error.message));
      if (answer.batch) setNews(`The accounts of ${batch.fileName} are being created. The upload log shows the progress and any row that fails.`);
    } catch (error) {
      setRefusals([plainMessageOf(error)]);
    }
  };

  const { totalCount, nodes, pageInfo } = batch.failures;
  const open = Boolean(batch.createAccountsUntil) && new Date(batch.createAccountsUntil as string) > new Date();
  const stillFailing = batch.recordsFailed - batch.rowsCorrected;
  return (
    <section className="margin-top-4 app-preview" aria-labelledby={headingId}>
      <h2 id={headingId}>Preview of {batch.fileName}</h2>
      {running && (
        <p role="status">
          Checking {batch.fileName}: {batch.recordsProcessed} of {batch.totalRows ?? '?'} rows. Nothing is created.
        </p>
      )}
      {batch.status === 'COMPLETED' && (
        <>
          <p>
            {batch.createdAccountsBatchId
              ? `What the check found when it ran; the accounts of this file have since been created for ${batch.schoolSite.name}:`
              : `If the accounts of this file are created for ${batch.schoolSite.name} now (nothing has been created yet):`}
          </p>
          <ul className="usa-list app-preview-counts">
            <li>
              <strong>{batch.recordsCreated}</strong> would be created
            </li>
            <li>
              <strong>{batch.recordsSkipped}</strong> already exist and would be skipped
            </li>
            <li>
              <strong>{batch.recordsFailed}</strong> would fail{batch.rowsCorrected > 0 ? ` (${rows(batch.rowsCorrected)} corrected below)` : ''}
            </li>
          </ul>
        </>
      )}
      {news && (
        <Message kind="success" role="status">
          {news}
        </Message>
      )}
      <Refusals messages={refusals} />
      {batch.status === 'COMPLETED' && totalCount > 0 && (
        <>
          <table className="usa-table usa-table--borderless app-stacked">
            <caption>Rows that would fail in {batch.fileName}</caption>
            <thead>
              <tr>
                <th scope="col">Line Number</th>
                <th scope="col">First Name</th>
                <th scope="col">Last Name</th>
                <th scope="col">Email</th>
                <th scope="col">User Role</th>
                <th scope="col">Reason</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((row) => {
                const cells = cellsOf(row);
                return (
                  <FailingRowLines
                    key={row.lineNumber}
                    row={row}
                    cells={cells}
                    open={open}
                    correcting={correcting === row.lineNumber}
                    onCorrect={() => {
                      setNews(null);
                      setCorrecting(row.lineNumber);
                    }}
                    form={<CorrectionForm batchId={batch.id} row={row} roleNames={roleNames} onDone={(saved) => finishCorrecting(row.lineNumber, saved)} />}
                  />
                );
              })}
            </tbody>
          </table>
          <PageButtons
            noun="rows"
            hasPrevious={cursors.length > 1}
            hasNext={pageInfo.hasNextPage}
            onPrevious={() => setCursors((previous) => previous.slice(0, -1))}
            onNext={() => setCursors((previous) => [...previous, pageInfo.endCursor])}
          />
        </>
      )}
      {batch.status === 'COMPLETED' && batch.createdAccountsBatchId && !news && (
        <p>The accounts of this check were created: the upload log shows that upload.</p>
      )}
      {batch.status === 'COMPLETED' && !batch.createdAccountsBatchId && !open && (
        <p>This check's file is no longer kept, so its accounts cannot be created from here. Upload the file again.</p>
      )}
      {batch.status === 'COMPLETED' && open && (
        <>
          <button type="button" className="usa-button margin-top-2" onClick={() => setConfirming(true)} aria-busy={creating}>
            Create accounts
          </button>
          <ConfirmDialog
            open={confirming}
            title="Create these accounts?"
            confirmLabel="Yes, create the accounts"
            onConfirm={() => void createAccounts()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              About {accounts(batch.recordsCreated + batch.rowsCorrected)} will be created at {batch.schoolSite.name} from {batch.fileName}, each with an
              invitation email. {stillFailing > 0 ? `The ${rows(stillFailing)} still failing will be listed in the upload log.` : ''} Every row is checked again
              as it is created.
            </p>
          </ConfirmDialog>
        </>
      )}
    </section>
  );
};

/** A failing row, and below it, while it is being corrected, the form. */
const FailingRowLines = ({
  row,
  cells,
  open,
  correcting,
  onCorrect,
  form,
}: {
  row: FailingRow;
  cells: string[];
  open: boolean;
  correcting: boolean;
  onCorrect: () => void;
  form: ReactNode;
}) => (
  <>
    <tr>
      <td data-label="Line Number">{row.lineNumber}</td>
      {CELL_FIELDS.map((field, index) => (
        <td key={field} data-label={LABELS[field]} className="app-break">
          {cells[index] ?? ''}
        </td>
      ))}
      <td data-label="Reason">
        {row.correction ? (
          <>
            <strong>Corrected:</strong> these values replace the line when the accounts are created. <span className="text-base">Was: {row.reason}</span>
          </>
        ) : (
          row.reason
        )}
      </td>
      <td data-label="Action">
        {open && !correcting && (
          <button type="button" id={`correct-line-${row.lineNumber}`} className="usa-button usa-button--outline usa-button--small" onClick={onCorrect}>
            {row.correction ? `Change line ${row.lineNumber}` : `Correct line ${row.lineNumber}`}
          </button>
        )}
      </td>
    </tr>
    {correcting && (
      <tr>
        <td colSpan={7}>{form}</td>
      </tr>
    )}
  </>
);
