// The simulator answers kdiag's fixed scripts in-process (src/sim/api/exec-script.ts). That answer is only
// honest if it is byte for byte what the real /bin/sh, awk, sort and sha256sum print over the same tool
// output, so every case here runs both: the real shell through the simulator's own shell host
// (exec-shell.ts: the wrappers, the fast files, the socket) and the in-process answer, then compares
// stdout, stderr and the exit code. Inputs: every recorded `service list` text, and generated maps.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { CommandResult, ExecContext } from '../../src/sim/agent.js';
import { answerScript, type ToolAnswer } from '../../src/sim/api/exec-script.js';
import { runShell, stopShellHost, type FastPaths } from '../../src/sim/api/exec-shell.js';
import {
  NODE_DIGEST_NAME,
  NODE_DIGEST_SCRIPT,
  NODE_FILTER_NAME,
  NODE_FILTER_SCRIPT,
  NODE_SCRIPT,
  NODE_SCRIPT_NAME,
  SECTIONS,
} from '../../src/model/node-script.js';
import { ROOT } from '../helpers/cli.js';

type Cli = 'cilium' | 'cilium-dbg';

/** One container's tools: the map and the small reads; anything else is "not simulated" (exit 127). */
interface Node {
  cli: Cli;
  map: ToolAnswer;
  small: Record<string, ToolAnswer>;
  /** Whether the shell's wrappers cat pre-written files (the fast path) or ask over the socket. */
  files: boolean;
}

const ok = (stdout: string): ToolAnswer => ({ exitCode: 0, stdout, stderr: '' });
const notSimulated = (bin: string): ToolAnswer => ({
  exitCode: 127,
  stdout: '',
  stderr: `${bin}: executable file not found in $PATH: not simulated\n`,
});

function toolOf(node: Node, argv: string[]): ToolAnswer {
  const line = argv.join(' ');
  if (line === `${node.cli} service list`) return node.map;
  return node.small[line.replace(node.cli, 'CLI')] ?? notSimulated(argv[0]!);
}

const hostKey = {};
const jsKey = {};
afterAll(() => stopShellHost(hostKey));

/** The shell host keeps its first tool runner: the node travels in the exec's context instead. */
const run = (c: ExecContext, a: string[]): CommandResult => {
  const t = toolOf((c as unknown as { node: Node }).node, a);
  return { exitCode: t.exitCode, stdout: [t.stdout], stderr: t.stderr };
};

/** The real shell, exactly as the simulator runs it for this argv. */
async function real(node: Node, argv: string[]): Promise<ToolAnswer> {
  const plain = (t: ToolAnswer) => (t.exitCode === 0 && !t.stderr ? t.stdout : undefined);
  const fast: FastPaths | undefined = node.files
    ? {
        cli: node.cli,
        mapKey: keyOf(node.map),
        map: () => plain(node.map),
        status: node.small['CLI status'] && plain(node.small['CLI status']),
        progs: node.small['bpftool -j prog show'] && plain(node.small['bpftool -j prog show']),
        mounts: node.small['cat /proc/mounts'] && plain(node.small['cat /proc/mounts']),
        nat: node.small['iptables-save -t nat'] && plain(node.small['iptables-save -t nat']),
      }
    : undefined;
  const r = await runShell(hostKey, { node } as unknown as ExecContext, argv.slice(1), Buffer.alloc(0), run, fast);
  return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
}

const keyOf = (a: ToolAnswer) => createHash('sha256').update(JSON.stringify(a)).digest('hex');

/** The in-process answer (twice: the second from the per-map cache); undefined: it would run the shell. */
function js(node: Node, argv: string[]): ToolAnswer | undefined {
  const tools = { cli: node.cli, mapKey: keyOf(node.map), run: (a: string[]) => toolOf(node, a) };
  const first = answerScript(jsKey, argv, tools);
  const again = answerScript(jsKey, argv, tools);
  expect(again).toEqual(first);
  return first;
}

const scripts = (cli: string, sections: string[], keys: string[]): string[][] => [
  ['sh', '-c', NODE_SCRIPT, NODE_SCRIPT_NAME, cli, sections.join(' '), ...keys],
  ['sh', '-c', NODE_FILTER_SCRIPT, NODE_FILTER_NAME, cli, ...keys],
  ['sh', '-c', NODE_DIGEST_SCRIPT, NODE_DIGEST_NAME, cli],
];

/** Both answers for one argv; the in-process one must exist (every input here is one it covers). */
async function same(node: Node, argv: string[]): Promise<void> {
  const mine = js(node, argv);
  const theirs = await real(node, argv);
  expect(mine).toBeDefined();
  expect({ argv: argv.filter((_, i) => i !== 2), ...mine }).toEqual({
    argv: argv.filter((_, i) => i !== 2),
    ...theirs,
  });
}

const SMALL: Record<string, ToolAnswer> = {
  'bpftool -j prog show': ok('[{"id":1,"type":"sched_cls","name":"cil_from_netdev"}]\n'),
  'CLI status': ok('KubeProxyReplacement:    True\n'),
  'cat /proc/mounts': ok('overlay / overlay rw 0 0\nbpffs /sys/fs/bpf bpf rw 0 0\n'),
  'iptables-save -t nat': ok('*nat\nCOMMIT\n'),
};

/** The frontends' filter keys of a `service list` text: the IP and port of each row. */
function keysOf(text: string): string[] {
  const keys: string[] = [];
  for (const l of text.split('\n')) {
    const m = /^\d+\s+\[?([0-9a-fA-F.:]+?)\]?:(\d+)/.exec(l);
    if (m) keys.push(`ip=${m[1]}`, `port=${m[2]}`);
  }
  return keys;
}

const fixtureDirs = [join(ROOT, 'fixtures/cilium'), join(ROOT, '../shared/fixtures/cilium')].filter(existsSync);
/** Each recorded text once (../shared/fixtures holds copies of some of ours). */
const fixtures = [
  ...new Map(
    fixtureDirs.flatMap((d) =>
      readdirSync(d)
        .filter((f) => /^service-list\..*\.text\.txt$/.test(f))
        .map((f) => [readFileSync(join(d, f), 'utf8'), `${d.includes('shared') ? 'shared/' : ''}${f}`] as const),
    ),
  ),
].map(([text, name]) => [name, text] as const);

describe('kdiag scripts in-process vs the real shell: recorded service lists', () => {
  test('there are recorded lists to compare on', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(7);
  });

  test.each(fixtures.map(([name, text]) => [name, text]))(
    '%s',
    async (_name, text) => {
      const keys = keysOf(text);
      const picks = [[], keys.slice(0, 2), keys, ['ip=192.0.2.77', 'port=1']];
      const node: Node = { cli: 'cilium-dbg', map: ok(text), small: SMALL, files: true };
      const runs: Promise<void>[] = [];
      for (const k of picks) for (const argv of scripts('cilium-dbg', [...SECTIONS], k)) runs.push(same(node, argv));
      // Every tool over the simulator's socket instead of the pre-written files.
      for (const argv of scripts('cilium-dbg', [...SECTIONS], keys.slice(-1)))
        runs.push(same({ ...node, files: false }, argv));
      // The other CLI name: 127 as the container answers it.
      for (const argv of scripts('cilium', [...SECTIONS], keys.slice(0, 2))) runs.push(same(node, argv));
      await Promise.all(runs);
    },
    120_000,
  );

  test('the CLI failing, with stderr and a partial map; an empty map; no trailing newline', async () => {
    const [, text] = fixtures[0]!;
    const cases: ToolAnswer[] = [
      { exitCode: 1, stdout: '', stderr: 'Error: cannot get services list: connection refused\n' },
      { exitCode: 1, stdout: text.split('\n').slice(0, 3).join('\n') + '\n', stderr: 'Error: partial\n' },
      ok(''),
      ok('ID   Frontend   Service Type   Backend\n'),
      ok(text.replace(/\n$/, '')),
    ];
    await Promise.all(
      cases.flatMap((map) =>
        scripts('cilium-dbg', [...SECTIONS], keysOf(text).slice(0, 3)).map((argv) =>
          same({ cli: 'cilium-dbg', map, small: SMALL, files: true }, argv),
        ),
      ),
    );
  }, 120_000);

  test('what it does not cover goes to the real shell', () => {
    const node: Node = { cli: 'cilium-dbg', map: ok(fixtures[0]![1]), small: SMALL, files: true };
    const [scriptArgv, filterArgv] = scripts('cilium-dbg', ['progs', 'status'], []);
    expect(js(node, scriptArgv!)).toBeDefined();
    // an unknown section, a CLI name outside the image, a key kdiag never sends, another script text
    expect(js(node, scripts('cilium-dbg', ['progs', 'bogus'], [])[0]!)).toBeUndefined();
    expect(js(node, scripts('/usr/bin/cilium-dbg', ['progs'], [])[0]!)).toBeUndefined();
    expect(js(node, [...filterArgv!, 'ip=$(reboot)'])).toBeUndefined();
    expect(js(node, ['sh', '-c', `${NODE_FILTER_SCRIPT} `, NODE_FILTER_NAME, 'cilium-dbg'])).toBeUndefined();
    expect(js(node, ['bash', ...filterArgv!.slice(1)])).toBeUndefined();
    // text awk might split otherwise (a carriage return, a non-ASCII byte)
    expect(js({ ...node, map: ok('ID\n1  10.0.0.1:80\r\n') }, filterArgv!)).toBeUndefined();
    expect(js({ ...node, map: ok('ID\n1  10.0.0.1:80 ü\n') }, filterArgv!)).toBeUndefined();
  });
});

// ---- generated maps ----------------------------------------------------------------------------

const blank = fc.constantFrom(' ', '  ', '   ', '\t', ' \t ', '      ');
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const v6 = fc.constantFrom('fd03::a', 'fd00::5452', '::', '2001:db8::1', 'fd00:10:96::53');
const port = fc.constantFrom(0, 53, 80, 443, 8080, 9153, 30001, 32727);
const proto = fc.constantFrom('', '/TCP', '/UDP', '/SCTP');
const addr = fc.oneof(
  fc.tuple(v4, port, proto).map(([ip, p, pr]) => `${ip}:${p}${pr}`),
  fc.tuple(v6, port, proto).map(([ip, p, pr]) => `[${ip}]:${p}${pr}`),
);
const type = fc.constantFrom('ClusterIP', 'NodePort', 'ExternalIPs', 'LoadBalancer', 'HostPort', 'LocalRedirect');
const state = fc.constantFrom('', ' (active)', ' (terminating)', ' (quarantined)', ' (maintenance)');
const backend = fc.tuple(fc.integer({ min: 1, max: 9 }), addr, state).map(([n, a, s]) => `${n} => ${a}${s}`);
const row = fc
  .tuple(fc.integer({ min: 1, max: 999 }), blank, addr, blank, type, blank, fc.array(backend, { maxLength: 3 }), blank)
  .map(([id, b1, fe, b2, t, b3, bes, lead]) => {
    const [first, ...rest] = bes;
    return [`${id}${b1}${fe}${b2}${t}${first ? `${b3}${first}` : ''}`, ...rest.map((b) => `${lead}${b}`)].join('\n');
  });
const junk = fc.constantFrom('', 'Error: partial output', '   ', '?', '=> =>', 'kdiag-exit 3', '7');
const mapText = fc
  .tuple(
    fc.constantFrom('ID   Frontend             Service Type   Backend', 'ID  Frontend  Service Type  Backend', ''),
    fc.array(fc.oneof({ weight: 6, arbitrary: row }, { weight: 1, arbitrary: junk }), { maxLength: 12 }),
    fc.constantFrom('\n', ''),
  )
  .map(([head, rows, end]) => (head || rows.length ? [head, ...rows].join('\n') + end : ''));

describe('kdiag scripts in-process vs the real shell: generated maps', () => {
  test('every section combination, keys that match nothing, one row or several', async () => {
    await fc.assert(
      fc.asyncProperty(
        mapText,
        fc.subarray([...SECTIONS]),
        fc.constantFrom<Cli>('cilium-dbg', 'cilium'),
        fc.constantFrom<Cli>('cilium-dbg', 'cilium'),
        fc.constantFrom(true, true, true, false),
        fc.constantFrom(0, 0, 0, 1),
        fc.nat(),
        async (text, sections, containerCli, asked, files, code, seed) => {
          const all = keysOf(text);
          const keys = [
            ...all.filter((_, i) => (seed >> (i % 24)) & 1).slice(0, 4),
            ...(seed % 3 === 0 ? ['ip=203.0.113.9', 'port=65000'] : []),
          ];
          const map: ToolAnswer = { exitCode: code, stdout: text, stderr: code ? 'Error: partial\n' : '' };
          const node: Node = { cli: containerCli, map, small: SMALL, files };
          await Promise.all(scripts(asked, sections, keys).map((argv) => same(node, argv)));
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);
});
