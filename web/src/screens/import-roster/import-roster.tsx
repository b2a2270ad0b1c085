import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { UploadRosterMutation } from '../../gql/graphql';
import { Agreement } from '../../components/agreement';
import { Refusals } from '../../components/alert';
import { plainMessageOf } from '../../components/service-error';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';
import type { Site } from '../account-management/account-management';
import { RosterMapping } from './roster-mapping';

const UPLOAD_ROSTER = graphql(`
  mutation UploadRoster($input: UploadRosterInput!) {
    uploadRoster(input: $input) {
      roster {
        ...RosterPreview
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const ROSTER_PREVIEW = graphql(`
  fragment RosterPreview on RosterImport {
    id
    fileName
    version
    startedAt
    staffNotAtSchool
    schools {
      sourcedId
      name
      identifier
      staffCount
      matchedSite {
        id
        name
      }
      matchedBy
      nonSchool
    }
    roleMappings {
      rosterRole
      staffCount
      roleCode
    }
    ignored {
      students
      guardians
      disabled
      toBeDeleted
    }
    batches {
      id
      fileName
      status
      totalRows
      recordsCreated
      recordsSkipped
      recordsFailed
      rejectionReason
      schoolSite {
        id
        name
      }
    }
  }
`);

export type Roster = NonNullable<UploadRosterMutation['uploadRoster']['roster']>;
type Field = 'roster-file' | 'roster-agreement';

/** A District Admin's SIS export (OneRoster zip): uploaded here, then mapped to the district's sites and roles, then started. */
export const ImportRoster = ({ sites }: { sites: Site[] }) => {
  const [upload, { loading }] = useMutation(UPLOAD_ROSTER);
  const [file, setFile] = useState<File | null>(null);
  const [agreement, setAgreement] = useState(false);
  const [roster, setRoster] = useState<Roster>();
  const [errors, setErrors] = useState<ShownErrors<Field>>(NO_ERRORS);
  useFocusOnFirstError(errors);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (loading) return;
    if (!file) {
      setErrors({ byField: { 'roster-file': 'Choose the OneRoster zip file your SIS exported.' }, general: [], first: 'roster-file' });
      return;
    }
    setRoster(undefined);
    try {
      const { data } = await upload({ variables: { input: { file, agreementAccepted: agreement } } });
      const payload = data!.uploadRoster;
      setErrors(placeUserErrors(payload.userErrors, { file: 'roster-file', agreementAccepted: 'roster-agreement' }));
      if (payload.roster) setRoster(payload.roster);
    } catch (error) {
      setErrors({ byField: {}, general: [plainMessageOf(error)] });
    }
  };

  return (
    <section aria-labelledby="roster-heading">
      <h2 id="roster-heading">Import from your SIS</h2>
      <p>
        Upload the OneRoster 1.1 or 1.2 CSV export (a zip file) of your student information system. Teachers, counselors and school administrators get accounts
        at their school&rsquo;s site; students, guardians and disabled users are not imported. You check the schools and roles before anything is created.
      </p>
      <form className="usa-form usa-form--large" onSubmit={(event) => void submit(event)} noValidate aria-label="Upload roster">
        <Refusals messages={errors.general} />
        <div className={`usa-form-group${errors.byField['roster-file'] ? ' usa-form-group--error' : ''}`}>
          <label className={`usa-label${errors.byField['roster-file'] ? ' usa-label--error' : ''}`} htmlFor="roster-file">
            OneRoster zip file
          </label>
          <div className="usa-hint" id="roster-file-hint">
            The bulk export as your SIS downloaded it: manifest.csv, orgs.csv, users.csv (and roles.csv in 1.2) in one zip.
          </div>
          {errors.byField['roster-file'] && (
            <span className="usa-error-message" id="roster-file-error" role="alert">
              {errors.byField['roster-file']}
            </span>
          )}
          <input
            id="roster-file"
            name="roster-file"
            type="file"
            accept=".zip,application/zip"
            className="usa-file-input__input"
            aria-describedby={errors.byField['roster-file'] ? 'roster-file-hint roster-file-error' : 'roster-file-hint'}
            aria-invalid={errors.byField['roster-file'] ? true : undefined}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        <Agreement id="roster-agreement" bulk checked={agreement} error={errors.byField['roster-agreement']} onChange={setAgreement} />
        {loading && <p role="status">Reading {file?.name}…</p>}
        <button type="submit" className="usa-button margin-top-3">
          Upload roster
        </button>
      </form>
      {roster && <RosterMapping key={roster.id} roster={roster} sites={sites} />}
    </section>
  );
};
