// Foreground runner shared by `kdiag sim` and dist/sim/main.js: start, print, stop on SIGINT/SIGTERM.
import { startSim, type SimHandle, type SimOptions } from './index.js';

export function readyLine(h: SimHandle): string {
  return `kdiag sim: scenario "${h.scenario.name}" (${h.scenario.nodes.count} nodes) listening on ${h.url}`;
}

/** Runs until a signal arrives; resolves after a clean stop. */
export async function runForeground(opts: SimOptions, log: (line: string) => void): Promise<void> {
  const h = await startSim(opts);
  log(`kubeconfig: ${h.kubeconfigPath}`);
  log(readyLine(h));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void h.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
