import { useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { ViewerQuery } from '../../gql/graphql';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { plainMessageOf } from '../../components/service-error';
import type { Site } from '../account-management/account-management';
import { EditAccount, type EditableAccount } from './edit-account';

const RESEND = graphql(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(input: { accountId: $id }) {
      account {
        id
        status
      }
      userErrors {
        code
        message
      }
    }
  }
`);

const RECREATE = graphql(`
  mutation RecreateAccount($id: ID!) {
    recreateEducatorAccount(input: { accountId: $id }) {
      account {
        id
        status
        registrationDeadline
      }
      userErrors {
        code
        message
      }
    }
  }
`);

const UNLOCK = graphql(`
  mutation UnlockAccount($id: ID!) {
    unlockAccount(input: { accountId: $id }) {
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

const DEACTIVATE = graphql(`
  mutation DeactivateAccount($id: ID!) {
    deactivateEducatorAccount(input: { accountId: $id }) {
      account {
        id
        status
      }
      userErrors {
        code
        message
      }
    }
  }
`);

const REACTIVATE = graphql(`
  mutation ReactivateAccount($id: ID!) {
    reactivateEducatorAccount(input: { accountId: $id }) {
      account {
        id
        status
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export type RowAccount = EditableAccount;

/** What an action answered, for the table to show: `status` for news, `alert` for a refusal. */
export type ActionResult = { kind: 'status' | 'alert'; message: string };

/**
 * The buttons of one row, each named by its action and the person. Other actions (edit) join this list;
 * each decides for itself whether the account's status offers it.
 */
export const AccountRowActions = ({
  account,
  roles,
  sites,
  onResult,
}: {
  account: RowAccount;
  roles: ViewerQuery['grantableRoles'];
  sites: Site[];
  onResult: (result: ActionResult) => void;
}) => {
  const [resend, resending] = useMutation(RESEND);
  const [recreate, recreating] = useMutation(RECREATE);
  const [unlock, unlocking] = useMutation(UNLOCK);
  const [deactivate, deactivating] = useMutation(DEACTIVATE);
  const [reactivate, reactivating] = useMutation(REACTIVATE);
  const [confirmingDeactivation, setConfirmingDeactivation] = useState(false);
  const person = `${account.firstName} ${account.lastName}`;
  const run = async (action: () => Promise<{ userErrors: { message: string }[] } | undefined>, done: string) => {
    try {
      const payload = await action();
      const refusal = payload?.userErrors[0];
      onResult(refusal ? { kind: 'alert', message: refusal.message } : { kind: 'status', message: done });
    } catch (error) {
      onResult({ kind: 'alert', message: plainMessageOf(error) });
    }
  };
  const variables = { variables: { id: account.id } };

  return (
    <ul className="usa-button-group">
      <li className="usa-button-group__item">
        <EditAccount account={account} roles={roles} sites={sites} onResult={onResult} />
      </li>
      {account.status === 'PENDING_REGISTRATION' && (
        <li className="usa-button-group__item">
          <button
            type="button"
            className="usa-button usa-button--outline usa-button--small"
            disabled={resending.loading}
            onClick={() => void run(async () => (await resend(variables)).data?.resendInvitation, `The invitation was sent again to ${person}.`)}
          >
            Resend invitation<span className="usa-sr-only"> to {person}</span>
          </button>
        </li>
      )}
      {account.status === 'EXPIRED' && (
        <li className="usa-button-group__item">
          <button
            type="button"
            className="usa-button usa-button--outline usa-button--small"
            disabled={recreating.loading}
            onClick={() =>
              void run(
                async () => (await recreate(variables)).data?.recreateEducatorAccount,
                `The account for ${person} was created again and a new invitation sent.`,
              )
            }
          >
            Recreate account<span className="usa-sr-only"> for {person}</span>
          </button>
        </li>
      )}
      <li className="usa-button-group__item">
        <button
          type="button"
          className="usa-button usa-button--unstyled"
          disabled={unlocking.loading}
          onClick={() => void run(async () => (await unlock(variables)).data?.unlockAccount, `${person} can sign in and register again right away.`)}
        >
          Unlock<span className="usa-sr-only"> {person}</span>
        </button>
      </li>
      {account.status === 'DEACTIVATED' ? (
        <li className="usa-button-group__item">
          <button
            type="button"
            className="usa-button usa-button--outline usa-button--small"
            disabled={reactivating.loading}
            onClick={() => void run(async () => (await reactivate(variables)).data?.reactivateEducatorAccount, `${person}'s account was reactivated.`)}
          >
            Reactivate<span className="usa-sr-only"> {person}</span>
          </button>
        </li>
      ) : (
        <li className="usa-button-group__item">
          <button type="button" className="usa-button usa-button--unstyled" disabled={deactivating.loading} onClick={() => setConfirmingDeactivation(true)}>
            Deactivate<span className="usa-sr-only"> {person}</span>
          </button>
          <ConfirmDialog
            open={confirmingDeactivation}
            title={`Deactivate ${person}?`}
            confirmLabel="Deactivate account"
            onConfirm={() => {
              setConfirmingDeactivation(false);
              void run(
                async () => (await deactivate(variables)).data?.deactivateEducatorAccount,
                `${person}'s account was deactivated: they are signed out and cannot sign in or register.`,
              );
            }}
            onCancel={() => setConfirmingDeactivation(false)}
          >
            <p>
              {person} will be signed out everywhere at once and will not be able to sign in or register until the account is reactivated. The email address
              stays taken.
            </p>
          </ConfirmDialog>
        </li>
      )}
    </ul>
  );
};
