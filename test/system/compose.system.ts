import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './image-recipe';
import { run } from './processes';

// mocha reads its YAML configuration files with js-yaml, so the test runner brings it along.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- js-yaml is mocha's dependency, not ours, and ships no types
const { load: parseYaml } = require('js-yaml') as { load(this: void, text: string): unknown };

interface ComposeService {
  ports?: (string | { host_ip?: string; published: string | number; target: number })[];
  restart?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: (string | { source: string; target: string })[];
}

// docker-compose 1.x prints the short forms, the compose plugin the long ones: both become `source:target`.
const portsOf = (service: ComposeService) =>
  service.ports?.map((port) =>
    typeof port === 'string' ? port.replace(/\/tcp$/, '') : `${port.host_ip ? `${port.host_ip}:` : ''}${port.published}:${port.target}`,
  );
const volumesOf = (service: ComposeService) =>
  service.volumes?.map((volume) => (typeof volume === 'string' ? volume.replace(/:rw$/, '') : `${volume.source}:${volume.target}`));

/** Debian's docker-compose (1.x), or the compose plugin of a Docker CLI. */
const compose: string[] = spawnSync('docker-compose', ['version']).status === 0 ? ['docker-compose'] : ['docker', 'compose'];

describe('docker/compose.yaml, read by docker compose without a Docker engine [system]', () => {
  let folder: string;
  let noEnvFile: string;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'compose-'));
    // A docker/.env of the person running the tests must not answer for the environment given here.
    noEnvFile = join(folder, 'empty.env');
    writeFileSync(noEnvFile, '');
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  const config = async (files: string[], environment: Record<string, string>) => {
    const args = [...compose.slice(1), '--env-file', noEnvFile, ...files.flatMap((file) => ['-f', join(ROOT, 'docker', file)]), 'config'];
    const ran = await run(compose[0], args, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: folder, ...environment } });
    return { ...ran, services: ran.code === 0 ? (parseYaml(ran.output) as { services: Record<string, ComposeService> }).services : {} };
  };
  const SECRETS = { JWT_SECRET: 'j'.repeat(40), MYSQL_PASSWORD: 'abc123def456', PUBLIC_URL: 'https://accounts.example.org' };

  it('when the secrets are given, then the file is valid: MySQL unpublished, its password from the environment, healthchecks, restarts, the service after a healthy MySQL', async () => {
    const { code, output, services } = await config(['compose.yaml'], SECRETS);
    expect(code, output).to.equal(0);
    const { mysql, service } = services;
    expect(portsOf(mysql)).to.equal(undefined);
    expect(mysql.environment).to.include({ MYSQL_USER: 'educators', MYSQL_PASSWORD: 'abc123def456', MYSQL_RANDOM_ROOT_PASSWORD: 'yes' });
    expect(mysql.environment).to.not.have.property('MYSQL_ALLOW_EMPTY_PASSWORD');
    expect(mysql.healthcheck?.test).to.include('ping');
    expect(service.environment).to.include({
      DATABASE_URL: 'mysql://educators:abc123def456@mysql:3306/educators',
      JWT_SECRET: 'j'.repeat(40),
      PUBLIC_URL: 'https://accounts.example.org',
    });
    expect(service.depends_on).to.deep.equal({ mysql: { condition: 'service_healthy' } });
    expect([mysql.restart, service.restart]).to.deep.equal(['unless-stopped', 'unless-stopped']);
    expect(volumesOf(service)).to.deep.equal(['service-data:/app/var']);
    expect(volumesOf(mysql)).to.deep.equal(['mysql-data:/var/lib/mysql']);
  });

  for (const missing of ['MYSQL_PASSWORD', 'JWT_SECRET', 'PUBLIC_URL'] as const) {
    it(`when ${missing} is not given, then compose refuses the file, naming it`, async () => {
      const { [missing]: _left, ...others } = SECRETS;
      const { code, output } = await config(['compose.yaml'], others);
      expect(code).to.not.equal(0);
      expect(output).to.contain(`set ${missing}`);
    });
  }

  it('when the port override is added, then MySQL is published on the loopback address only', async () => {
    const { code, output, services } = await config(['compose.yaml', 'compose.mysql-port.yaml'], SECRETS);
    expect(code, output).to.equal(0);
    expect(portsOf(services.mysql)).to.deep.equal(['127.0.0.1:3307:3306']);
  });
});
