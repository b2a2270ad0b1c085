import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { Message, Refusals } from '../../components/alert';
import { bindTextField, TextField } from '../../components/form-fields';
import { plainMessageOf } from '../../components/service-error';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';

const CHANGE_PASSWORD = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      account {
        id
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

type Field = 'change-current' | 'change-new';

/** The signed-in person's own password: the API decides (wrong current password, weak new one); the form shows its answer. */
export const ChangePasswordForm = () => {
  const [change, { loading }] = useMutation(CHANGE_PASSWORD);
  const [form, setForm] = useState({ current: '', next: '' });
  const [errors, setErrors] = useState<ShownErrors<Field>>(NO_ERRORS);
  const [changed, setChanged] = useState(false);
  useFocusOnFirstError(errors);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (loading) return;
    setChanged(false);
    try {
      const { data } = await change({ variables: { input: { currentPassword: form.current, newPassword: form.next } } });
      const answer = data!.changePassword;
      setErrors(placeUserErrors(answer.userErrors, { currentPassword: 'change-current', newPassword: 'change-new' }));
      if (answer.account) {
        setChanged(true);
        setForm({ current: '', next: '' });
      }
    } catch (error) {
      setErrors({ byField: {}, general: [plainMessageOf(error)] });
    }
  };

  const bound = bindTextField(form, (key, value) => setForm((previous) => ({ ...previous, [key]: value })), errors);

  return (
    <section aria-labelledby="change-password-heading">
      <h2 id="change-password-heading">Change password</h2>
      {changed && (
        <Message kind="success" role="status" heading="Your password is changed">
          Use your new password the next time you sign in. You stay signed in here; every other browser and app is signed out.
        </Message>
      )}
      <Refusals messages={errors.general} />
      <form className="usa-form" onSubmit={(event) => void submit(event)} noValidate>
        <TextField label="Current password" type="password" autoComplete="current-password" {...bound('current', 'change-current')} />
        <TextField
          label="New password"
          hint="12 to 128 characters. A short sentence works well."
          type="password"
          autoComplete="new-password"
          {...bound('next', 'change-new')}
        />
        <button type="submit" className="usa-button margin-top-3">
          Change password
        </button>
      </form>
    </section>
  );
};
