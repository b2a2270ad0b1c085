import { registerEnumType } from 'type-graphql';

export enum RoleCodeEnum {
  EDUCATOR = 'EDUCATOR',
  COUNSELOR_CASELOAD_ONLY = 'COUNSELOR_CASELOAD_ONLY',
  COUNSELOR = 'COUNSELOR',
  MULTI_SITE_COUNSELOR = 'MULTI_SITE_COUNSELOR',
  SITE_ADMIN = 'SITE_ADMIN',
  DISTRICT_ADMIN = 'DISTRICT_ADMIN',
}
export enum RoleScopeEnum {
  SITE = 'SITE',
  MULTI_SITE = 'MULTI_SITE',
  DISTRICT = 'DISTRICT',
}
export enum AccountStatusEnum {
  PENDING_REGISTRATION = 'PENDING_REGISTRATION',
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  DEACTIVATED = 'DEACTIVATED',
}
export enum AccountSortFieldEnum {
  NAME = 'NAME',
  EMAIL = 'EMAIL',
  CREATED_AT = 'CREATED_AT',
}
export enum SortDirectionEnum {
  ASC = 'ASC',
  DESC = 'DESC',
}
export enum UploadBatchStatusEnum {
  QUEUED = 'QUEUED',
  PROCESSING = 'PROCESSING',
  COMPLETED = 'COMPLETED',
  REJECTED = 'REJECTED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
  UNDONE = 'UNDONE',
}

registerEnumType(RoleCodeEnum, { name: 'RoleCode' });
registerEnumType(RoleScopeEnum, { name: 'RoleScope' });
registerEnumType(AccountStatusEnum, {
  name: 'AccountStatus',
  valuesConfig: { DEACTIVATED: { description: 'Turned off by an administrator: cannot sign in or register; the email stays taken.' } },
});
registerEnumType(AccountSortFieldEnum, { name: 'AccountSortField', valuesConfig: { NAME: { description: 'Last name, then first name.' } } });
registerEnumType(SortDirectionEnum, { name: 'SortDirection' });
registerEnumType(UploadBatchStatusEnum, {
  name: 'UploadBatchStatus',
  valuesConfig: {
    FAILED: { description: 'Stopped for good part way, after errors that trying again did not get past (see failureReason); what landed stays, counted.' },
    CANCELLED: { description: 'Taken back by an admin before the end (cancelUploadBatch); what landed before stays, counted.' },
    UNDONE: { description: 'Its accounts still pending registration were removed (undoUploadBatch); see recordsRemoved and recordsKept.' },
  },
});
