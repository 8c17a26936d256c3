import { Flags } from '@oclif/core';
import { hostname } from 'node:os';
import { BaseCommand, type Outcome } from '../../base-command.js';
import { CHECKS } from '../../checks/index.js';
import { gateFlags, outputOnlyFlags, requestTimeoutFlag } from '../../flags.js';
import { applyIgnores, buildReport, gateVerdict, type GateReport } from '../../gate/gate.js';
import { resolveGate } from '../../gate/flags.js';
import { localCiliumSettings } from '../../node/local-config.js';
import { printGate, type GateFormat } from '../../gate/output.js';
import { NODE_CHECKS } from '../../node/checks/index.js';
import { runNodePreflight } from '../../engine/node-preflight.js';

export default class PreflightNode extends BaseCommand {
  static override summary = "Check this node for Cilium's eBPF prerequisites (run on the node; no cluster needed)";
  static override description = `Reads the node itself: kernel release (4.9 minimum, 5.4 recommended, more for kube-proxy
replacement / socket LB) and build config (/proc/config.gz or /boot/config-$(uname -r)), kernel BTF, the
BPF filesystem at /sys/fs/bpf, this process's capabilities, and the eBPF programs loaded right now (the
real bpftool) against the programs the Cilium config needs (--kpr, --cilium-config, --cilium-version).
Anything kdiag cannot read (no bpftool, no permission, no config file) is "unknown", never a pass.

Exit codes: 0 passed, 1 a check failed at or above --fail-on, 2 could not run or a check is unknown.`;

  static override examples = [
    'sudo <%= config.bin %> preflight node',
    '<%= config.bin %> preflight node --kpr --cilium-version 1.16 -o junit --junit-file reports/node.xml',
    '<%= config.bin %> preflight node --cilium-config /etc/cilium/config-map -o github',
  ];

  // No cluster here: the output flags of the base class and --request-timeout, which bounds bpftool
  // (--timeout is its old spelling, still accepted with a deprecation warning).
  static override baseFlags = {
    ...outputOnlyFlags,
    'request-timeout': requestTimeoutFlag('15s', 'time allowed for bpftool, e.g. 15s, 1m (0 = no limit)', {
      aliases: ['timeout'],
      deprecateAliases: true,
    }),
  } as unknown as typeof BaseCommand.baseFlags;

  static override flags = {
    ...gateFlags,
    'node-name': Flags.string({ description: 'node name in reports [default: $NODE_NAME, else the hostname]' }),
    bpftool: Flags.string({ description: 'path to bpftool', default: 'bpftool' }),
    'kernel-config': Flags.string({
      description: 'kernel config file [default: /proc/config.gz, else /boot/config-$(uname -r)]',
    }),
    kpr: Flags.boolean({
      description: 'kube-proxy replacement is enabled (socket LB and NodePort programs are required)',
    }),
    'cilium-config': Flags.string({
      description: 'cilium-config ConfigMap: a mounted volume directory, or a YAML/JSON file',
    }),
    'cilium-version': Flags.string({
      description: 'Cilium version, e.g. 1.16 (program names changed in 1.13) [default: either naming]',
    }),
  };

  protected async execute(): Promise<Outcome<GateReport>> {
    const { flags } = await this.parse(PreflightNode);
    this.setup(flags);
    const format = (flags.json ? 'json' : flags.output) as GateFormat;
    const gate = await resolveGate(flags, [...NODE_CHECKS.map((c) => c.id), ...CHECKS.map((c) => c.id)]);
    const settings = await localCiliumSettings(flags);
    const res = await runNodePreflight({
      node: flags['node-name'] ?? (process.env.NODE_NAME || hostname()),
      only: flags.check,
      skip: flags.skip,
      config: settings.config,
      minor: settings.minor,
      kernelConfig: flags['kernel-config'],
      bpftool: flags.bpftool,
      timeoutMs: this.requestTimeoutMs,
    });
    const report = buildReport(
      'node',
      res.checks.map(({ id, title }) => ({ id, title })),
      applyIgnores(res.findings, gate.ignores),
      gate.failOn,
    );
    await printGate(report, format, {
      junitFile: flags['junit-file'],
      problems: flags.problems,
      extra: { node: res.node, programs: res.programs },
    });
    return { verdict: gateVerdict(report), data: report };
  }
}
