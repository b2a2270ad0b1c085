import { readFileSync } from 'node:fs';

/**
 * Where a server's CPU time went, from a V8 .cpuprofile (`node --cpu-prof`): by area (our code, each package,
 * Node internals, GC), by function's own time, and by function's total time (the function and what it calls).
 * Run alone: `node dist/bench/profile-summary.js <file.cpuprofile> [top]`.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

const areaOf = (node: ProfileNode): string => {
  const { functionName, url } = node.callFrame;
  if (SPECIAL.has(functionName)) return functionName;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/(?:dist|server-build)\/(src\/.*)\.js$/.exec(url);
  if (ours) return ours[1].replace(/\/[^/]+$/, '/');
  if (url.startsWith('node:')) return 'node: internals';
  if (url === '') return '(native / V8 builtins)';
  return url;
};

const frameName = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/(?:dist|server-build)\//, '')
    .replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

const ms = (micros: number): string => (micros / 1000).toFixed(0);
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

/** A window in CLOCK_MONOTONIC microseconds (V8's profile clock, and process.hrtime's): samples outside it are left out. */
export interface Window {
  fromUs: number;
  toUs: number;
  /** What the window spans, for the summary's first line. */
  label: string;
}

export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

export const summarizeProfile = (path: string, top = 20, window?: Window): string => {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const wall = window ? Math.min(window.toUs, profile.endTime) - Math.max(window.fromUs, profile.startTime) : profile.endTime - profile.startTime;
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((sum, [, time]) => sum + time, 0);
  const busy = [...self.values()].reduce((sum, time) => sum + time, 0) - idle;

  const areas = new Map<string, number>();
  const selfByFrame = new Map<string, number>();
  const totalByFrame = new Map<string, number>();
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    areas.set(areaOf(node), (areas.get(areaOf(node)) ?? 0) + time);
    selfByFrame.set(frameName(node), (selfByFrame.get(frameName(node)) ?? 0) + time);
    // Total time: each distinct frame on the stack once (recursion counted once).
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (SPECIAL.has(frame.callFrame.functionName)) continue;
      const name = frameName(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      totalByFrame.set(name, (totalByFrame.get(name) ?? 0) + time);
    }
  }
  const table = (title: string, entries: Map<string, number>, rows: number, filter: (name: string) => boolean = () => true): string[] => [
    `| ${title} | ms | share of busy CPU |`,
    '|---|---:|---:|',
    ...[...entries]
      .filter(([name]) => filter(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(([name, time]) => `| \`${name.replace(/\|/g, '\\|')}\` | ${ms(time)} | ${pct(time, busy)} |`),
  ];
  return [
    `Profile \`${path.replace(/^.*\/bench\//, 'bench/')}\`${window ? ` (${window.label} only)` : ''}: ${ms(wall)} ms recorded, ${ms(busy)} ms busy on the main thread (${pct(busy, wall)}), ${ms(idle)} ms idle (waiting on I/O: the database, the network).`,
    '',
    ...table('area (self time)', areas, 15),
    '',
    ...table('function (self time)', selfByFrame, top),
    '',
    ...table('function of ours (total time: itself and what it calls)', totalByFrame, top, (name) => name.includes(' src/')),
    '',
    ...table('function in a package or Node (total time)', totalByFrame, top, (name) => !name.includes(' src/')),
    '',
  ].join('\n');
};

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarizeProfile(file, top ? Number(top) : 20));
}
