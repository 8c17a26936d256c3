import { Flags } from '@oclif/core';
import chalk from 'chalk';
import { BaseCommand, type Outcome } from '../base-command.js';
import { KdiagError } from '../errors.js';
import { startProgress } from '../render/progress.js';
import type { BundleManifest } from '../cluster/bundle-layout.js';

export default class Bundle extends BaseCommand {
  static override summary = 'Collect what the ClusterIP playbook reads into one tar.gz, to diagnose offline';
  static override description = `One bounded, parallel pass (--concurrency, --request-timeout): the agent pods and their logs
(current and previous), per agent \`bpftool prog show\`, \`cilium-dbg status\`, \`service list\` and /proc/mounts,
cilium-config, Services, EndpointSlices, Nodes, DaemonSets and pods (kube-proxy's too), the kube-proxy
ConfigMap and the events in kube-system, with manifest.json: what was collected, what failed and why,
and kdiag's version. Secret objects are never read; tokens and password-like values are redacted.

Read it back with \`kdiag doctor clusterip --from-bundle FILE\` or \`kdiag service-list --from-bundle FILE\`.

Exit codes: 0 written (manifest.json lists anything that could not be collected), 2 could not run.`;

  static override examples = [
    '<%= config.bin %> bundle',
    '<%= config.bin %> bundle -o cluster-a.tar.gz --concurrency 16',
    '<%= config.bin %> doctor clusterip --from-bundle cluster-a.tar.gz',
  ];

  static override flags = {
    output: Flags.string({
      char: 'o',
      description: 'the archive to write [default: kdiag-bundle-YYYYMMDD-HHMMSS.tar.gz]',
      helpGroup: 'OUTPUT',
    }),
  };

  protected async execute(): Promise<Outcome<{ file: string; files: number; bytes: number; failed: number }>> {
    const { flags } = await this.parse(Bundle);
    this.setup(flags);
    const file =
      flags.output ??
      `kdiag-bundle-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}.tar.gz`;
    if (!/\.(tar\.gz|tgz)$/.test(file))
      throw new KdiagError('usage', `-o ${file}: a bundle is a tar.gz; name it FILE.tar.gz or FILE.tgz`);
    const client = await this.connect(flags);
    const progress = await startProgress('Collecting the bundle…', Boolean(process.stderr.isTTY));
    const { collectBundle } = await import('../bundle/collect.js');
    const { writeBundle } = await import('../bundle/archive.js');
    const written = await writeBundle(file, (write) =>
      collectBundle(client, {
        kdiagVersion: this.config.version,
        ciliumNamespace: flags['cilium-namespace'],
        write,
        onProgress: (d, t) => progress.update(`Collecting from the agents ${d}/${t}`),
      }),
    ).finally(() => progress.stop());
    const m: BundleManifest = written.manifest;
    process.stdout.write(
      `Wrote ${file}: ${written.files} files, ${(written.bytes / 1024).toFixed(0)} KiB before compression` +
        ` (${m.exec.length} agent commands, ${m.logs.length} logs, ${m.api.length} API lists).\n`,
    );
    if (m.failed.length) {
      process.stdout.write(
        chalk.yellow(`${m.failed.length} item(s) could not be collected (kdiag-bundle/manifest.json lists why):\n`),
      );
      for (const f of m.failed.slice(0, 10)) process.stdout.write(chalk.yellow(`  ${f.what}: ${f.error}\n`));
      if (m.failed.length > 10) process.stdout.write(chalk.yellow(`  … and ${m.failed.length - 10} more\n`));
    }
    return { verdict: 'ok', data: { file, files: written.files, bytes: written.bytes, failed: m.failed.length } };
  }
}
