/** The agreement texts admins accept; bump the version whenever the wording changes, for the audit trail. */
export const SINGLE_CREATION_AGREEMENT_VERSION = '2026-11-single-v1';
export const BULK_CREATION_AGREEMENT_VERSION = '2026-11-bulk-v1';
