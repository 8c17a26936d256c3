// Exec is a real shell (issue #17 item 4): stdin is honoured, `sh -c` runs /bin/sh over the simulated
// agent tools (so pipes, grep, sort, sha256sum and exit codes are real), anything else not simulated
// answers "not simulated" with exit 127. Driven with real kubectl.
import { createHash } from 'node:crypto';
import { describeKubectl as maybe, kubectlOn } from '../helpers/kubectl.js';
import { agentPods, scenario, simulator, type SimHandle } from '../helpers/sim.js';

maybe('exec is a real shell over the simulated tools', () => {
  let sim: SimHandle;
  let pod: string;
  const kubectl = kubectlOn(() => sim);
  const exec = (cmd: string[], input?: string) => kubectl.exec('kube-system', pod, 'cilium-agent', cmd, { input });

  beforeAll(async () => {
    sim = await simulator(scenario({ count: 2 }));
    pod = agentPods(sim)[0]!.metadata.name;
  });
  afterAll(async () => {
    await sim?.stop();
    kubectl.dispose();
  });

  test('stdin reaches the command', async () => {
    const r = await exec(['cat'], 'hi\n');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('hi');
  });

  test('sh -c runs every command and keeps the exit code', async () => {
    const r = await exec(['sh', '-c', 'cilium-dbg version >/dev/null; echo after; exit 4']);
    expect(r.stdout).toBe('after');
    expect(r.exitCode).toBe(4);
  });

  test('pipes over the simulated CLI are real: grep, sort, sha256sum', async () => {
    const full = await exec(['cilium-dbg', 'service', 'list']);
    expect(full.exitCode).toBe(0);
    const fe = full.stdout.split('\n')[1]!.trim().split(/\s+/)[1]!; // the first row's frontend
    const grep = await exec(['sh', '-c', 'cilium-dbg service list | grep -F -- "$1"', 'x', fe]);
    expect(grep.exitCode).toBe(0);
    const want = full.stdout.split('\n').filter((l) => l.includes(fe));
    expect(want.length).toBeGreaterThan(0);
    expect(grep.stdout.split('\n')).toEqual(want);
    const none = await exec(['sh', '-c', 'cilium-dbg service list | grep -F -- "$1"', 'x', '203.0.113.9:1']);
    expect(none.exitCode).toBe(1);
    const sum = await exec(['sh', '-c', 'cilium-dbg service list | sort | sha256sum']);
    const sorted = (full.stdout + '\n').split('\n').slice(0, -1).sort().join('\n') + '\n';
    expect(sum.stdout.split(/\s+/)[0]).toBe(createHash('sha256').update(Buffer.from(sorted)).digest('hex'));
  });

  test('a command the simulator lacks answers "not simulated" with exit 127', async () => {
    const r = await exec(['ls', '/']);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/^ls: .*not simulated/);
    const inShell = await exec(['sh', '-c', 'ls /']);
    expect(inShell.exitCode).toBe(127);
  });
});
