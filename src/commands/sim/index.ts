import { Command, Flags } from '@oclif/core';

export default class Sim extends Command {
  static override description =
    'Run a simulated Cilium cluster (a Kubernetes API server on 127.0.0.1) from a scenario, in the foreground';

  static override examples = [
    '<%= config.bin %> sim --scenario healthy',
    '<%= config.bin %> sim --scenario bpf-programs-not-loaded --port 6443 --write-kubeconfig /tmp/sim.kubeconfig',
    '<%= config.bin %> sim --scenario ./my-scenario.yaml --latency 20',
  ];

  static override flags = {
    scenario: Flags.string({
      char: 's',
      description: 'scenario name (see `kdiag sim list`) or a YAML file',
      default: 'healthy',
    }),
    port: Flags.integer({ description: 'port to listen on (0 = random)', default: 0, min: 0, max: 65535 }),
    'write-kubeconfig': Flags.string({ description: 'write the kubeconfig here (default: a temp file)' }),
    latency: Flags.integer({ description: 'added latency per API request, in milliseconds', min: 0 }),
    seed: Flags.integer({ description: 'override the scenario seed' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Sim);
    const { runForeground } = await import('../../sim/run.js');
    const { isKdiagError, oneLine } = await import('../../errors.js');
    try {
      await runForeground(
        {
          scenario: flags.scenario,
          port: flags.port,
          kubeconfigPath: flags['write-kubeconfig'],
          latencyMs: flags.latency,
          seed: flags.seed,
        },
        (l) => this.log(l),
      );
    } catch (e) {
      this.error(oneLine(e), {
        exit: isKdiagError(e) ? e.exitCode : 2,
        suggestions: isKdiagError(e) && e.hint ? [e.hint] : undefined,
      });
    }
  }
}
