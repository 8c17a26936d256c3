// `node dist/sim/main.js --scenario NAME [--port N] [--kubeconfig FILE] [--latency MS] [--seed N]`:
// the simulator in its own process (benchmarks). Prints the kubeconfig path, then one ready line.
import { parseArgs } from 'node:util';
import { isKdiagError, oneLine } from '../errors.js';
import { runForeground } from './run.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'healthy' },
      port: { type: 'string', default: '0' },
      host: { type: 'string' },
      kubeconfig: { type: 'string' },
      latency: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  await runForeground(
    {
      scenario: values.scenario!,
      port: Number(values.port),
      host: values.host,
      kubeconfigPath: values.kubeconfig,
      latencyMs: values.latency ? Number(values.latency) : undefined,
      seed: values.seed ? Number(values.seed) : undefined,
    },
    (l) => console.log(l),
  );
}

main().catch((e: unknown) => {
  console.error(`kdiag sim: ${oneLine(e)}`);
  if (isKdiagError(e) && e.hint) console.error(`hint: ${e.hint}`);
  process.exit(2);
});
