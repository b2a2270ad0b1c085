import { lazy, Suspense, useEffect } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { graphql } from './gql';
import { isUnauthenticated } from './apollo/client';
import { Message } from './components/alert';
import { Main, PageHeader } from './components/page-header';
import { plainMessageOf } from './components/service-error';
import { usePath } from './routing/path';
import { SignIn } from './screens/sign-in/sign-in';
import { AccountManagement } from './screens/account-management/account-management';
import { MyAccount } from './screens/my-account/my-account';

// Registration is used once per person, from the invitation: it is not part of the first load.
const Register = lazy(() => import('./screens/register/register'));
const ResetPassword = lazy(() => import('./screens/reset-password/reset-password'));

export const SESSION_ENDED = 'app:session-ended';

const VIEWER = graphql(`
  query Viewer {
    me {
      id
      email
      firstName
      lastName
      status
      role {
        code
        name
      }
      schoolSites {
        id
        name
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

const Loading = () => (
  <Main>
    <p role="status">Loading…</p>
  </Main>
);

/** `/batches/<id>` opens that upload's failed rows below the log. */
const batchIdIn = (path: string): string | undefined => /^\/batches\/([^/]+)\/?$/.exec(path)?.[1];

const SignedInArea = ({ path }: { path: string }) => {
  const client = useApolloClient();
  const viewer = useQuery(VIEWER, { notifyOnNetworkStatusChange: false });
  const { refetch } = viewer;

  useEffect(() => {
    const ended = () => {
      void client.clearStore().then(() => refetch().catch(() => undefined));
    };
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, [client, refetch]);

  // A refetch that fails shows as viewer.error.
  const restart = (): void => {
    client
      .clearStore()
      .then(() => refetch())
      .catch(() => undefined);
  };

  if (viewer.error && isUnauthenticated(viewer.error)) return <SignIn onSignedIn={restart} />;
  if (viewer.error) {
    return (
      <>
        <PageHeader />
        <Main>
          <Message kind="error" role="alert">
            {plainMessageOf(viewer.error)}
          </Message>
          <button type="button" className="usa-button" onClick={() => void refetch().catch(() => undefined)}>
            Try again
          </button>
        </Main>
      </>
    );
  }
  if (!viewer.data) return <Loading />;
  const { me, grantableRoles } = viewer.data;
  return grantableRoles.length > 0 ? (
    <AccountManagement viewer={me} grantableRoles={grantableRoles} openBatchId={batchIdIn(path)} onSignedOut={restart} />
  ) : (
    <MyAccount viewer={me} onSignedOut={restart} />
  );
};

export const App = () => {
  const path = usePath();
  if (path === '/register' || path === '/register/') {
    return (
      <Suspense fallback={<Loading />}>
        <Register />
      </Suspense>
    );
  }
  if (path === '/reset-password' || path === '/reset-password/') {
    return (
      <Suspense fallback={<Loading />}>
        <ResetPassword />
      </Suspense>
    );
  }
  return <SignedInArea path={path} />;
};
