import { useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { AccountStatus, RoleCode, ViewerQuery } from '../../gql/graphql';
import { Refusals } from '../../components/alert';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorSummary } from '../../components/error-summary';
import { bindTextField, SelectField, TextField } from '../../components/form-fields';
import { plainMessageOf } from '../../components/service-error';
import { NO_ERRORS, placeUserErrors, useFocusOnFirstError, type ShownErrors } from '../../components/user-errors';
import type { Site } from '../account-management/account-management';
import { SiteChoice } from '../create-single/site-choice';
import type { ActionResult } from './account-row-actions';

const UPDATE_ACCOUNT = graphql(`
  mutation UpdateAccount($input: UpdateEducatorAccountInput!) {
    updateEducatorAccount(input: $input) {
      account {
        id
        firstName
        lastName
        email
        status
        registrationDeadline
        role {
          code
          name
        }
        schoolSites {
          id
          name
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

export interface EditableAccount {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: AccountStatus;
  role: { code: RoleCode };
  schoolSites: { id: string }[];
}

const IDS = { site: 'edit-site', sites: 'edit-sites' } as const;
type Field = 'edit-first-name' | 'edit-last-name' | 'edit-email' | 'edit-role' | (typeof IDS)[keyof typeof IDS];
const LABELS: Record<Field, string> = {
  'edit-first-name': 'First Name',
  'edit-last-name': 'Last Name',
  'edit-email': 'Email',
  'edit-role': 'User Role',
  'edit-site': 'School Site',
  'edit-sites': 'School Sites',
};

const formOf = (account: EditableAccount) => ({
  firstName: account.firstName,
  lastName: account.lastName,
  email: account.email,
  roleCode: account.role.code,
  siteIds: account.schoolSites.map((site) => site.id),
});

/**
 * "Edit" for one row: a dialog to correct names, email, role and sites. The API decides (a registered person's email stays,
 * the creation rules for role and sites); the form shows its refusals beside their fields and the list the saved account.
 */
export const EditAccount = ({
  account,
  roles,
  sites,
  onResult,
}: {
  account: EditableAccount;
  roles: ViewerQuery['grantableRoles'];
  sites: Site[];
  onResult: (result: ActionResult) => void;
}) => {
  const [update, { loading }] = useMutation(UPDATE_ACCOUNT);
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(() => formOf(account));
  const [errors, setErrors] = useState<ShownErrors<Field>>(NO_ERRORS);
  useFocusOnFirstError(errors);
  const person = `${account.firstName} ${account.lastName}`;
  const scope = roles.find((role) => role.code === form.roleCode)?.scope;

  const start = () => {
    setForm(formOf(account));
    setErrors(NO_ERRORS);
    setOpen(true);
  };
  const save = async () => {
    if (loading) return;
    const schoolSiteIds = scope === 'DISTRICT' ? [] : scope === 'MULTI_SITE' ? form.siteIds : form.siteIds.slice(0, 1);
    try {
      const { data } = await update({
        variables: {
          input: { accountId: account.id, firstName: form.firstName, lastName: form.lastName, email: form.email, roleCode: form.roleCode, schoolSiteIds },
        },
      });
      const answer = data!.updateEducatorAccount;
      const shown = placeUserErrors(answer.userErrors, {
        firstName: 'edit-first-name',
        lastName: 'edit-last-name',
        email: 'edit-email',
        roleCode: 'edit-role',
        ...(scope === 'MULTI_SITE' ? { schoolSiteIds: IDS.sites } : scope === 'SITE' ? { schoolSiteIds: IDS.site } : {}),
      });
      setErrors(shown);
      if (!answer.account || answer.userErrors.length > 0) return;
      setOpen(false);
      const saved = answer.account;
      const invited = saved.email !== account.email && saved.status === 'PENDING_REGISTRATION' ? ` A new invitation is on its way to ${saved.email}.` : '';
      const advice = answer.warnings.map((warning) => ` ${warning.message}`).join('');
      onResult({ kind: 'status', message: `The changes to ${saved.firstName} ${saved.lastName}'s account are saved.${invited}${advice}` });
    } catch (error) {
      setErrors({ byField: {}, general: [plainMessageOf(error)] });
    }
  };
  const bound = bindTextField<'firstName' | 'lastName' | 'email', Field>(form, (key, value) => setForm((previous) => ({ ...previous, [key]: value })), errors);

  return (
    <>
      <button type="button" className="usa-button usa-button--unstyled" onClick={start}>
        Edit<span className="usa-sr-only"> {person}</span>
      </button>
      <ConfirmDialog open={open} title={`Edit ${person}`} confirmLabel="Save changes" onConfirm={() => void save()} onCancel={() => setOpen(false)}>
        {open && (
          <div className="usa-form">
            <ErrorSummary errors={errors.byField} labels={LABELS} />
            <Refusals messages={errors.general} />
            <TextField label="First Name" autoComplete="off" {...bound('firstName', 'edit-first-name')} />
            <TextField label="Last Name" autoComplete="off" {...bound('lastName', 'edit-last-name')} />
            <TextField
              label="Email"
              type="email"
              autoComplete="off"
              hint={
                account.status === 'ACTIVE' ? 'They sign in with it, so it stays as it is once they have registered.' : 'A new email gets a new invitation.'
              }
              {...bound('email', 'edit-email')}
            />
            <SelectField
              id="edit-role"
              label="User Role"
              value={form.roleCode}
              error={errors.byField['edit-role']}
              onChange={(event) => setForm((previous) => ({ ...previous, roleCode: event.target.value as RoleCode, siteIds: [] }))}
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
              chosen={form.siteIds}
              error={errors.byField[scope === 'MULTI_SITE' ? IDS.sites : IDS.site]}
              onChange={(siteIds) => setForm((previous) => ({ ...previous, siteIds }))}
              ids={IDS}
            />
          </div>
        )}
      </ConfirmDialog>
    </>
  );
};
