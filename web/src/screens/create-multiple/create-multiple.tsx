import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { UploadAccountsMutation, ViewerQuery } from '../../gql/graphql';
import { Agreement } from '../../components/agreement';
import { Message, Refusals } from '../../components/alert';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CheckboxField, SelectField } from '../../components/form-fields';
import { plainMessageOf } from '../../components/service-error';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';
import type { Site } from '../account-management/account-management';
import { UPLOAD_LOG_OPERATION } from '../upload-log/upload-log';
import { CheckPreview } from '../upload-log/check-preview';
import { clearFileInput, FileDrop } from './file-drop';
import { UploadProgress } from './upload-progress';

const UPLOAD_ACCOUNTS = graphql(`
  mutation UploadAccounts($input: UploadEducatorAccountsInput!) {
    uploadEducatorAccounts(input: $input) {
      batch {
        id
        fileName
        status
        dryRun
        totalRows
        rejectionReason
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

type Answered = NonNullable<UploadAccountsMutation['uploadEducatorAccounts']['batch']>;
type Field = 'multiple-site' | 'multiple-file' | 'multiple-agreement';
const FILE_FIELD: Field = 'multiple-file';

const rows = (count: number | null) => (count === 1 ? '1 row' : `${count ?? 'its'} rows`);

const Answer = ({ batch }: { batch: Answered }) =>
  batch.status === 'REJECTED' ? (
    <Message kind="error" role="alert" heading={`${batch.fileName} was not accepted`}>
      <p>{batch.rejectionReason}</p>
      <p>Nothing was created.</p>
    </Message>
  ) : (
    <Message kind="success" role="status" heading={batch.dryRun ? `${batch.fileName} is being checked` : `${batch.fileName} is queued`}>
      {batch.dryRun
        ? `Its ${rows(batch.totalRows)} are checked without creating anything. The preview below the form shows what would happen: correct what would fail, then create the accounts from the same file.`
        : `Its ${rows(batch.totalRows)} will be created one after another. The upload log below shows the progress and any rows that fail.`}
    </Message>
  );

export const CreateMultiple = ({ roles, sites }: { roles: ViewerQuery['grantableRoles']; sites: Site[] }) => {
  const [upload] = useMutation(UPLOAD_ACCOUNTS, { refetchQueries: [UPLOAD_LOG_OPERATION] });
  const [siteId, setSiteId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [agreement, setAgreement] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [answer, setAnswer] = useState<Answered>();
  const [errors, setErrors] = useState<ShownErrors<Field>>(NO_ERRORS);
  useFocusOnFirstError(errors);

  const chosenSiteId = sites.length === 1 ? sites[0].id : siteId;
  const siteName = sites.find((site) => site.id === chosenSiteId)?.name;
  const bulkRoles = roles.filter((role) => role.bulkCreatable).map((role) => role.name);

  const send = async () => {
    setConfirming(false);
    if (!file) return;
    setAnswer(undefined);
    setProgress({ sent: 0, total: file.size });
    try {
      const { data } = await upload({
        variables: { input: { schoolSiteId: chosenSiteId, file, agreementAccepted: agreement, dryRun } },
        context: { fetchOptions: { onUploadProgress: (sent: number, total: number) => setProgress({ sent, total }) } },
      });
      const payload = data!.uploadEducatorAccounts;
      setErrors(placeUserErrors(payload.userErrors, { schoolSiteId: 'multiple-site', file: FILE_FIELD, agreementAccepted: 'multiple-agreement' }));
      if (payload.batch) {
        setAnswer(payload.batch);
        setFile(null);
        setAgreement(false);
        clearFileInput(FILE_FIELD);
      }
    } catch (error) {
      setErrors({ byField: {}, general: [plainMessageOf(error)] });
    } finally {
      setProgress(undefined);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (progress) return;
    setAnswer(undefined);
    const missing: ShownErrors<Field>['byField'] = {};
    if (!chosenSiteId) missing['multiple-site'] = 'Choose the school site these accounts belong to.';
    if (!file) missing[FILE_FIELD] = 'Choose the CSV file or Excel workbook to upload.';
    const first = (Object.keys(missing) as Field[])[0];
    if (first) {
      setErrors({ byField: missing, general: [], first });
      return;
    }
    setErrors(NO_ERRORS);
    if (dryRun) void send();
    else setConfirming(true);
  };

  return (
    <>
      <form className="usa-form usa-form--large" onSubmit={submit} noValidate aria-labelledby="multiple-heading">
        <h2 id="multiple-heading">Create accounts from a file</h2>
        <ol className="usa-list">
          <li>
            <a className="usa-link" href="/templates/educator-accounts.csv" download>
              Download Template
            </a>{' '}
            (a CSV file with the columns First Name, Last Name, Email and User Role), or{' '}
            <a className="usa-link" href="/templates/educator-accounts.xlsx" download>
              Download Template (Excel)
            </a>{' '}
            (the same columns as an Excel workbook, formatted as text so leading zeros stay).
          </li>
          <li>Fill in one person per row. User Role is one of: {bulkRoles.join(', ')}.</li>
          <li>Upload it here. Rows that cannot be created are listed in the upload log, with the reason.</li>
        </ol>
        {answer && <Answer batch={answer} />}
        <Refusals messages={errors.general} />
        {sites.length === 1 ? (
          <div className="usa-form-group">
            <p className="usa-label margin-top-0">School Site</p>
            <p className="margin-top-05">
              <strong>{sites[0].name}</strong>
            </p>
          </div>
        ) : (
          <SelectField
            id="multiple-site"
            label="School Site"
            value={siteId}
            error={errors.byField['multiple-site']}
            onChange={(event) => setSiteId(event.target.value)}
          >
            <option value="">- Select a school site -</option>
            {sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </SelectField>
        )}
        <FileDrop id={FILE_FIELD} file={file} error={errors.byField[FILE_FIELD]} onChange={setFile} />
        <Agreement id="multiple-agreement" bulk checked={agreement} error={errors.byField['multiple-agreement']} onChange={setAgreement} />
        <CheckboxField
          id="multiple-dry-run"
          label="Check the file only (create nothing)"
          hint="Every row is checked as if it were created. You then see what would happen, can correct the rows that would fail, and create the accounts from the same file."
          checked={dryRun}
          onChange={(event) => setDryRun(event.target.checked)}
        />
        {progress && file && <UploadProgress fileName={file.name} sent={progress.sent} total={progress.total} />}
        <button type="submit" className="usa-button margin-top-3">
          Upload
        </button>
        <ConfirmDialog
          open={confirming}
          title="Create these accounts?"
          confirmLabel="Yes, create the accounts"
          onConfirm={() => void send()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Every person in {file?.name} gets an account at {siteName} and an invitation email. Accounts cannot be removed from this page.
          </p>
        </ConfirmDialog>
      </form>
      {/* Outside the form: the preview holds forms of its own. */}
      {answer?.dryRun && answer.status !== 'REJECTED' && <CheckPreview batchId={answer.id} />}
    </>
  );
};
