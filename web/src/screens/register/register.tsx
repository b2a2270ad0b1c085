import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { Message, Refusals } from '../../components/alert';
import { bindTextField, CheckboxField, TextField } from '../../components/form-fields';
import { Main, PageHeader } from '../../components/page-header';
import { plainMessageOf } from '../../components/service-error';
import { usePageTitle } from '../../components/use-page-title';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';

const REGISTER = graphql(`
  mutation RegisterAccount($input: RegisterAccountInput!) {
    registerAccount(input: $input) {
      account {
        id
        email
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

const ATTESTATION =
  'I confirm that I have a legitimate educational interest in the student information this account shows me, and I will use it only for my work with students.';

type Field = 'register-email' | 'register-code' | 'register-password' | 'register-confirm' | 'register-attestation';

/**
 * The invitation links to /register#email=…&code=…: the fragment never reaches the server's logs. It is read once and
 * then removed from the address bar, so the code does not stay in the browser's history.
 */
const takeInvitationFromFragment = (): { email: string; code: string } => {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  return { email: fragment.get('email') ?? '', code: fragment.get('code') ?? '' };
};

const Register = () => {
  usePageTitle('Register your account');
  const [invitation] = useState(takeInvitationFromFragment);
  const [register, { loading }] = useMutation(REGISTER);
  const [form, setForm] = useState({ email: invitation.email, code: invitation.code, password: '', confirmation: '' });
  const [attested, setAttested] = useState(false);
  const [errors, setErrors] = useState<ShownErrors<Field>>(NO_ERRORS);
  const [registered, setRegistered] = useState<string>();
  useFocusOnFirstError(errors);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (loading) return;
    const { email, code, password, confirmation } = form;
    if (password !== confirmation) {
      setErrors({
        byField: { 'register-confirm': 'The two passwords are not the same. Type the same password twice.' },
        general: [],
        first: 'register-confirm',
      });
      return;
    }
    try {
      const { data } = await register({ variables: { input: { email, registrationCode: code, password, educationalInterestAccepted: attested } } });
      const answer = data!.registerAccount;
      setErrors(
        placeUserErrors(answer.userErrors, {
          email: 'register-email',
          registrationCode: 'register-code',
          password: 'register-password',
          educationalInterestAccepted: 'register-attestation',
        }),
      );
      if (answer.account) setRegistered(answer.account.email);
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
          <h1>Register your account</h1>
          {registered ? (
            <Message kind="success" role="status" heading="Your account is registered">
              {registered} can now sign in.{' '}
              <a className="usa-link" href="/">
                Sign in
              </a>
            </Message>
          ) : (
            <>
              <p className="usa-intro">Your invitation email holds your registration code. Choose a password to finish.</p>
              <Refusals messages={errors.general} />
              <form className="usa-form" onSubmit={(event) => void submit(event)} noValidate>
                <TextField label="Email" type="email" autoComplete="username" {...bound('email', 'register-email')} />
                <TextField
                  label="Registration code"
                  hint="From your invitation email, for example ABCD-EFGH-JKLM."
                  autoComplete="one-time-code"
                  {...bound('code', 'register-code')}
                />
                <TextField
                  label="Password"
                  hint="12 to 128 characters. A short sentence works well."
                  type="password"
                  autoComplete="new-password"
                  {...bound('password', 'register-password')}
                />
                <TextField label="Confirm password" type="password" autoComplete="new-password" {...bound('confirmation', 'register-confirm')} />
                <CheckboxField
                  id="register-attestation"
                  label={ATTESTATION}
                  checked={attested}
                  error={errors.byField['register-attestation']}
                  onChange={(event) => setAttested(event.target.checked)}
                />
                <button type="submit" className="usa-button margin-top-3">
                  Register
                </button>
              </form>
            </>
          )}
        </div>
      </Main>
    </>
  );
};

export default Register;
