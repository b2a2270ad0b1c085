import { CheckboxField } from './form-fields';

/** The agreement an admin accepts before creating accounts; the service records each acceptance with its version. */
export const Agreement = ({
  id,
  bulk,
  checked,
  error,
  onChange,
}: {
  id: string;
  bulk: boolean;
  checked: boolean;
  error?: string;
  onChange: (checked: boolean) => void;
}) => (
  <>
    <section className="app-agreement" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="margin-top-0">
        {bulk ? 'Bulk account creation agreement' : 'Account creation agreement'}
      </h3>
      <p>
        {bulk
          ? 'By uploading this file, I confirm that every person in it works for this school site and needs an educator account for their job.'
          : 'By creating this account, I confirm that this person works for the school site I choose and needs an educator account for their job.'}
      </p>
      <p>
        I will keep the information about students that these accounts give access to private, and I will ask for an account to be removed when the person
        leaves. The service records that I accepted this agreement, with the date and time.
      </p>
    </section>
    <CheckboxField
      id={id}
      label={bulk ? 'I have read and accept the bulk account creation agreement.' : 'I have read and accept the account creation agreement.'}
      checked={checked}
      error={error}
      onChange={(event) => onChange(event.target.checked)}
    />
  </>
);
