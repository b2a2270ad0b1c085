import type { RoleCode } from '../role/role';

/** The signed-in person on whose authority something is done, as their account stands now. */
export interface Actor {
  accountId: number;
  roleCode: RoleCode;
  districtId: number;
  schoolSiteIds: number[];
}
