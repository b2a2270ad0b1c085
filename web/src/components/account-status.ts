import type { AccountStatus } from '../gql/graphql';

export const statusLabel: Record<AccountStatus, string> = {
  ACTIVE: 'Active',
  PENDING_REGISTRATION: 'Waiting for registration',
  EXPIRED: 'Expired (not registered in time)',
  DEACTIVATED: 'Deactivated',
};
