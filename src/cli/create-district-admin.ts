import { parseArgs } from 'node:util';
import { buildApplication } from '../composition-root';
import { loadConfig } from '../config';
import { checkPasswordStrength, registrationDeadlineFor } from '../domain/educator/educator-account';
import { EmailAddress } from '../domain/educator/email-address';
import { checkPersonName } from '../domain/educator/person-name';
import { DistrictRecord, EducatorAccountRecord, SchoolSiteRecord } from '../infrastructure/persistence/records/records';
import { runProcess } from '../process-lifecycle';

const USAGE = `Creates a district (if new), its school sites, and its first District Admin, already registered.
npm run admin:create -- --district "Name" --site "School A" --site "School B" \\
  --email admin@district.org --first-name Ada --last-name Lovelace --password "at least 12 characters"`;

/** Production has no demo data: this is how the first District Admin of a real district comes to exist. */
const createDistrictAdmin = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      district: { type: 'string' },
      site: { type: 'string', multiple: true },
      email: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      password: { type: 'string' },
    },
  });
  const email = EmailAddress.create(values.email ?? '');
  const firstName = checkPersonName(values['first-name'] ?? '', 'First name', []);
  const lastName = checkPersonName(values['last-name'] ?? '', 'Last name', []);
  const districtName = checkPersonName(values.district ?? '', 'District name', []);
  const password = checkPasswordStrength(values.password ?? '');
  for (const check of [email, firstName, lastName, districtName, password]) {
    if (!check.ok) throw new Error(`${check.error.message}\n\n${USAGE}`);
  }
  if (!email.ok || !firstName.ok || !lastName.ok || !districtName.ok) return;

  const application = await buildApplication(loadConfig(), { log: () => undefined });
  try {
    const now = application.clock.now().getTime();
    const passwordHash = await application.passwords.hash(values.password!);
    await application.dataSource.transaction(async (manager) => {
      if (await manager.findOneBy(EducatorAccountRecord, { emailNormalized: email.value.normalized })) throw new Error(`${email.value.value} already has an account.`);
      const district = (await manager.findOneBy(DistrictRecord, { name: districtName.value })) ?? (await manager.save(DistrictRecord, { name: districtName.value, createdAt: now }));
      for (const site of values.site ?? []) {
        if (!(await manager.findOneBy(SchoolSiteRecord, { districtId: district.id, name: site.trim() }))) {
          await manager.save(SchoolSiteRecord, { districtId: district.id, name: site.trim(), createdAt: now });
        }
      }
      await manager.save(EducatorAccountRecord, {
        email: email.value.value,
        emailNormalized: email.value.normalized,
        firstName: firstName.value,
        lastName: lastName.value,
        roleCode: 'DISTRICT_ADMIN',
        districtId: district.id,
        createdAt: now,
        registrationDeadline: registrationDeadlineFor(new Date(now)).getTime(),
        registeredAt: now,
        passwordHash,
        createdByAccountId: null,
        sourceBatchId: null,
      });
    });
    console.log(`District Admin ${email.value.value} can now sign in to ${districtName.value}.`);
  } finally {
    await application.close();
  }
};

runProcess(createDistrictAdmin);
