import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { CreateAccountMutation, RoleCode, ViewerQuery } from '../../gql/graphql';
import { Agreement } from '../../components/agreement';
import { Message, Refusals } from '../../components/alert';
import { bindTextField, SelectField, TextField } from '../../components/form-fields';
import { formatDay } from '../../components/format';
import { plainMessageOf } from '../../components/service-error';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';
import type { Site } from '../account-management/account-management';
import { SiteChoice, SITE_FIELD_ID, SITES_FIELD_ID } from './site-choice';

const CREATE_ACCOUNT = graphql(`
  mutation CreateAccount($input: CreateEducatorAccountInput!) {
    createEducatorAccount(input: $input) {
      account {
        id
        email
        registrationDeadline
        role {
          name
        }
        schoolSites {
          id
          name
          siteAdminCount
        }
      }
      warnings {
        code
        message
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

type Created = NonNullable<CreateAccountMutation['createEducatorAccount']['account']>;
type Field = 'single-first-name' | 'single-last-name' | 'single-email' | 'single-role' | typeof SITE_FIELD_ID | typeof SITES_FIELD_ID | 'single-agreement';

const EMPTY = { firstName: '', lastName: '', email: '', agreement: false };

export const CreateSingle = ({ roles, sites }: { roles: ViewerQuery['grantableRoles']; sites: Site[] }) => {
  const [createAccount, { loading }] = useMutation(CREATE_ACCOUNT);
  const [form, setForm] = useState(EMPTY);
  const [roleCode, setRoleCode] = useState<RoleCode>(roles[0].code);
  const [siteIds, setSiteIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<ShownErrors<Field>>(NO_ERRORS);
  const [created, setCreated] = useState<{ account: Created; warnings: string[] }>();
  useFocusOnFirstError(errors);

  const scope = roles.find((role) => role.code === roleCode)?.scope;
  // A single site is the only choice there is: it is chosen already.
  const chosenSiteIds = sites.length === 1 && siteIds.length === 0 && scope === 'SITE' ? [sites[0].id] : siteIds;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (loading) return;
    setCreated(undefined);
    const schoolSiteIds = scope === 'DISTRICT' ? [] : scope === 'MULTI_SITE' ? chosenSiteIds : chosenSiteIds.slice(0, 1);
    try {
      const { data } = await createAccount({
        variables: {
          input: { firstName: form.firstName, lastName: form.lastName, email: form.email, roleCode, schoolSiteIds, agreementAccepted: form.agreement },
        },
      });
      const answer = data!.createEducatorAccount;
      setErrors(
        placeUserErrors(answer.userErrors, {
          firstName: 'single-first-name',
          lastName: 'single-last-name',
          email: 'single-email',
          roleCode: 'single-role',
          ...(scope === 'MULTI_SITE' ? { schoolSiteIds: SITES_FIELD_ID } : scope === 'SITE' ? { schoolSiteIds: SITE_FIELD_ID } : {}),
          agreementAccepted: 'single-agreement',
        }),
      );
      if (answer.account) {
        setCreated({ account: answer.account, warnings: answer.warnings.map((warning) => warning.message) });
        setForm(EMPTY);
      }
    } catch (error) {
      setErrors({ byField: {}, general: [plainMessageOf(error)] });
    }
  };

  const edit = (field: keyof typeof EMPTY) => (value: string | boolean) => setForm((previous) => ({ ...previous, [field]: value }));
  const bound = bindTextField<'firstName' | 'lastName' | 'email', Field>(form, (key, value) => edit(key)(value), errors);

  return (
    <form className="usa-form usa-form--large" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="single-heading">
      <h2 id="single-heading">Create one account</h2>
      <p className="usa-hint">The person gets an email with a registration code. They have 60 days to register.</p>
      {created && (
        <Message kind="success" role="status" heading="Account created">
          {created.account.email} can now register, until {formatDay(created.account.registrationDeadline)}. Their invitation email is on its way.
        </Message>
      )}
      {created?.warnings.map((warning) => (
        <Message key={warning} kind="warning" role="status">
          {warning}
        </Message>
      ))}
      <Refusals messages={errors.general} />
      <TextField label="First Name" autoComplete="off" {...bound('firstName', 'single-first-name')} />
      <TextField label="Last Name" autoComplete="off" {...bound('lastName', 'single-last-name')} />
      <TextField label="Email" type="email" autoComplete="off" {...bound('email', 'single-email')} />
      <SelectField
        id="single-role"
        label="User Role"
        value={roleCode}
        error={errors.byField['single-role']}
        onChange={(event) => {
          setRoleCode(event.target.value as RoleCode);
          setSiteIds([]);
        }}
      >
        {roles.map((role) => (
          <option key={role.code} value={role.code}>
            {role.name}
          </option>
        ))}
      </SelectField>
      <SiteChoice
        scope={scope}
        sites={sites}
        chosen={chosenSiteIds}
        error={errors.byField[scope === 'MULTI_SITE' ? SITES_FIELD_ID : SITE_FIELD_ID]}
        onChange={setSiteIds}
      />
      <Agreement id="single-agreement" bulk={false} checked={form.agreement} error={errors.byField['single-agreement']} onChange={edit('agreement')} />
      <button type="submit" className="usa-button margin-top-3">
        Create Account
      </button>
    </form>
  );
};
