import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { Message, Refusals } from '../../components/alert';
import { ErrorSummary } from '../../components/error-summary';
import { bindTextField, TextField } from '../../components/form-fields';
import { Main, PageHeader } from '../../components/page-header';
import { plainMessageOf } from '../../components/service-error';
import { usePageTitle } from '../../components/use-page-title';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';

const REQUEST_PASSWORD_RESET = graphql(`
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) {
      userErrors {
        code
        message
        field
      }
    }
  }
`);

const RESET_PASSWORD = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      userErrors {
        code
        message
        field
      }
    }
  }
`);

type Field = 'reset-email' | 'reset-code' | 'reset-password';

const LABELS: Record<Field, string> = { 'reset-email': 'Email', 'reset-code': 'Reset code', 'reset-password': 'New password' };

/** The reset email links to /reset-password#email=…: only the email, read once and removed from the address bar. */
const takeEmailFromFragment = (): string => {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  return fragment.get('email') ?? '';
};

/** Step one: ask for a code. The answer is the same whatever the email, so the page says the same too. */
const RequestCode = ({ email, onEmail, onSent }: { email: string; onEmail: (email: string) => void; onSent: () => void }) => {
  const [request, { loading }] = useMutation(REQUEST_PASSWORD_RESET);
  const [refusal, setRefusal] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (loading) return;
    setRefusal(undefined);
    try {
      const { data } = await request({ variables: { input: { email } } });
      const [error] = data!.requestPasswordReset.userErrors;
      if (error) setRefusal(error.message);
      else onSent();
    } catch (error) {
      setRefusal(plainMessageOf(error));
    }
  };

  return (
    <>
      <p className="usa-intro">Type the email you sign in with. We will email you a code to choose a new password.</p>
      {refusal && (
        <Message kind="error" role="alert">
          {refusal}
        </Message>
      )}
      <form className="usa-form" onSubmit={(event) => void submit(event)} noValidate>
        <TextField id="request-email" label="Email" type="email" autoComplete="username" value={email} onChange={(event) => onEmail(event.target.value)} />
        <button type="submit" className="usa-button margin-top-3">
          Send reset code
        </button>
      </form>
    </>
  );
};

/** Forgotten passwords: a code by email, then a new password; the API decides every refusal, the page shows them. */
const ResetPassword = () => {
  usePageTitle('Reset your password');
  const [linked] = useState(takeEmailFromFragment);
  const [form, setForm] = useState({ email: linked, code: '', password: '' });
  // The email's link names the email: its reader has a code already and starts at step two.
  const [step, setStep] = useState<'request' | 'sent' | 'reset'>(linked ? 'reset' : 'request');
  const [reset, { loading }] = useMutation(RESET_PASSWORD);
  const [errors, setErrors] = useState<ShownErrors<Field>>(NO_ERRORS);
  const [done, setDone] = useState(false);
  useFocusOnFirstError(errors);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (loading) return;
    try {
      const { data } = await reset({ variables: { input: { email: form.email, code: form.code, newPassword: form.password } } });
      const answer = data!.resetPassword;
      setErrors(placeUserErrors(answer.userErrors, { email: 'reset-email', code: 'reset-code', newPassword: 'reset-password' }));
      setDone(answer.userErrors.length === 0);
    } catch (error) {
      setErrors({ byField: {}, general: [plainMessageOf(error)] });
    }
  };

  const bound = bindTextField(form, (key, value) => setForm((previous) => ({ ...previous, [key]: value })), errors);

  return (
    <>
      <PageHeader />
      <Main>
        <div className="app-narrow">
          <h1>Reset your password</h1>
          {done ? (
            <Message kind="success" role="status" heading="Your password is reset">
              Every browser and app that was signed in is signed out.{' '}
              <a className="usa-link" href="/">
                Sign in with your new password
              </a>
            </Message>
          ) : (
            <>
              {step === 'request' ? (
                <RequestCode email={form.email} onEmail={(email) => setForm((previous) => ({ ...previous, email }))} onSent={() => setStep('sent')} />
              ) : (
                <>
                  {step === 'sent' && (
                    <Message kind="info" role="status" heading="Check your email">
                      If {form.email} belongs to a registered account, a reset code is on its way. It works once, for 30 minutes.
                    </Message>
                  )}
                  <ErrorSummary errors={errors.byField} labels={LABELS} />
                  <Refusals messages={errors.general} />
                  <form className="usa-form" onSubmit={(event) => void submit(event)} noValidate>
                    <TextField label="Email" type="email" autoComplete="username" {...bound('email', 'reset-email')} />
                    <TextField
                      label="Reset code"
                      hint="From the reset email, for example ABCD-EFGH-JKMN."
                      autoComplete="one-time-code"
                      {...bound('code', 'reset-code')}
                    />
                    <TextField
                      label="New password"
                      hint="12 to 128 characters. A short sentence works well."
                      type="password"
                      autoComplete="new-password"
                      {...bound('password', 'reset-password')}
                    />
                    <button type="submit" className="usa-button margin-top-3">
                      Reset password
                    </button>
                  </form>
                  <p className="margin-top-4">
                    No code, or it expired?{' '}
                    <button type="button" className="usa-button usa-button--unstyled" onClick={() => setStep('request')}>
                      Send a new code
                    </button>
                  </p>
                </>
              )}
            </>
          )}
        </div>
      </Main>
    </>
  );
};

export default ResetPassword;
