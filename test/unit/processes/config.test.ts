import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { effectiveConfig, loadConfig, loadDatabaseSettings } from '../../../src/processes/config';

describe('loadConfig: TRUST_PROXY and the per-address throttle', () => {
  const trustProxy = (value: string | undefined) => loadConfig({ TRUST_PROXY: value }).trustProxy;

  it('when TRUST_PROXY is unset, empty or false, then no proxy is trusted; true is one proxy, not every hop as in Express; a number is that many', () => {
    expect([undefined, '', 'false', '0'].map(trustProxy)).to.deep.equal(Array(4).fill({ hops: 0 }));
    expect(trustProxy('true')).to.deep.equal({ hops: 1 });
    expect(trustProxy('3')).to.deep.equal({ hops: 3 });
  });

  it('when TRUST_PROXY lists addresses, networks and names, then each becomes a network, single addresses with their full prefix', () => {
    expect(trustProxy('loopback, 10.0.0.0/8,192.0.2.1, 2001:db8::/32 , fd00::1')).to.deep.equal({
      networks: ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '192.0.2.1/32', '2001:db8::/32', 'fd00::1/128'],
    });
    expect(trustProxy('uniquelocal,linklocal')).to.deep.equal({
      networks: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', '169.254.0.0/16', 'fe80::/10'],
    });
  });

  it('when TRUST_PROXY holds something else, then loading refuses to start, naming the entry', () => {
    for (const wrong of ['maybe', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', 'proxy.example.org', '-1', '10.0.0.0/']) {
      expect(() => trustProxy(wrong), wrong).to.throw(`TRUST_PROXY must be true/false, 1/0, yes/no or on/off, a number of proxies, or a comma list`);
    }
  });

  it('when the address limit is not set, then a hundred failures in a row, then one every 30 seconds; both can be set', () => {
    expect(loadConfig({})).to.deep.include({ addressFailureBurst: 100, addressFailureRefillSeconds: 30 });
    expect(loadConfig({ ADDRESS_FAILURE_BURST: '400', ADDRESS_FAILURE_REFILL_SECONDS: '5' })).to.deep.include({
      addressFailureBurst: 400,
      addressFailureRefillSeconds: 5,
    });
    expect(() => loadConfig({ ADDRESS_FAILURE_BURST: '0' })).to.throw('ADDRESS_FAILURE_BURST must be a positive whole number');
  });
});

describe('loadConfig: one validated configuration', () => {
  const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: randomBytes(36).toString('base64') };

  it('when a value is wrong, then loading refuses, naming the variable, the value and what it accepts', () => {
    const refusals: [Record<string, string>, string][] = [
      [{ DATABASE_URL: 'mysq://root@db/educators' }, 'DATABASE_URL must be sqlite:<file>, sqlite::memory:, mysql://'],
      [{ DATABASE_URL: 'garbage' }, 'DATABASE_URL must be sqlite:'],
      [{ DATABASE_URL: 'postgres://root:pg-secret@db/educators' }, 'got "postgres://root:***@db/educators"'],
      [{ DATABASE_URL: 'mysql://root@db' }, 'DATABASE_URL must be'],
      [{ WORKER: 'maybe' }, 'WORKER must be true/false, 1/0, yes/no or on/off; got "maybe"'],
      [{ MAIL_DELIVERY: 'disabled' }, 'MAIL_DELIVERY must be true/false, 1/0, yes/no or on/off'],
      [{ GRAPHQL_INTROSPECTION: 'sure' }, 'GRAPHQL_INTROSPECTION must be true/false'],
      [{ DATABASE_POOL_SIZE: 'abc' }, 'DATABASE_POOL_SIZE must be a positive whole number up to 1000; got "abc"'],
      [{ SMTP_URL: 'garbage' }, 'SMTP_URL must be an smtp:// or smtps:// URL'],
      [{ SMTP_URL: 'https://mail.example.org' }, 'SMTP_URL must be an smtp:// or smtps:// URL'],
      [{ PORT: '70000' }, 'PORT must be a port number from 1 to 65535; got "70000"'],
      [{ PORT: '4000.5' }, 'PORT must be a port number'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be fatal, error, warn, info, debug, trace, silent'],
      [{ MAIL_TRANSPORT: 'pigeon' }, 'MAIL_TRANSPORT must be smtp or file'],
      [{ API_PROCESSES: '65' }, 'API_PROCESSES must be a positive whole number up to 64'],
    ];
    for (const [env, message] of refusals) expect(() => loadConfig(env), JSON.stringify(env)).to.throw(message);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://root:pg-secret@db/educators' }))
      .to.throw()
      .with.property('message')
      .that.does.not.include('pg-secret');
  });

  it('when several values are wrong, then one refusal names each of them', () => {
    expect(() => loadConfig({ PORT: '0', WORKER: 'nope' })).to.throw(/Invalid configuration:\n {2}PORT must be .*\n {2}WORKER must be/);
  });

  it('when a boolean is spelled true/false, 1/0, yes/no or on/off in any case, then it means what it says', () => {
    for (const word of ['true', '1', 'yes', 'on', 'TRUE', 'Yes', 'ON']) {
      expect(loadConfig({ WORKER: word, MAIL_DELIVERY: word, GRAPHQL_INTROSPECTION: word }), word).to.deep.include({
        worker: true,
        mailDelivery: true,
        introspection: true,
      });
    }
    for (const word of ['false', '0', 'no', 'off', 'FALSE', 'No', 'OFF']) {
      expect(loadConfig({ WORKER: word, MAIL_DELIVERY: word, GRAPHQL_INTROSPECTION: word }), word).to.deep.include({
        worker: false,
        mailDelivery: false,
        introspection: false,
      });
    }
    expect(['yes', 'on', '1'].map((word) => loadConfig({ TRUST_PROXY: word }).trustProxy)).to.deep.equal(Array(3).fill({ hops: 1 }));
    expect(['no', 'off'].map((word) => loadConfig({ TRUST_PROXY: word }).trustProxy)).to.deep.equal(Array(2).fill({ hops: 0 }));
  });

  it('when a variable is empty, then it takes its default, as a compose file leaves it', () => {
    expect(loadConfig({ PORT: '', WORKER: ' ', SMTP_URL: '', DATABASE_URL: '' })).to.deep.include({
      port: 4000,
      worker: true,
      smtpUrl: undefined,
      databaseUrl: undefined,
    });
  });

  it('when the database URL is SQLite, MySQL or MariaDB, then it is kept, with its pool size', () => {
    for (const url of ['sqlite:var/educators.sqlite', 'sqlite::memory:', 'mysql://root:secret@127.0.0.1:3306/educators', 'mariadb://app@db/educators']) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).to.equal(url);
    }
    expect(loadDatabaseSettings({ DATABASE_URL: 'mysql://root@db/educators', DATABASE_POOL_SIZE: '25' })).to.deep.equal(['mysql://root@db/educators', 25]);
    expect(() => loadDatabaseSettings({ DATABASE_URL: 'postgres://root@db/educators' })).to.throw('DATABASE_URL must be');
  });

  it('when in production without SMTP_URL, then loading refuses unless MAIL_TRANSPORT=file asks for files by name', () => {
    expect(() => loadConfig(PRODUCTION)).to.throw('SMTP_URL must be set in production');
    expect(() => loadConfig({ ...PRODUCTION, SMTP_URL: '' })).to.throw('SMTP_URL must be set in production');
    expect(loadConfig({ ...PRODUCTION, MAIL_TRANSPORT: 'file' })).to.deep.include({ mailTransport: 'file', production: true });
    expect(loadConfig({ ...PRODUCTION, SMTP_URL: 'smtps://mailer:pw@mail.example.org:465' })).to.deep.include({ mailTransport: 'smtp' });
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp' })).to.throw('MAIL_TRANSPORT=smtp needs SMTP_URL');
    expect(loadConfig({})).to.deep.include({ mailTransport: 'file' });
  });

  it('when a production process only queues emails (MAIL_DELIVERY=off), then it needs no mail transport: the sender does', () => {
    expect(loadConfig({ ...PRODUCTION, MAIL_DELIVERY: 'off' })).to.deep.include({ mailDelivery: false, production: true });
    expect(() => loadConfig({ ...PRODUCTION, MAIL_DELIVERY: 'on' })).to.throw('SMTP_URL must be set in production');
  });

  it('when the effective configuration is shown, then JWT_SECRET and the passwords inside URLs are masked, nothing else', () => {
    const jwtSecret = randomBytes(36).toString('base64');
    const config = loadConfig({
      JWT_SECRET: jwtSecret,
      DATABASE_URL: 'mysql://app:db-pass%40word@db:3306/educators',
      SMTP_URL: 'smtps://mailer:smtp-pass@mail.example.org:465',
    });
    const shown = effectiveConfig({ ...config, metricsToken: 'the-metrics-token' });
    const text = JSON.stringify(shown);
    for (const secret of [jwtSecret, 'db-pass', 'smtp-pass', 'the-metrics-token']) expect(text).to.not.include(secret);
    expect(shown).to.deep.include({
      jwtSecret: '***',
      metricsToken: '***',
      databaseUrl: 'mysql://app:***@db:3306/educators',
      smtpUrl: 'smtps://mailer:***@mail.example.org:465',
      tokenLifetimeSeconds: 3600,
      port: 4000,
    });
  });
});
