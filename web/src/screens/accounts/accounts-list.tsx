import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { AccountStatus, RoleCode, ViewerQuery } from '../../gql/graphql';
import { statusLabel } from '../../components/account-status';
import { Message } from '../../components/alert';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { SelectField, TextField } from '../../components/form-fields';
import { formatDay } from '../../components/format';
import { plainMessageOf } from '../../components/service-error';
import type { Site } from '../account-management/account-management';
import { AccountRowActions, type ActionResult } from './account-row-actions';

const ACCOUNTS = graphql(`
  query Accounts($site: ID, $status: AccountStatus, $roleCode: RoleCode, $search: String, $after: String) {
    educatorAccounts(
      schoolSiteId: $site
      status: $status
      roleCode: $roleCode
      search: $search
      first: 20
      after: $after
      sort: { field: NAME, direction: ASC }
    ) {
      nodes {
        id
        firstName
        lastName
        email
        status
        registrationDeadline
        role {
          code
          name
        }
        schoolSites {
          id
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`);

const EXPIRED_AT_SITE = graphql(`
  query ExpiredAtSite($site: ID!) {
    educatorAccounts(schoolSiteId: $site, status: EXPIRED, first: 0) {
      totalCount
    }
  }
`);

const RECREATE_EXPIRED = graphql(`
  mutation RecreateExpiredAccounts($site: ID!) {
    recreateExpiredAccounts(input: { schoolSiteId: $site }) {
      recreatedCount
      userErrors {
        code
        message
      }
    }
  }
`);

const STATUSES: AccountStatus[] = ['PENDING_REGISTRATION', 'ACTIVE', 'EXPIRED', 'DEACTIVATED'];

/** The accounts the admin manages: filtered, searched, paged, each with what can be done to it. */
export const AccountsList = ({ sites, roles }: { sites: Site[]; roles: ViewerQuery['grantableRoles'] }) => {
  const [site, setSite] = useState('');
  const [status, setStatus] = useState('');
  const [roleCode, setRoleCode] = useState('');
  const [search, setSearch] = useState('');
  /** The cursors of the pages before this one, so "Previous page" goes back without OFFSET. */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const filters = {
    site: site || null,
    status: (status || null) as AccountStatus | null,
    roleCode: (roleCode || null) as RoleCode | null,
    search: search || null,
  };
  const accounts = useQuery(ACCOUNTS, { variables: { ...filters, after: cursors.at(-1) ?? null }, fetchPolicy: 'cache-and-network' });
  const expired = useQuery(EXPIRED_AT_SITE, { variables: { site }, skip: !site, fetchPolicy: 'cache-and-network' });
  const [recreateExpired] = useMutation(RECREATE_EXPIRED);
  const connection = accounts.data?.educatorAccounts;
  const expiredCount = expired.data?.educatorAccounts.totalCount ?? 0;
  const siteName = sites.find((one) => one.id === site)?.name ?? '';
  const filtered = (change: () => void) => {
    change();
    setCursors([null]);
  };
  const refresh = () => Promise.all([accounts.refetch(), site ? expired.refetch() : null]);
  const shown = async (answer: ActionResult) => {
    setResult(answer);
    await refresh();
  };
  const csv = new URLSearchParams(Object.entries(filters).flatMap(([key, value]) => (value ? [[key === 'site' ? 'schoolSiteId' : key, value]] : [])));

  const confirmRecreate = async () => {
    setConfirming(false);
    try {
      const payload = (await recreateExpired({ variables: { site } })).data?.recreateExpiredAccounts;
      const refusal = payload?.userErrors[0];
      await shown(
        refusal ? { kind: 'alert', message: refusal.message } : { kind: 'status', message: `${payload?.recreatedCount ?? 0} accounts were created again.` },
      );
    } catch (error) {
      setResult({ kind: 'alert', message: plainMessageOf(error) });
    }
  };

  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Accounts</h2>
      <div className="grid-row grid-gap">
        <div className="grid-col-12 tablet:grid-col-3">
          <SelectField id="accounts-site" label="School site" value={site} onChange={(event) => filtered(() => setSite(event.target.value))}>
            <option value="">All my school sites</option>
            {sites.map((one) => (
              <option key={one.id} value={one.id}>
                {one.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="grid-col-12 tablet:grid-col-3">
          <SelectField id="accounts-status" label="Status" value={status} onChange={(event) => filtered(() => setStatus(event.target.value))}>
            <option value="">Any status</option>
            {STATUSES.map((one) => (
              <option key={one} value={one}>
                {statusLabel[one]}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="grid-col-12 tablet:grid-col-3">
          <SelectField id="accounts-role" label="Role" value={roleCode} onChange={(event) => filtered(() => setRoleCode(event.target.value))}>
            <option value="">Any role</option>
            {roles.map((one) => (
              <option key={one.code} value={one.code}>
                {one.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="grid-col-12 tablet:grid-col-3">
          <TextField
            id="accounts-search"
            type="search"
            label="Search"
            hint="The start of a first name, last name or email"
            value={search}
            onChange={(event) => filtered(() => setSearch(event.target.value))}
          />
        </div>
      </div>
      <p>
        <a className="usa-link" href={`/accounts.csv${csv.size > 0 ? `?${csv.toString()}` : ''}`} download>
          Download CSV
        </a>
        {site && (
          <button type="button" className="usa-button usa-button--secondary margin-left-2" disabled={expiredCount === 0} onClick={() => setConfirming(true)}>
            Recreate expired accounts
          </button>
        )}
      </p>
      {result && (
        <Message kind={result.kind === 'status' ? 'success' : 'error'} role={result.kind}>
          {result.message}
        </Message>
      )}
      {accounts.error && (
        <Message kind="error" role="alert">
          {plainMessageOf(accounts.error)}
        </Message>
      )}
      <table className="usa-table usa-table--borderless usa-table--stacked width-full">
        <caption>
          Accounts{siteName ? ` at ${siteName}` : ''}: {connection ? `${connection.totalCount} found` : 'loading'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">School Sites</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {connection?.nodes.map((account) => (
            <tr key={account.id}>
              <th scope="row" data-label="Name">
                {account.firstName} {account.lastName}
              </th>
              <td data-label="Email">{account.email}</td>
              <td data-label="Role">{account.role.name}</td>
              <td data-label="School Sites">{account.schoolSites.map((one) => one.name).join(', ')}</td>
              <td data-label="Status">
                {statusLabel[account.status]}
                {account.status === 'PENDING_REGISTRATION' && ` until ${formatDay(account.registrationDeadline)}`}
              </td>
              <td data-label="Actions">
                <AccountRowActions account={account} roles={roles} sites={sites} onResult={(answer) => void shown(answer)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="usa-button-group">
        <li className="usa-button-group__item">
          <button type="button" className="usa-button usa-button--outline" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        </li>
        <li className="usa-button-group__item">
          <button
            type="button"
            className="usa-button usa-button--outline"
            disabled={!connection?.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, connection!.pageInfo.endCursor!])}
          >
            Next page
          </button>
        </li>
      </ul>
      <ConfirmDialog
        open={confirming}
        title="Recreate expired accounts?"
        confirmLabel={`Recreate ${expiredCount} accounts`}
        onConfirm={() => void confirmRecreate()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {expiredCount} expired accounts at {siteName} will be created again, each with a new 60-day deadline and a new invitation email.
        </p>
      </ConfirmDialog>
    </section>
  );
};
