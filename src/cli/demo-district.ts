import { normalizedName } from '../infrastructure/persistence/account-listing-sql';
import type { DataSource } from 'typeorm';
import type { Clock } from '../application/ports/clock';
import type { PasswordHasher } from '../application/ports/password-hasher';
import { DEMO_PASSWORD } from '../processes/config';
import { DistrictRecord, EducatorAccountRecord, EducatorAccountSiteRecord, SchoolSiteRecord } from '../infrastructure/persistence/records/records';
import { registrationDeadlineFor } from '../domain/educator/educator-account';

export const DEMO_DISTRICT_ADMIN_EMAIL = 'district.admin@demo-usd.example.org';
export const DEMO_SITE_ADMIN_EMAIL = 'site.admin@demo-partner-high.example.org';
export const DEMO_DISTRICT = 'Demo Unified School District';
export const DEMO_SITES = ['Demo Partner High', 'Demo Middle School'] as const;

export interface DemoDistrict {
  districtId: number;
  siteIds: number[];
  districtAdminEmail: string;
  siteAdminEmail: string;
  password: string;
}

/** Seeds the demo district on an empty database only; returns null when accounts already exist. */
export const seedDemoDistrict = async (dataSource: DataSource, passwords: PasswordHasher, clock: Clock): Promise<DemoDistrict | null> => {
  if ((await dataSource.getRepository(EducatorAccountRecord).count()) > 0) return null;
  const now = clock.now();
  const passwordHash = await passwords.hash(DEMO_PASSWORD);
  return dataSource.transaction(async (manager) => {
    const district = await manager.save(DistrictRecord, { name: DEMO_DISTRICT, createdAt: now.getTime() });
    const sites = [];
    for (const name of DEMO_SITES) sites.push(await manager.save(SchoolSiteRecord, { name, districtId: district.id, createdAt: now.getTime() }));
    const activeAccount = (email: string, firstName: string, lastName: string, roleCode: string) => ({
      email,
      emailNormalized: email,
      firstName,
      lastName,
      firstNameNormalized: normalizedName(firstName),
      lastNameNormalized: normalizedName(lastName),
      roleCode,
      districtId: district.id,
      createdAt: now.getTime(),
      registrationDeadline: registrationDeadlineFor(now).getTime(),
      registeredAt: now.getTime(),
      passwordHash,
      createdByAccountId: null,
      sourceBatchId: null,
    });
    await manager.save(EducatorAccountRecord, activeAccount(DEMO_DISTRICT_ADMIN_EMAIL, 'Dana', 'District', 'DISTRICT_ADMIN'));
    const siteAdmin = await manager.save(EducatorAccountRecord, activeAccount(DEMO_SITE_ADMIN_EMAIL, 'Sam', 'Site', 'SITE_ADMIN'));
    await manager.insert(EducatorAccountSiteRecord, { accountId: siteAdmin.id, schoolSiteId: sites[0].id });
    return {
      districtId: district.id,
      siteIds: sites.map((site) => site.id),
      districtAdminEmail: DEMO_DISTRICT_ADMIN_EMAIL,
      siteAdminEmail: DEMO_SITE_ADMIN_EMAIL,
      password: DEMO_PASSWORD,
    };
  });
};

/** Production must not run with a demo account still using the published demo password. */
export const demoPasswordInUse = async (dataSource: DataSource, passwords: PasswordHasher): Promise<boolean> => {
  const demoAccounts = await dataSource
    .getRepository(EducatorAccountRecord)
    .findBy([{ emailNormalized: DEMO_DISTRICT_ADMIN_EMAIL }, { emailNormalized: DEMO_SITE_ADMIN_EMAIL }]);
  for (const account of demoAccounts) if (account.passwordHash && (await passwords.verify(account.passwordHash, DEMO_PASSWORD))) return true;
  return false;
};

export const printDemoSignIn = (demo: DemoDistrict, write: (line: string) => void = console.log): void => {
  write(`Seeded "${DEMO_DISTRICT}" with sites ${DEMO_SITES.join(' and ')}. Sign in with:`);
  write(`  District Admin: ${demo.districtAdminEmail}`);
  write(`  Site Admin (${DEMO_SITES[0]}): ${demo.siteAdminEmail}`);
  write(`  Password (both): ${demo.password}`);
};
