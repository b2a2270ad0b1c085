import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The checkout's root, from dist/test/system. */
export const ROOT = join(__dirname, '..', '..', '..');

export interface Instruction {
  keyword: string;
  argument: string;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

/** docker/Dockerfile as stages of instructions, continuation lines joined and comments dropped. */
export const readDockerfile = (): Stage[] => {
  const lines = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n');
  const stages: Stage[] = [];
  for (const line of lines.map((text) => text.trim()).filter((text) => text !== '' && !text.startsWith('#'))) {
    const [, keyword, argument] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (keyword.toUpperCase() === 'FROM') {
      const [image, , name] = argument.split(/\s+/);
      stages.push({ image, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), argument });
    }
  }
  return stages;
};

export const stageNamed = (stages: Stage[], name: string): Stage => {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`docker/Dockerfile has no stage named ${name}`);
  return stage;
};

export const argumentsOf = (stage: Stage, keyword: string): string[] =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.argument);

export const copiesOf = (stage: Stage): Copy[] =>
  argumentsOf(stage, 'COPY').map((argument) => {
    const words = argument.split(/\s+/);
    const from = words[0].startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
    return { from, sources: words.slice(0, -1), destination: words.at(-1)! };
  });

/** `ENV A=1 B=2` lines (the form this Dockerfile uses: no quotes, no spaces in values). */
export const environmentOf = (stage: Stage): Record<string, string> =>
  Object.fromEntries(argumentsOf(stage, 'ENV').flatMap((argument) => argument.split(/\s+/).map((pair) => pair.split('=', 2) as [string, string])));

/** The command of `CMD [...]` or `HEALTHCHECK … CMD [...]`, exec form. */
export const execForm = (argument: string): string[] => JSON.parse(argument.slice(argument.indexOf('[')));

const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .split('/')
      .map((part) =>
        part === '**'
          ? '.*'
          : part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replaceAll('*', '[^/]*')
              .replaceAll('?', '[^/]'),
      )
      .join('/')}$`,
  );

export interface BuildContext {
  /** Whether the file or folder at this path (relative, with `/`) is in the build context. */
  holds(path: string): boolean;
  /** Whether a folder left out may still have something let in below it by a later `!` pattern. */
  mayHoldBelow(folder: string): boolean;
}

/**
 * Docker's reading of .dockerignore: the last pattern that matches a path, or one of the folders it is in, decides
 * (a `!` pattern lets it in). Enough for the patterns our .dockerignore uses: `*`, `?`, `**`, `!`.
 */
export const readDockerignore = (): BuildContext => {
  const rules = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const source = line.replace(/^!/, '').replace(/^\/+|\/+$/g, '');
      return { lets: line.startsWith('!'), source, pattern: globToRegExp(source) };
    });
  return {
    holds: (path) => {
      const parts = path.split('/');
      const withFolders = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
      let held = true;
      for (const rule of rules) if (withFolders.some((candidate) => rule.pattern.test(candidate))) held = rule.lets;
      return held;
    },
    mayHoldBelow: (folder) => rules.some((rule) => rule.lets && (rule.source.startsWith(`${folder}/`) || rule.source.startsWith('**'))),
  };
};
