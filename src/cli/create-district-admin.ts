import { normalizedName } from '../infrastructure/persistence/account-listing-sql';
import { parseArgs } from 'node:util';
import { buildApplication } from '../processes/composition-root';
import { loadConfig } from '../processes/config';
import { checkPasswordStrength, registrationDeadlineFor } from '../domain/educator/educator-account';
import { EmailAddress } from '../domain/educator/email-address';
import { checkPersonName } from '../domain/educator/person-name';
import { DistrictRecord, EducatorAccountRecord, SchoolSiteRecord } from '../infrastructure/persistence/records/records';
import { runProcess } from '../processes/lifecycle';
import { readPassword } from './read-password';

const USAGE = `Creates a district (if new), its school sites, and its first District Admin, already registered.

  npm run admin:create -- --district "Name" --site "School A" --site "School B" \\
    --email admin@district.org --first-name Ada --last-name Lovelace

The password (12 to 128 characters) is asked for twice at a terminal, without echo. Without a terminal it is read
from standard input, alone on one line: npm run admin:create -- … < password-file

  --district     the district's name; created if no district has it
  --site         a school site of the district, created if new; repeat for several
  --email, --first-name, --last-name   the District Admin
  -h, --help     this text`;

const PASSWORD_ARGUMENT_REFUSED = `--password is refused: a password on the command line stays in shell history and other users see it in \`ps\`.
Leave it out to be asked for it, or pipe it on standard input (… < password-file).`;

const parseArguments = (args: string[]) => {
  if (args.some((arg) => arg === '--password' || arg.startsWith('--password='))) throw new Error(PASSWORD_ARGUMENT_REFUSED);
  try {
    return parseArgs({
      args,
      options: {
        district: { type: 'string' },
        site: { type: 'string', multiple: true },
        email: { type: 'string' },
        'first-name': { type: 'string' },
        'last-name': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${USAGE}`, { cause: error });
  }
};

/** Production has no demo data: this is how the first District Admin of a real district comes to exist. */
const createDistrictAdmin = async (): Promise<void> => {
  const values = parseArguments(process.argv.slice(2));
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const email = EmailAddress.create(values.email ?? '');
  const firstName = checkPersonName(values['first-name'] ?? '', 'First name', []);
  const lastName = checkPersonName(values['last-name'] ?? '', 'Last name', []);
  const districtName = checkPersonName(values.district ?? '', 'District name', []);
  for (const check of [email, firstName, lastName, districtName]) {
    if (!check.ok) throw new Error(`${check.error.message}\n\n${USAGE}`);
  }
  if (!email.ok || !firstName.ok || !lastName.ok || !districtName.ok) return;
  const password = await readPassword(process.stdin, process.stderr);
  const strength = checkPasswordStrength(password);
  if (!strength.ok) throw new Error(strength.error.message);

  // It creates a registered admin and sends no email, so it needs no mail transport.
  const application = await buildApplication(loadConfig({ ...process.env, MAIL_DELIVERY: 'off' }), { log: () => undefined });
  try {
    const now = application.clock.now().getTime();
    const passwordHash = await application.passwords.hash(password);
    await application.dataSource.transaction(async (manager) => {
      if (await manager.findOneBy(EducatorAccountRecord, { emailNormalized: email.value.normalized }))
        throw new Error(`${email.value.value} already has an account.`);
      const district =
        (await manager.findOneBy(DistrictRecord, { name: districtName.value })) ??
        (await manager.save(DistrictRecord, { name: districtName.value, createdAt: now }));
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
        firstNameNormalized: normalizedName(firstName.value),
        lastNameNormalized: normalizedName(lastName.value),
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
