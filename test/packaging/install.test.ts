// SLOW (a minute or two): the install path a user takes. `npm pack` on this checkout (prepack builds),
// `npm i -g --prefix TMP` of the tarball (offline first: the dependencies are in npm's cache after
// `npm ci`), then the installed `kdiag` and `kubectl kdiag` run from a directory outside the repository
// against a simulator started by the installed `kdiag sim`.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repo = process.cwd();
const tmp = mkdtempSync(path.join(tmpdir(), 'kdiag-pack-'));
const prefix = path.join(tmp, 'prefix');
const outside = mkdtempSync(path.join(tmpdir(), 'kdiag-cwd-')); // cwd for everything the user runs
const kubeconfig = path.join(outside, 'kubeconfig');
const bin = path.join(prefix, 'bin');
// As a user runs it: without jest's NODE_ENV=test, which puts oclif into development mode (looks for tsconfig).
const { NODE_ENV: _jestEnv, ...userEnv } = process.env;
const env = { ...userEnv, NO_COLOR: '1', CI: 'true', PATH: `${bin}${path.delimiter}${process.env.PATH}` };
const run = (file: string, args: string[]) =>
  execa(file, args, { cwd: outside, env, extendEnv: false, reject: false, input: '', timeout: 180_000 });

let sim: ResultPromise | undefined;

beforeAll(async () => {
  const pack = await execa('npm', ['pack', '--pack-destination', tmp], { cwd: repo, reject: false });
  if (pack.exitCode !== 0) throw new Error(`npm pack failed: ${pack.stderr.slice(-2000)}`);
  // (stdout also carries the prepack build's output, so the tarball is found by name)
  const tgz = path.join(
    tmp,
    readdirSync(tmp).find((f) => /^kdiag-.*\.tgz$/.test(f))!,
  );
  const install = await execa(
    'npm',
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tgz],
    { cwd: outside, reject: false },
  );
  if (install.exitCode !== 0) throw new Error(`npm install -g failed: ${install.stderr.slice(-2000)}`);

  sim = execa(
    path.join(bin, 'kdiag'),
    ['sim', '--scenario', 'bpf-programs-not-loaded', '--write-kubeconfig', kubeconfig],
    {
      cwd: outside,
      env,
      extendEnv: false,
      reject: false,
    },
  );
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    sim!.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('listening on')) resolve();
    });
    void sim!.then((r) => reject(new Error(`kdiag sim exited ${r.exitCode}: ${r.stderr}`)));
  });
}, 600_000);

afterAll(async () => {
  sim?.kill('SIGINT');
  await sim?.catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('npm pack → npm install -g → run from anywhere', () => {
  test('the package holds the built CLI, its manifest, scenarios, docs and LICENSE', () => {
    const root = path.join(prefix, 'lib', 'node_modules', 'kdiag');
    for (const f of [
      'dist/commands/doctor/clusterip.js',
      'oclif.manifest.json',
      'scenarios/healthy.yaml',
      'docs/output.md',
      'LICENSE',
      'scripts/demo.js',
    ])
      expect(existsSync(path.join(root, f))).toBe(true);
    expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toContain('Apache License');
    expect(existsSync(path.join(root, 'src'))).toBe(false);
  }, 300_000);

  test('kdiag doctor clusterip finds the seeded fault (exit 1)', async () => {
    const r = await run(path.join(bin, 'kdiag'), ['doctor', 'clusterip', '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).rootCauses[0].id).toBe('bpf-programs-not-loaded');
  }, 300_000);

  test('kubectl kdiag doctor clusterip works through the kubectl-kdiag bin, and its help says kubectl kdiag', async () => {
    const r = await run('kubectl', ['kdiag', 'doctor', 'clusterip', '--kubeconfig', kubeconfig]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('[bpf-programs-not-loaded]');
    const help = await run('kubectl', ['kdiag', 'doctor', 'clusterip', '-h']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('$ kubectl kdiag doctor clusterip');
  }, 300_000);

  test('every command runs from the installed copy', async () => {
    const k = path.join(bin, 'kdiag');
    const cases: [string[], number][] = [
      [['--version'], 0],
      [['sim', 'list'], 0],
      [['service-list', '--kubeconfig', kubeconfig], 0],
      [['preflight', '--kubeconfig', kubeconfig], 1],
      [['preflight', 'list'], 0],
      [['logs', '--errors', '--kubeconfig', kubeconfig], 0],
      [['bpf', 'progs', '--kubeconfig', kubeconfig], 1],
      [['help', 'doctor'], 0],
      [['autocomplete', 'bash'], 0],
    ];
    for (const [args, code] of cases) {
      const r = await run(k, args);
      expect({ args, exitCode: r.exitCode, stderr: r.exitCode === code ? '' : r.stderr }).toEqual({
        args,
        exitCode: code,
        stderr: '',
      });
    }
  }, 300_000);

  test('the demo runs from the installed copy', async () => {
    const r = await run('node', [path.join(prefix, 'lib', 'node_modules', 'kdiag', 'scripts', 'demo.js')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('$ kdiag doctor clusterip');
  }, 300_000);
});
