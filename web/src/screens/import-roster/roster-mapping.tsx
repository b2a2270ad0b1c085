import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { RoleCode } from '../../gql/graphql';
import { Message, Refusals } from '../../components/alert';
import { plainMessageOf } from '../../components/service-error';
import { Link } from '../../routing/path';
import type { Site } from '../account-management/account-management';
import { UPLOAD_LOG_OPERATION } from '../upload-log/upload-log';
import type { Roster } from './import-roster';

const START_ROSTER_IMPORT = graphql(`
  mutation StartRosterImport($input: StartRosterImportInput!) {
    startRosterImport(input: $input) {
      rosterImport {
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

const SET_EXTERNAL_ID = graphql(`
  mutation RememberSchoolIdentifier($input: SetSchoolSiteExternalIdInput!) {
    setSchoolSiteExternalId(input: $input) {
      schoolSite {
        id
        externalId
      }
      userErrors {
        code
        message
      }
    }
  }
`);

const ROSTER_IMPORT = graphql(`
  query RosterImport($id: ID!) {
    rosterImport(id: $id) {
      ...RosterPreview
    }
  }
`);

/** The four roles a roster's staff may become (the bulk roles), as the template names them. */
const TARGET_ROLES: { code: RoleCode; name: string }[] = [
  { code: 'EDUCATOR', name: 'Educator' },
  { code: 'COUNSELOR_CASELOAD_ONLY', name: 'Counselor—Caseload Only' },
  { code: 'COUNSELOR', name: 'Counselor' },
  { code: 'SITE_ADMIN', name: 'Site Admin' },
];
const DO_NOT = '';

const people = (count: number) => (count === 1 ? '1 person' : `${count} people`);
const unfinished = (roster: Roster) => roster.batches.some((batch) => batch.status === 'QUEUED' || batch.status === 'PROCESSING');

/** The mapping step: each school to a site (the matched one chosen), each staff role to an account role; then the import starts. */
export const RosterMapping = ({ roster: uploaded, sites }: { roster: Roster; sites: Site[] }) => {
  const [start, { loading }] = useMutation(START_ROSTER_IMPORT, { refetchQueries: [UPLOAD_LOG_OPERATION] });
  const [rememberIdentifier] = useMutation(SET_EXTERNAL_ID);
  // Schools mapped by hand whose identifier becomes their site's, so that the next export matches them by it.
  const [remember, setRemember] = useState<Record<string, boolean>>({});
  const [started, setStarted] = useState<Roster>();
  const [refusals, setRefusals] = useState<string[]>([]);
  const schools = uploaded.schools.filter((school) => !school.nonSchool);
  const [siteFor, setSiteFor] = useState<Record<string, string>>(() =>
    Object.fromEntries(schools.map((school) => [school.sourcedId, school.matchedSite?.id ?? DO_NOT])),
  );
  const [roleFor, setRoleFor] = useState<Record<string, string>>(() =>
    Object.fromEntries(uploaded.roleMappings.map((role) => [role.rosterRole, role.roleCode ?? DO_NOT])),
  );
  const progress = useQuery(ROSTER_IMPORT, { variables: { id: uploaded.id }, skip: !started, pollInterval: started && unfinished(started) ? 1500 : 0 });
  const current = progress.data?.rosterImport ?? started;

  const mappedByHand = (school: Roster['schools'][number]) =>
    !!school.identifier && siteFor[school.sourcedId] !== DO_NOT && siteFor[school.sourcedId] !== school.matchedSite?.id;

  const begin = async () => {
    setRefusals([]);
    try {
      const remembered = schools.filter((school) => mappedByHand(school) && remember[school.sourcedId]);
      for (const school of remembered) {
        const { data } = await rememberIdentifier({ variables: { input: { schoolSiteId: siteFor[school.sourcedId], externalId: school.identifier } } });
        const refused = data!.setSchoolSiteExternalId.userErrors.map((error) => error.message);
        if (refused.length > 0) {
          setRefusals(refused);
          return;
        }
      }
      const { data } = await start({
        variables: {
          input: {
            rosterImportId: uploaded.id,
            schoolMappings: schools.map((school) => ({ sourcedId: school.sourcedId, schoolSiteId: siteFor[school.sourcedId] || null })),
            roleMappings: uploaded.roleMappings.map((role) => ({
              rosterRole: role.rosterRole,
              roleCode: (roleFor[role.rosterRole] || null) as RoleCode | null,
            })),
          },
        },
      });
      const payload = data!.startRosterImport;
      setRefusals(payload.userErrors.map((error) => error.message));
      if (payload.rosterImport) setStarted(payload.rosterImport);
    } catch (error) {
      setRefusals([plainMessageOf(error)]);
    }
  };

  const { ignored } = uploaded;
  return (
    <section aria-labelledby="roster-mapping-heading" className="margin-top-4">
      <h3 id="roster-mapping-heading">
        Check {uploaded.fileName} (OneRoster {uploaded.version})
      </h3>
      <table className="usa-table usa-table--borderless app-stacked">
        <caption>Schools in the roster and the school site each is imported to</caption>
        <thead>
          <tr>
            <th scope="col">School</th>
            <th scope="col">Identifier</th>
            <th scope="col">Staff</th>
            <th scope="col">School site</th>
          </tr>
        </thead>
        <tbody>
          {/* Ids by position: a sourcedId or a role as the export writes it may hold spaces, which an id may not. */}
          {schools.map((school, index) => (
            <tr key={school.sourcedId}>
              <th scope="row" data-label="School">
                {school.name}
              </th>
              <td data-label="Identifier">{school.identifier ?? '—'}</td>
              <td data-label="Staff">{school.staffCount}</td>
              <td data-label="School site">
                <label className="usa-sr-only" htmlFor={`roster-site-${index}`}>
                  School site for {school.name}
                </label>
                <select
                  id={`roster-site-${index}`}
                  className="usa-select margin-top-0"
                  value={siteFor[school.sourcedId]}
                  disabled={!!started}
                  onChange={(event) => setSiteFor({ ...siteFor, [school.sourcedId]: event.target.value })}
                >
                  <option value={DO_NOT}>Do not import</option>
                  {sites.map((site) => (
                    <option key={site.id} value={site.id}>
                      {site.name}
                    </option>
                  ))}
                </select>
                {school.matchedSite ? (
                  <div className="usa-hint">Matched by {school.matchedBy === 'IDENTIFIER' ? 'identifier' : 'name'}</div>
                ) : (
                  <div className="usa-hint">Not matched: choose its school site</div>
                )}
                {mappedByHand(school) && (
                  <div className="usa-checkbox">
                    <input
                      id={`roster-remember-${index}`}
                      type="checkbox"
                      className="usa-checkbox__input"
                      checked={remember[school.sourcedId] ?? false}
                      disabled={!!started}
                      onChange={(event) => setRemember({ ...remember, [school.sourcedId]: event.target.checked })}
                    />
                    <label className="usa-checkbox__label" htmlFor={`roster-remember-${index}`}>
                      Match {school.name} to this site by its identifier {school.identifier} next time
                    </label>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="usa-table usa-table--borderless app-stacked">
        <caption>Staff roles in the roster and the account role each gets</caption>
        <thead>
          <tr>
            <th scope="col">Roster role</th>
            <th scope="col">Staff</th>
            <th scope="col">Account role</th>
          </tr>
        </thead>
        <tbody>
          {uploaded.roleMappings.map((role, index) => (
            <tr key={role.rosterRole}>
              <th scope="row" data-label="Roster role">
                {role.rosterRole || '(no role)'}
              </th>
              <td data-label="Staff">{role.staffCount}</td>
              <td data-label="Account role">
                <label className="usa-sr-only" htmlFor={`roster-role-${index}`}>
                  Role for {role.rosterRole || '(no role)'}
                </label>
                <select
                  id={`roster-role-${index}`}
                  className="usa-select margin-top-0"
                  value={roleFor[role.rosterRole]}
                  disabled={!!started}
                  onChange={(event) => setRoleFor({ ...roleFor, [role.rosterRole]: event.target.value })}
                >
                  {TARGET_ROLES.map((target) => (
                    <option key={target.code} value={target.code}>
                      {target.name}
                    </option>
                  ))}
                  <option value={DO_NOT}>Do not create</option>
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Not imported: {people(ignored.students)} as students, {people(ignored.guardians)} as guardians or parents, {people(ignored.disabled)} disabled,{' '}
        {people(ignored.toBeDeleted)} to be deleted, and {people(uploaded.staffNotAtSchool)} on staff outside a school (such as the district office).
      </p>
      <Refusals messages={refusals} />
      {!started && (
        <button type="button" className="usa-button" disabled={loading} onClick={() => void begin()}>
          Start import
        </button>
      )}
      {loading && <p role="status">Starting the import…</p>}
      {current && <ImportBatches roster={current} />}
    </section>
  );
};

const ImportBatches = ({ roster }: { roster: Roster }) => (
  <>
    <Message kind="success" role="status" heading="The import has started">
      {roster.batches.length === 0
        ? 'No school had staff to create.'
        : `${roster.batches.length === 1 ? 'One upload' : `${roster.batches.length} uploads`}, one per school, ${unfinished(roster) ? 'are being processed' : 'are finished'}. Each is in the upload log under its school site.`}
    </Message>
    <ul className="usa-list">
      {roster.batches.map((batch) => (
        <li key={batch.id}>
          <Link className="usa-link" href={`/batches/${batch.id}`}>
            {batch.fileName}
          </Link>{' '}
          at {batch.schoolSite.name}:{' '}
          {batch.status === 'COMPLETED'
            ? `${batch.recordsCreated} created, ${batch.recordsSkipped} skipped, ${batch.recordsFailed} failed`
            : batch.status.toLowerCase()}
          {batch.rejectionReason && ` (${batch.rejectionReason})`}
        </li>
      ))}
    </ul>
  </>
);
