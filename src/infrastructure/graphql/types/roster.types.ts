import { ArrayMaxSize, IsBoolean, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-ts';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SchoolSiteType } from './account.types';
import { plainFields, UserError } from './common.types';
import { RoleCodeEnum } from './enums';
import { UploadBatchType } from './upload.types';

export enum SchoolMatchedByEnum {
  IDENTIFIER = 'IDENTIFIER',
  NAME = 'NAME',
}
registerEnumType(SchoolMatchedByEnum, {
  name: 'SchoolMatchedBy',
  valuesConfig: {
    IDENTIFIER: { description: "The org's identifier is the site's externalId." },
    NAME: { description: 'The names are the same, letter case, spaces and punctuation aside.' },
  },
});

@InputType()
export class SetSchoolSiteExternalIdInput {
  @Field(() => ID) @MaxLength(100) schoolSiteId: string;
  @Field(() => String, { nullable: true, description: 'Trimmed; empty or null clears it.' })
  @IsOptional()
  @MaxLength(200)
  externalId?: string | null;
}

@ObjectType(plainFields)
export class SchoolSitePayload {
  @Field(() => SchoolSiteType, { nullable: true }) schoolSite: SchoolSiteType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class UploadRosterInput {
  @Field(() => GraphQLUpload, { description: 'A OneRoster 1.1 or 1.2 CSV zip (bulk): manifest.csv, orgs.csv, users.csv, and roles.csv in 1.2.' })
  file: Promise<FileUpload>;
  @Field(() => Boolean) agreementAccepted: boolean;
}

@InputType()
export class RosterSchoolMappingInput {
  @Field(() => String, { description: "The org's sourcedId in orgs.csv." }) @MaxLength(255) sourcedId: string;
  @Field(() => ID, { nullable: true, description: 'null: do not import this school.' })
  @IsOptional()
  @MaxLength(100)
  schoolSiteId?: string | null;
}

@InputType()
export class RosterRoleMappingInput {
  @Field(() => String) @MaxLength(40) rosterRole: string;
  @Field(() => RoleCodeEnum, { nullable: true, description: 'One of the four bulk roles; null: create no account for this role.' })
  @IsOptional()
  roleCode?: RoleCodeEnum | null;
}

@InputType()
export class StartRosterImportInput {
  @Field(() => ID) @MaxLength(100) rosterImportId: string;
  @Field(() => [RosterSchoolMappingInput], { description: 'Schools not named keep the site they matched (matchedSite).' })
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  schoolMappings: RosterSchoolMappingInput[];
  @Field(() => [RosterRoleMappingInput], { description: 'Roles not named keep their default (roleMappings.roleCode).' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  roleMappings: RosterRoleMappingInput[];
  @Field(() => Boolean, { nullable: true, description: "true: check every school's rows and report, create nothing; the import can still be started." })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean | null;
}

@ObjectType('RosterSchool', plainFields)
export class RosterSchoolType {
  @Field(() => String) sourcedId: string;
  @Field(() => String) name: string;
  @Field(() => String, { nullable: true }) identifier: string | null;
  @Field(() => Int) staffCount: number;
  @Field(() => SchoolSiteType, { nullable: true, description: 'The site it matched; null: map it, or it is not imported.' }) matchedSite: SchoolSiteType | null;
  @Field(() => SchoolMatchedByEnum, { nullable: true }) matchedBy: SchoolMatchedByEnum | null;
  @Field(() => Boolean, { description: 'An org that is not a school (a district office): its staff are counted in staffNotAtSchool, not imported.' })
  nonSchool: boolean;
}

@ObjectType('RosterRoleMapping', plainFields)
export class RosterRoleMappingType {
  @Field(() => String, { description: 'The role as the export names it (teacher, counselor, principal…).' }) rosterRole: string;
  @Field(() => Int) staffCount: number;
  @Field(() => RoleCodeEnum, { nullable: true, description: 'What it becomes unless changed; null: no account is created.' }) roleCode: RoleCodeEnum | null;
}

@ObjectType('RosterIgnoredUsers', plainFields)
export class RosterIgnoredUsersType {
  @Field(() => Int) students: number;
  @Field(() => Int, { description: 'Guardians, parents and relatives.' }) guardians: number;
  @Field(() => Int, { description: 'enabledUser = false.' }) disabled: number;
  @Field(() => Int, { description: 'status = tobedeleted (in 1.2, also every role row of the user).' }) toBeDeleted: number;
}

@ObjectType('RosterImport', plainFields)
export class RosterImportType {
  @Field(() => ID) id: string;
  @Field(() => String) fileName: string;
  @Field(() => String, { description: '1.1 (also for 1.0 exports) or 1.2.' }) version: string;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => [RosterSchoolType]) schools: RosterSchoolType[];
  @Field(() => [RosterRoleMappingType]) roleMappings: RosterRoleMappingType[];
  @Field(() => RosterIgnoredUsersType) ignored: RosterIgnoredUsersType;
  @Field(() => Int, { description: 'Staff whose org is not a school, or names no org of orgs.csv: reported, not imported.' }) staffNotAtSchool: number;
  @Field(() => [UploadBatchType], { description: 'One upload batch per imported school, in the upload log under its site.' }) batches: UploadBatchType[];
}

@ObjectType(plainFields)
export class RosterPreviewPayload {
  @Field(() => RosterImportType, { nullable: true }) roster: RosterImportType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType(plainFields)
export class RosterImportPayload {
  @Field(() => RosterImportType, { nullable: true }) rosterImport: RosterImportType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
