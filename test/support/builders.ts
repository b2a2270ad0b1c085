import { EducatorAccount, registrationDeadlineFor, type EducatorAccountState } from '../../src/domain/educator/educator-account';
import { EmailAddress } from '../../src/domain/educator/email-address';
import type { RoleCode } from '../../src/domain/role/role';
import type { SchoolSite } from '../../src/domain/school/school-site';
import type { Actor } from '../../src/domain/shared/actor';
import type { CreateEducatorAccountRequest } from '../../src/application/create-educator-account';

// One small world reused by unit tests: two sites in district 1, one site in district 2.
export const DISTRICT_ONE = { id: 1, name: 'Riverside Unified' };
export const DISTRICT_TWO = { id: 2, name: 'Hillcrest County Schools' };
export const NORTH_HIGH: SchoolSite = { id: 11, name: 'North High', districtId: DISTRICT_ONE.id, externalId: null };
export const SOUTH_MIDDLE: SchoolSite = { id: 12, name: 'South Middle', districtId: DISTRICT_ONE.id, externalId: null };
export const HILLCREST_ELEMENTARY: SchoolSite = { id: 21, name: 'Hillcrest Elementary', districtId: DISTRICT_TWO.id, externalId: null };

export const aSite = (overrides: Partial<SchoolSite> = {}): SchoolSite => ({ ...NORTH_HIGH, ...overrides });

class ActorBuilder {
  private actor: Actor = { accountId: 1000, roleCode: 'DISTRICT_ADMIN', districtId: DISTRICT_ONE.id, schoolSiteIds: [] };

  withAccountId(accountId: number): this {
    this.actor = { ...this.actor, accountId };
    return this;
  }

  districtAdminOf(districtId: number): this {
    this.actor = { ...this.actor, roleCode: 'DISTRICT_ADMIN', districtId, schoolSiteIds: [] };
    return this;
  }

  siteAdminOf(site: SchoolSite): this {
    return this.withRole('SITE_ADMIN', [site]);
  }

  withRole(roleCode: RoleCode, sites: SchoolSite[]): this {
    this.actor = { ...this.actor, roleCode, districtId: sites[0]?.districtId ?? this.actor.districtId, schoolSiteIds: sites.map((site) => site.id) };
    return this;
  }

  build(): Actor {
    return { ...this.actor, schoolSiteIds: [...this.actor.schoolSiteIds] };
  }
}

export const anActor = (): ActorBuilder => new ActorBuilder();

/** Accounts as they would be read back from storage (already validated), for setting up a repository. */
class EducatorBuilder {
  private state: EducatorAccountState;

  constructor() {
    const createdAt = new Date('2026-09-01T08:00:00.000Z');
    this.state = {
      id: null,
      firstName: 'Ana',
      lastName: 'López',
      email: EmailAddress.restore('ana.lopez@example.org'),
      roleCode: 'EDUCATOR',
      districtId: DISTRICT_ONE.id,
      schoolSiteIds: [NORTH_HIGH.id],
      createdAt,
      registrationDeadline: registrationDeadlineFor(createdAt),
      registeredAt: null,
      passwordHash: null,
      createdByAccountId: null,
      deactivatedAt: null,
      credentialsVersion: 0,
    };
  }

  withId(id: number): this {
    this.state.id = id;
    return this;
  }

  withEmail(email: string): this {
    this.state.email = EmailAddress.restore(email);
    return this;
  }

  withName(firstName: string, lastName: string): this {
    this.state = { ...this.state, firstName, lastName };
    return this;
  }

  withRole(roleCode: RoleCode, sites: SchoolSite[] = []): this {
    this.state = { ...this.state, roleCode, schoolSiteIds: sites.map((site) => site.id), districtId: sites[0]?.districtId ?? this.state.districtId };
    return this;
  }

  inDistrict(districtId: number): this {
    this.state.districtId = districtId;
    return this;
  }

  createdAt(at: Date | string): this {
    const createdAt = new Date(at);
    this.state = { ...this.state, createdAt, registrationDeadline: registrationDeadlineFor(createdAt) };
    return this;
  }

  pending(): this {
    this.state = { ...this.state, registeredAt: null, passwordHash: null };
    return this;
  }

  registered(passwordHash: string, at?: Date | string): this {
    this.state = { ...this.state, registeredAt: new Date(at ?? this.state.createdAt), passwordHash };
    return this;
  }

  build(): EducatorAccount {
    return EducatorAccount.restore({ ...this.state, schoolSiteIds: [...this.state.schoolSiteIds] });
  }
}

export const anEducator = (): EducatorBuilder => new EducatorBuilder();

class CreationRequestBuilder {
  private request: CreateEducatorAccountRequest = {
    firstName: 'Ben',
    lastName: 'Okafor',
    email: 'ben.okafor@example.org',
    roleCode: 'EDUCATOR',
    schoolSiteIds: [NORTH_HIGH.id],
    agreementAccepted: true,
    clientAddress: '203.0.113.7',
  };

  withEmail(email: string): this {
    this.request.email = email;
    return this;
  }

  withName(firstName: string, lastName: string): this {
    this.request = { ...this.request, firstName, lastName };
    return this;
  }

  forRole(roleCode: RoleCode, sites: (SchoolSite | undefined)[]): this {
    this.request = { ...this.request, roleCode, schoolSiteIds: sites.map((site) => site?.id) };
    return this;
  }

  withSiteIds(schoolSiteIds: (number | undefined)[]): this {
    this.request.schoolSiteIds = schoolSiteIds;
    return this;
  }

  withoutAgreement(): this {
    this.request.agreementAccepted = false;
    return this;
  }

  withIdempotencyKey(idempotencyKey: string): this {
    this.request.idempotencyKey = idempotencyKey;
    return this;
  }

  build(): CreateEducatorAccountRequest {
    return { ...this.request, schoolSiteIds: [...this.request.schoolSiteIds] };
  }
}

export const aCreationRequest = (): CreationRequestBuilder => new CreationRequestBuilder();
