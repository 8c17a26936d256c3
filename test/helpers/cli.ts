// The built CLI run the way a user runs it: `node bin/run.js ARGS`, an argument array (no shell),
// against a simulator's kubeconfig when given one. The one runner every suite uses.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { SimHandle } from '../../src/sim/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Where bin/run.js and dist/ are taken from: the checkout, or (KDIAG_RELIABILITY_APP) a built copy, so a
 * concurrent `npm run build` (which empties dist/) cannot turn runs into "command not found".
 */
export const APP = process.env.KDIAG_RELIABILITY_APP ?? ROOT;
export const BIN = join(APP, 'bin/run.js');

export interface Run {
  /** The arguments as passed, `--kubeconfig PATH` included. */
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process was ended by a signal. */
  signal?: string;
}

export interface KdiagOptions {
  /** Appends `--kubeconfig` with this simulator's kubeconfig. */
  sim?: SimHandle;
  /** Appends `--kubeconfig PATH`. */
  kubeconfig?: string;
  env?: Record<string, string>;
  /** What the user types; stdin is closed after it (default: nothing). */
  input?: string;
  cwd?: string;
  timeout?: number;
}

/** The CLI started and still running, for `-f`, `--wait` and Ctrl-C; `ended()` gives its Run. */
export function spawnKdiag(args: string[], opts: KdiagOptions = {}): ResultPromise & { args: string[] } {
  const kubeconfig = opts.sim?.kubeconfigPath ?? opts.kubeconfig;
  const full = kubeconfig ? [...args, '--kubeconfig', kubeconfig] : args;
  const child = execa('node', [BIN, ...full], {
    cwd: opts.cwd ?? APP,
    reject: false,
    input: opts.input ?? '',
    timeout: opts.timeout ?? 120_000,
    // no colour, no spinner, no stack traces unless a test asks for them
    env: { ...process.env, NO_COLOR: '1', CI: 'true', DEBUG: '', ...opts.env },
  });
  return Object.assign(child, { args: full });
}

/** The outcome of a started CLI; a run ended by Ctrl-C reports 130, as a shell would. */
export async function ended(child: ReturnType<typeof spawnKdiag>): Promise<Run> {
  const r = await child;
  return {
    args: child.args,
    exitCode: r.exitCode ?? (r.signal === 'SIGINT' ? 130 : -1),
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    signal: r.signal ?? undefined,
  };
}

/** `kdiag ARGS` to completion; never rejects. */
export function kdiag(args: string[], opts: KdiagOptions = {}): Promise<Run> {
  return ended(spawnKdiag(args, opts));
}

/** stdout as JSON; a run that printed something else fails the test with what it printed. */
export function json<T = any>(r: Run): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${r.exitCode}): ${r.stdout.slice(0, 300)} / stderr: ${r.stderr.slice(0, 300)}`,
    );
  }
}

/** The non-empty lines of an output. */
export const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');
