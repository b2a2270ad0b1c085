import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// Compiled to dist/test/integration/architecture: the project root is four levels up.
const ROOT = resolve(__dirname, '../../../..');
const SRC = join(ROOT, 'src');

const FRAMEWORKS = [
  'typeorm',
  'type-graphql',
  'class-validator',
  'graphql',
  'express',
  'mysql2',
  'better-sqlite3',
  '@apollo/server',
  'graphql-upload-ts',
  'graphql-scalars',
  'nodemailer',
  'argon2',
  'jsonwebtoken',
  'dataloader',
  'csv-parser',
  'csv-parse',
  'reflect-metadata',
  'prom-client',
];
const NODE_IO = ['fs', 'path', 'http', 'https', 'crypto', 'net', 'os', 'child_process', 'stream', 'worker_threads'];

const tsFilesUnder = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

/** Every module a file names: static imports and re-exports (type-only included), `import 'x'`, `require('x')`, `import('x')`. */
export const importedSpecifiers = (source: string): string[] => {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[\s\S]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return [...new Set(patterns.flatMap((pattern) => [...withoutComments.matchAll(pattern)].map((match) => match[1])))];
};

const isFramework = (specifier: string): boolean => FRAMEWORKS.some((name) => specifier === name || specifier.startsWith(`${name}/`));
const isNodeIo = (specifier: string): boolean =>
  specifier.startsWith('node:') || NODE_IO.some((name) => specifier === name || specifier.startsWith(`${name}/`));
const isInside = (path: string, directory: string): boolean => path === directory || path.startsWith(`${directory}${sep}`);

interface Violation {
  file: string;
  specifier: string;
  why: string;
}

const describeViolations = (violations: Violation[]): string =>
  violations.map((violation) => `${violation.file} imports '${violation.specifier}' (${violation.why})`).join('\n');

/** The domain is pure TypeScript: it may import only other files of the domain. */
const domainViolations = (file: string, specifiers: string[]): Violation[] =>
  specifiers.flatMap((specifier) => {
    const at = relative(ROOT, file);
    if (isFramework(specifier)) return [{ file: at, specifier, why: 'a framework' }];
    if (isNodeIo(specifier)) return [{ file: at, specifier, why: 'Node I/O' }];
    if (!specifier.startsWith('.')) return [{ file: at, specifier, why: 'a package outside src/domain' }];
    if (!isInside(resolve(dirname(file), specifier), join(SRC, 'domain'))) return [{ file: at, specifier, why: 'a module outside src/domain' }];
    return [];
  });

/** Use cases know the domain and their own ports; frameworks, infrastructure and wiring stay outside. */
const applicationViolations = (file: string, specifiers: string[]): Violation[] =>
  specifiers.flatMap((specifier) => {
    const at = relative(ROOT, file);
    if (isFramework(specifier)) return [{ file: at, specifier, why: 'a framework' }];
    if (isNodeIo(specifier)) return [{ file: at, specifier, why: 'Node I/O' }];
    if (!specifier.startsWith('.')) return [];
    const target = resolve(dirname(file), specifier);
    if (isInside(target, join(SRC, 'application')) || isInside(target, join(SRC, 'domain'))) return [];
    return [{ file: at, specifier, why: 'outside src/application and src/domain' }];
  });

describe('Architecture: dependencies point inward', () => {
  const domainFiles = tsFilesUnder(join(SRC, 'domain'));
  const applicationFiles = tsFilesUnder(join(SRC, 'application'));

  it('when the import reader is given every form of import, then it finds each module', () => {
    const sample = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      'import {\n  c,\n  d,\n} from "typeorm";',
      "import * as e from 'node:fs';",
      "import f from 'express';",
      "import 'reflect-metadata';",
      "export { g } from './g';",
      "export * from 'graphql';",
      "const h = require('mysql2');",
      "const i = await import('better-sqlite3');",
      "// import { nope } from 'commented-out';",
    ].join('\n');
    expect(importedSpecifiers(sample)).to.have.members([
      './a',
      '../b',
      'typeorm',
      'node:fs',
      'express',
      'reflect-metadata',
      './g',
      'graphql',
      'mysql2',
      'better-sqlite3',
    ]);
  });

  it('when a domain file imported a framework, Node I/O or a module outside the domain, then the rule would report it', () => {
    const file = join(SRC, 'domain', 'educator', 'example.ts');
    const found = domainViolations(file, [
      'typeorm',
      'class-validator',
      'node:crypto',
      'fs',
      'path',
      'http',
      'crypto',
      'lodash',
      '../../infrastructure/x',
      '../../application/y',
      '../role/role',
      './email-address',
    ]);
    expect(found.map((violation) => violation.specifier)).to.deep.equal([
      'typeorm',
      'class-validator',
      'node:crypto',
      'fs',
      'path',
      'http',
      'crypto',
      'lodash',
      '../../infrastructure/x',
      '../../application/y',
    ]);
  });

  it('when src/domain and src/application are read, then there are files with imports to check', () => {
    expect(domainFiles.length).to.be.greaterThan(5);
    expect(applicationFiles.length).to.be.greaterThan(5);
    expect(importedSpecifiers(readFileSync(join(SRC, 'domain', 'educator', 'educator-account.ts'), 'utf8'))).to.include('../role/role');
  });

  it('when every .ts under src/domain is read, then none imports a framework, Node I/O or anything outside src/domain', () => {
    const violations = domainFiles.flatMap((file) => domainViolations(file, importedSpecifiers(readFileSync(file, 'utf8'))));
    expect(violations, describeViolations(violations)).to.deep.equal([]);
  });

  it('when every .ts under src/application is read, then none imports a framework, Node I/O, src/infrastructure or the composition root', () => {
    const violations = applicationFiles.flatMap((file) => applicationViolations(file, importedSpecifiers(readFileSync(file, 'utf8'))));
    expect(violations, describeViolations(violations)).to.deep.equal([]);
  });
});
