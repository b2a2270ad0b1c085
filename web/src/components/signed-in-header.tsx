import { useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import { PageHeader } from './page-header';

const END_SESSION = graphql(`
  mutation EndSession {
    endSession
  }
`);

/** The banner of a signed-in page: the person's name and "Sign out", which ends the session on the service. */
export const SignedInHeader = ({ name, onSignedOut }: { name: string; onSignedOut: () => void }) => {
  const [endSession] = useMutation(END_SESSION);
  const [failed, setFailed] = useState(false);
  const signOut = async () => {
    try {
      await endSession();
      onSignedOut();
    } catch {
      setFailed(true);
    }
  };
  return (
    <PageHeader>
      <span className="app-header__name">
        Signed in as <strong>{name}</strong>
      </span>
      <button type="button" className="usa-button usa-button--outline" onClick={() => void signOut()}>
        Sign out
      </button>
      {failed && (
        <span role="alert" className="usa-error-message">
          Signing out did not reach the service. Try again.
        </span>
      )}
    </PageHeader>
  );
};
