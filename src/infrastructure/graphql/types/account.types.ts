import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { EducatorAccount } from '../../../domain/educator/educator-account';
import type { Role } from '../../../domain/role/role';
import type { District, SchoolSite } from '../../../domain/school/school-site';
import { AccountStatusEnum, RoleCodeEnum, RoleScopeEnum } from './enums';
import { PageInfo, plainFields } from './common.types';

@ObjectType('Role', plainFields)
export class RoleType {
  @Field(() => RoleCodeEnum) code: RoleCodeEnum;
  @Field(() => String) name: string;
  @Field(() => RoleScopeEnum) scope: RoleScopeEnum;
  @Field(() => Boolean) bulkCreatable: boolean;

  static from(this: void, role: Role): RoleType {
    return Object.assign(new RoleType(), role);
  }
}

@ObjectType('District', plainFields)
export class DistrictType {
  @Field(() => ID) id: string;
  @Field(() => String) name: string;

  static from(district: District, publicId: string): DistrictType {
    return Object.assign(new DistrictType(), { id: publicId, name: district.name });
  }
}

@ObjectType('SchoolSite', plainFields)
export class SchoolSiteType {
  @Field(() => ID) id: string;
  @Field(() => String) name: string;
  @Field(() => String, {
    nullable: true,
    description: "The identifier the district's SIS knows the site by (the state's school code); OneRoster imports match schools by it.",
  })
  externalId: string | null;
  // district and siteAdminCount are resolved in batches by SchoolSiteResolver.
  internalId: number;
  districtId: number;

  static from(site: SchoolSite, publicId: string): SchoolSiteType {
    return Object.assign(new SchoolSiteType(), {
      id: publicId,
      name: site.name,
      externalId: site.externalId,
      internalId: site.id,
      districtId: site.districtId,
    });
  }
}

@ObjectType('EducatorAccount', plainFields)
export class EducatorAccountType {
  @Field(() => ID) id: string;
  @Field(() => String) firstName: string;
  @Field(() => String) lastName: string;
  @Field(() => String) email: string;
  @Field(() => AccountStatusEnum) status: AccountStatusEnum;
  @Field(() => Date) registrationDeadline: Date;
  @Field(() => Date) createdAt: Date;
  // role, schoolSites and district are resolved in batches by EducatorAccountResolver.
  roleCode: RoleCodeEnum;
  schoolSiteIds: number[];
  districtId: number;

  /** `schoolSiteIds`: those of the account's sites that the viewer may see. */
  static from(account: EducatorAccount, publicId: string, now: Date, schoolSiteIds: number[]): EducatorAccountType {
    const state = account.snapshot;
    return Object.assign(new EducatorAccountType(), {
      id: publicId,
      firstName: state.firstName,
      lastName: state.lastName,
      email: state.email.value,
      status: account.status(now) as AccountStatusEnum,
      registrationDeadline: state.registrationDeadline,
      createdAt: state.createdAt,
      roleCode: state.roleCode as RoleCodeEnum,
      schoolSiteIds,
      districtId: state.districtId,
    });
  }
}

@ObjectType(plainFields)
export class EducatorAccountConnection {
  @Field(() => [EducatorAccountType]) nodes: EducatorAccountType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  /** A function, which graphql-js calls only when the field is asked for: the count can cost more than the page. */
  @Field(() => Int) totalCount: () => Promise<number>;
}
