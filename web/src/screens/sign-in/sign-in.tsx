import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { Message } from '../../components/alert';
import { TextField } from '../../components/form-fields';
import { Main, PageHeader } from '../../components/page-header';
import { plainMessageOf } from '../../components/service-error';
import { usePageTitle } from '../../components/use-page-title';

const START_SESSION = graphql(`
  mutation StartSession($input: SignInInput!) {
    startSession(input: $input) {
      account {
        id
      }
      userErrors {
        code
        message
      }
    }
  }
`);

/** Signs in with a session cookie the page's scripts cannot read; the answer carries no token. */
export const SignIn = ({ onSignedIn }: { onSignedIn: () => void }) => {
  usePageTitle('Sign in');
  const [startSession, { loading }] = useMutation(START_SESSION);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [refusal, setRefusal] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (loading) return;
    setRefusal(undefined);
    try {
      const { data } = await startSession({ variables: { input: { username: email, password } } });
      const answer = data?.startSession;
      if (answer?.account) onSignedIn();
      else setRefusal(answer?.userErrors[0]?.message ?? 'Sign-in did not work. Try again.');
    } catch (error) {
      setRefusal(plainMessageOf(error));
    }
  };

  return (
    <>
      <PageHeader />
      <Main>
        <div className="app-narrow">
          <h1>Sign in</h1>
          <p className="usa-intro">For school and district staff who create educator accounts, and for educators checking their own.</p>
          {refusal && (
            <Message kind="error" role="alert">
              {refusal}
            </Message>
          )}
          <form className="usa-form" onSubmit={(event) => void submit(event)} noValidate>
            <TextField
              id="sign-in-email"
              label="Email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              required
            />
            <TextField
              id="sign-in-password"
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
            <button type="submit" className="usa-button margin-top-3">
              {loading ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
          <p className="margin-top-2">
            <a className="usa-link" href="/reset-password">
              Forgot password?
            </a>
          </p>
          <p className="margin-top-4">
            Got an invitation email?{' '}
            <a className="usa-link" href="/register">
              Register your account
            </a>{' '}
            first.
          </p>
        </div>
      </Main>
    </>
  );
};
