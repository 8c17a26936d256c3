// Real kubectl ($KUBECTL, else /usr/bin/kubectl) against a simulator: the one runner the suites share.
// Each runner has a cache dir of its own, so one simulator's discovery and OpenAPI answers never serve
// another (every simulator listens on 127.0.0.1, often on a port an earlier one used).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { SimHandle } from '../../src/sim/index.js';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
export const haveKubectl = existsSync(KUBECTL);
/** `describe`, or `describe.skip` where kubectl is not installed (never skipped in CI). */
export const describeKubectl = haveKubectl || process.env.CI === 'true' ? describe : describe.skip;

export interface KubectlOptions {
  /** Written to kubectl's stdin. */
  input?: string;
}

/**
 * `kubectl --kubeconfig <sim> --cache-dir <own> ARGS`: never rejects (read exitCode), 60 s at most.
 * `sim` is read at each call, so the runner can be made before `beforeAll` starts the simulator.
 */
export function kubectlOn(sim: SimHandle | (() => SimHandle)) {
  let cacheDir: string | undefined;
  const run = (args: string[], opts: KubectlOptions = {}) => {
    cacheDir ??= mkdtempSync(join(tmpdir(), 'kdiag-kcache-'));
    const s = typeof sim === 'function' ? sim() : sim;
    return execa(KUBECTL, ['--kubeconfig', s.kubeconfigPath, '--cache-dir', cacheDir, ...args], {
      reject: false,
      timeout: 60_000,
      ...(opts.input !== undefined ? { input: opts.input } : {}),
    });
  };
  return Object.assign(run, {
    /** `kubectl -n NS exec [-i] POD -c CONTAINER -- CMD` (`-i` when there is input). */
    exec: (ns: string, pod: string, container: string, cmd: string[], opts: KubectlOptions = {}) =>
      run(['-n', ns, 'exec', ...(opts.input !== undefined ? ['-i'] : []), pod, '-c', container, '--', ...cmd], opts),
    /** Removes the cache dir (call in afterAll). */
    dispose: () => {
      if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
      cacheDir = undefined;
    },
  });
}
