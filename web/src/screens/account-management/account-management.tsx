import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { ViewerQuery } from '../../gql/graphql';
import { Message } from '../../components/alert';
import { Main } from '../../components/page-header';
import { plainMessageOf } from '../../components/service-error';
import { SignedInHeader } from '../../components/signed-in-header';
import { Tabs } from '../../components/tabs';
import { usePageTitle } from '../../components/use-page-title';
import { CreateSingle } from '../create-single/create-single';
import { CreateMultiple } from '../create-multiple/create-multiple';
import { UploadLog } from '../upload-log/upload-log';
import { Activity } from '../activity/activity';
import { AccountsList } from '../accounts/accounts-list';
import { ImportRoster } from '../import-roster/import-roster';

const MANAGED_SITES = graphql(`
  query ManagedSites {
    schoolSites {
      id
      name
    }
  }
`);

export type Site = { id: string; name: string };

/** The admins' page: create one account or many, and below, the log of every file uploaded for their sites. */
export const AccountManagement = ({
  viewer,
  grantableRoles,
  openBatchId,
  onSignedOut,
}: {
  viewer: ViewerQuery['me'];
  grantableRoles: ViewerQuery['grantableRoles'];
  openBatchId?: string;
  onSignedOut: () => void;
}) => {
  usePageTitle('Account Management');
  const [tab, setTab] = useState(openBatchId ? 'multiple' : 'single');
  const sites = useQuery(MANAGED_SITES);
  const managed = sites.data?.schoolSites ?? [];

  return (
    <>
      <SignedInHeader name={`${viewer.firstName} ${viewer.lastName}`} onSignedOut={onSignedOut} />
      <Main>
        <h1>Account Management</h1>
        {sites.error && (
          <Message kind="error" role="alert">
            {plainMessageOf(sites.error)}
          </Message>
        )}
        <Tabs
          label="Account management"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { id: 'single', label: 'Create Single Account', panel: <CreateSingle roles={grantableRoles} sites={managed} /> },
            { id: 'multiple', label: 'Create Multiple Accounts', panel: <CreateMultiple roles={grantableRoles} sites={managed} /> },
            { id: 'accounts', label: 'Accounts', panel: <AccountsList roles={grantableRoles} sites={managed} /> },
            { id: 'activity', label: 'Activity', panel: <Activity sites={managed} /> },
            // Only a District Admin imports a roster: its schools are the district's sites.
            ...(viewer.role.code === 'DISTRICT_ADMIN' ? [{ id: 'roster', label: 'Import from your SIS', panel: <ImportRoster sites={managed} /> }] : []),
          ]}
        />
        <UploadLog openBatchId={openBatchId} />
      </Main>
    </>
  );
};
