// `kdiag preflight node` and `kdiag bpf progs --local` against the REAL kernel and the real bpftool:
// a tiny C helper loads programs named like Cilium's (the kernel keeps 15 characters of the name) and
// pins them in /sys/fs/bpf; kdiag must see them, and must stop seeing them once the pins are removed.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kdiag, ROOT } from '../helpers/cli.js';

const CI = process.env.CI === 'true';

/** Why this machine cannot run the test, or undefined. */
function unsupported(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (loading and pinning eBPF programs needs CAP_BPF/CAP_SYS_ADMIN)';
  const mounts = readFileSync('/proc/self/mounts', 'utf8');
  if (!mounts.split('\n').some((l) => l.split(' ')[1] === '/sys/fs/bpf' && l.split(' ')[2] === 'bpf'))
    return 'no bpffs at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)';
  return undefined;
}

const why = unsupported();
if (why && !CI) process.stderr.write(`test/node/local-bpf.test.ts: skipped: ${why}\n`);
const maybe = why && !CI ? describe.skip : describe;

interface Loaded {
  name: string;
  id: number;
  pin: string;
}
interface Row {
  name: string;
  type: string;
  state: string;
  programs: { id: number; name: string }[];
}

maybe('real kernel: programs named like Cilium’s', () => {
  const work = mkdtempSync(join(tmpdir(), 'kdiag-bpf-'));
  const pinDir = `/sys/fs/bpf/kdiag-test-${process.pid}`;
  let loaded: Loaded[] = [];

  beforeAll(async () => {
    if (why) throw new Error(`CI=true but this machine cannot run the BPF test: ${why}`);
    const bin = join(work, 'load-progs');
    await execa('gcc', ['-O2', '-Wall', '-o', bin, join(ROOT, 'test/helpers/bpf/load-progs.c')]);
    mkdirSync(pinDir);
    const r = await execa(bin, [pinDir, 'sched_cls:cil_from_container', 'sock4_connect:cil_sock4_connect']);
    loaded = String(r.stdout)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Loaded);
  });

  afterAll(() => {
    rmSync(pinDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const idsOf = (rows: Row[], name: string) => rows.find((r) => r.name === name)?.programs.map((p) => p.id) ?? [];

  test('preflight node sees them (matched despite the 15-character truncation), then sees them gone', async () => {
    expect(loaded.map((l) => l.name)).toEqual(['cil_from_container', 'cil_sock4_connect']);
    const run = async () => {
      const r = await kdiag([
        'preflight',
        'node',
        '--kpr',
        '--cilium-version',
        '1.16',
        '-o',
        'json',
        '--check',
        'node-bpf-programs',
      ]);
      return {
        exitCode: r.exitCode,
        rep: JSON.parse(r.stdout) as { programs: Row[]; findings: { id: string; status: string; message: string }[] },
      };
    };
    const before = await run();
    const byName = (n: string) => before.rep.programs.find((r) => r.name === n)!;
    expect(byName('cil_from_container')).toMatchObject({ type: 'sched_cls', state: 'loaded' });
    expect(byName('cil_sock4_connect')).toMatchObject({ type: 'cgroup_sock_addr', state: 'loaded' });
    expect(idsOf(before.rep.programs, 'cil_from_container')).toContain(loaded[0]!.id);
    expect(idsOf(before.rep.programs, 'cil_sock4_connect')).toContain(loaded[1]!.id);
    // bpftool printed the kernel's truncated names
    expect(byName('cil_from_container').programs.find((p) => p.id === loaded[0]!.id)!.name).toBe('cil_from_contai');
    // the rest of what KPR needs is not loaded here: the check fails and names what is missing
    expect(before.rep.findings).toEqual([expect.objectContaining({ id: 'node-bpf-programs/missing', status: 'fail' })]);
    expect(before.rep.findings[0]!.message).not.toContain('cil_from_container');
    expect(before.exitCode).toBe(1);

    rmSync(pinDir, { recursive: true, force: true });
    // The kernel frees an unpinned program after an RCU grace period: poll (no timing assertion).
    let after = await run();
    for (let i = 0; i < 50 && idsOf(after.rep.programs, 'cil_from_container').length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await run();
    }
    expect(after.rep.programs.find((r) => r.name === 'cil_from_container')).toMatchObject({
      state: 'missing',
      programs: [],
    });
    expect(after.rep.programs.find((r) => r.name === 'cil_sock4_connect')).toMatchObject({
      state: 'missing',
      programs: [],
    });
    expect(after.rep.findings[0]).toMatchObject({ id: 'node-bpf-programs/none-loaded', status: 'fail' });
  });

  test('bpf progs --local -o json sees the pinned programs', async () => {
    if (!existsSync(pinDir)) {
      mkdirSync(pinDir);
      const r = await execa(join(work, 'load-progs'), [
        pinDir,
        'sched_cls:cil_from_container',
        'sock4_connect:cil_sock4_connect',
      ]);
      loaded = String(r.stdout)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Loaded);
    }
    const r = await kdiag(['bpf', 'progs', '--local', '--kpr', '-o', 'json']);
    const views = JSON.parse(r.stdout) as { node: string; rows: Row[]; summary: { loaded: number; missing: number } }[];
    expect(views).toHaveLength(1);
    expect(idsOf(views[0]!.rows, 'cil_from_container')).toContain(loaded[0]!.id);
    expect(idsOf(views[0]!.rows, 'cil_sock4_connect')).toContain(loaded[1]!.id);
    expect(views[0]!.summary.loaded).toBeGreaterThanOrEqual(2);
    expect(r.exitCode).toBe(1); // other KPR programs are missing on this machine
  });

  test('a missing bpftool is unknown with the reason, never a pass', async () => {
    const r = await kdiag([
      'preflight',
      'node',
      '-o',
      'json',
      '--check',
      'node-bpf-programs',
      '--bpftool',
      join(work, 'no-such-bpftool'),
    ]);
    const rep = JSON.parse(r.stdout) as { findings: { id: string; status: string; message: string }[] };
    expect(rep.findings).toEqual([
      expect.objectContaining({
        id: 'node-bpf-programs/unknown',
        status: 'unknown',
        message: expect.stringContaining('bpftool not found'),
      }),
    ]);
    expect(r.exitCode).toBe(2);
  });
});
