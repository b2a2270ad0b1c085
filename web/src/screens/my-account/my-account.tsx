import type { ViewerQuery } from '../../gql/graphql';
import { Main } from '../../components/page-header';
import { SignedInHeader } from '../../components/signed-in-header';
import { usePageTitle } from '../../components/use-page-title';
import { statusLabel } from '../../components/account-status';
import { ChangePasswordForm } from './change-password-form';

/** An educator who creates no accounts sees their own: email, status, role and schools. */
export const MyAccount = ({ viewer, onSignedOut }: { viewer: ViewerQuery['me']; onSignedOut: () => void }) => {
  usePageTitle('Your account');
  return (
    <>
      <SignedInHeader name={`${viewer.firstName} ${viewer.lastName}`} onSignedOut={onSignedOut} />
      <Main>
        <h1>Your account</h1>
        <dl className="app-facts">
          <dt>Email</dt>
          <dd>{viewer.email}</dd>
          <dt>Account status</dt>
          <dd>{statusLabel[viewer.status]}</dd>
          <dt>Role</dt>
          <dd>{viewer.role.name}</dd>
          {viewer.schoolSites.length > 0 && (
            <>
              <dt>{viewer.schoolSites.length > 1 ? 'School sites' : 'School site'}</dt>
              <dd>{viewer.schoolSites.map((site) => site.name).join(', ')}</dd>
            </>
          )}
        </dl>
        <p>Accounts are created by your school's Site Admin or your District Admin. Ask them if anything here is wrong.</p>
        <ChangePasswordForm />
      </Main>
    </>
  );
};
