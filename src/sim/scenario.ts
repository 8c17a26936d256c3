// Scenario files (scenarios/*.yaml): the data a simulated cluster is built from, validated with zod.
// Every key is documented in docs/scenarios.md; a bad file fails with one line naming the bad key's path.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KdiagError } from '../errors.js';

export const ROOT_CAUSES = [
  'bpf-programs-not-loaded',
  'kernel-too-old',
  'missing-capabilities',
  'bpffs-not-mounted',
  'agent-not-ready',
  'service-map-stale',
  'no-ready-endpoints',
  'kube-proxy-conflict',
  'cilium-not-installed',
] as const;

export const FAULT_KINDS = [
  'bpf-programs-not-loaded',
  'kernel-too-old',
  'missing-capabilities',
  'bpffs-not-mounted',
  'agent-crashloop',
  'agent-not-ready',
  'service-map-drift',
  'exec-hangs',
  'logs',
  'recorded-output',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults a restart of the agent pod clears unless the scenario says otherwise. */
const FIXED_BY_RESTART_DEFAULT: Record<FaultKind, boolean> = {
  'bpf-programs-not-loaded': true,
  'kernel-too-old': false,
  'missing-capabilities': false,
  'bpffs-not-mounted': false,
  'agent-crashloop': false,
  'agent-not-ready': true,
  'service-map-drift': true,
  'exec-hangs': false,
  logs: true,
  'recorded-output': false,
};

const nodeRef = z.union([z.number().int().positive(), z.string().min(1)]);
/** `all`, a node name, an index (1-based), a range `2-4`, or a list of those. */
const nodeSelector = z.union([nodeRef, z.array(nodeRef).min(1)]);

const addr = z.object({
  ip: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
});
const svcRef = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'expected "namespace/name"');

const faultBase = {
  nodes: nodeSelector.default('all'),
  fixedByRestart: z.boolean().optional(),
};

const faultSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('bpf-programs-not-loaded'),
      ...faultBase,
      /** Programs missing; all of them when omitted. */
      programs: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('kernel-too-old'),
      ...faultBase,
      kernel: z.string().default('4.8.0-58-generic'),
      /** true: the agent crash loops; false: it runs but cannot load its programs. */
      crashloop: z.boolean().default(true),
    })
    .strict(),
  z.object({ kind: z.literal('missing-capabilities'), ...faultBase }).strict(),
  z.object({ kind: z.literal('bpffs-not-mounted'), ...faultBase }).strict(),
  z
    .object({
      kind: z.literal('agent-crashloop'),
      ...faultBase,
      restarts: z.number().int().min(1).default(6),
      /** Last log line of each crashed container (defaults to a real fatal line). */
      logLine: z.string().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('agent-not-ready'),
      ...faultBase,
      restarts: z.number().int().min(0).default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('service-map-drift'),
      ...faultBase,
      /** Services whose frontends are absent from the agent's map. */
      missingFrontends: z.array(svcRef).default([]),
      /** Frontends in the map that no Service owns. */
      staleFrontends: z
        .array(
          addr.extend({
            type: z.string().default('ClusterIP'),
            backends: z.array(addr).default([]),
          }),
        )
        .default([]),
      /** Replace a service's backends with these (wrong ones). */
      wrongBackends: z.array(z.object({ service: svcRef, backends: z.array(addr).min(1) }).strict()).default([]),
      /** Drop backends of a service (the last `count`, all when omitted). */
      missingBackends: z
        .array(z.object({ service: svcRef, count: z.number().int().min(1).optional() }).strict())
        .default([]),
      /** Add backends no EndpointSlice lists. */
      extraBackends: z.array(z.object({ service: svcRef, backends: z.array(addr).min(1) }).strict()).default([]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('exec-hangs'),
      ...faultBase,
      /** Only commands starting with one of these (argv joined by spaces); every command when omitted. */
      commands: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('logs'),
      ...faultBase,
      /** Extra agent log lines, verbatim, appended after startup. */
      lines: z.array(z.string()).min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('recorded-output'),
      ...faultBase,
      /** Command as argv joined by single spaces, e.g. `cilium-dbg service list`. */
      command: z.string().min(1),
      /** File whose bytes are returned verbatim: relative to the scenario file, or a name in the Cilium fixtures. */
      fixture: z.string().min(1),
      exitCode: z.number().int().min(0).max(255).default(0),
      stream: z.enum(['stdout', 'stderr']).default('stdout'),
    })
    .strict(),
]);
export type FaultInput = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema>;

const portSchema = z
  .object({
    name: z.string().optional(),
    port: z.number().int().min(1).max(65535),
    targetPort: z.number().int().min(1).max(65535).optional(),
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
    nodePort: z.number().int().min(30000).max(32767).optional(),
  })
  .strict();

const serviceSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    namespace: z.string().default('default'),
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP'),
    clusterIP: z.string().optional(),
    ports: z
      .array(portSchema)
      .min(1)
      .default([{ port: 80, targetPort: 8080, protocol: 'TCP' }]),
    /** Ready backend pods. */
    backends: z.number().int().min(0).default(2),
    /** Backend pods that exist but are not ready (EndpointSlice `ready: false`). */
    notReadyBackends: z.number().int().min(0).default(0),
  })
  .strict();

const apiFaultSchema = z
  .object({
    /** Request path prefix, e.g. `/api/v1/namespaces/kube-system/pods`. `*` matches any path. */
    path: z.string().min(1),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
    /** Fraction of matching requests that fail (seeded). */
    rate: z.number().min(0).max(1).optional(),
    /** The first N matching requests fail (deterministic). */
    times: z.number().int().min(1).optional(),
    retryAfterSeconds: z.number().int().min(0).default(1),
    /** Extra latency for matching requests. */
    latencyMs: z.number().int().min(0).optional(),
  })
  .strict();

const scenarioSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().min(1),
    seed: z.number().int().default(1),
    kubeletVersion: z.string().default('v1.32.0'),
    cilium: z
      .object({
        installed: z.boolean().default(true),
        version: z
          .string()
          .regex(/^1\.(1[2-8])\.\d+$/, 'expected a Cilium version 1.12.x to 1.18.x')
          .default('1.16.5'),
        namespace: z.string().default('kube-system'),
        kubeProxyReplacement: z.enum(['true', 'false', 'strict', 'partial', 'probe', 'disabled']).optional(),
        /** Extra or overriding cilium-config keys. */
        config: z.record(z.string()).default({}),
        /** DaemonSet container capabilities; omitted = privileged container. */
        capabilities: z.array(z.string()).optional(),
      })
      .strict()
      .default({}),
    kubeProxy: z.boolean().default(false),
    namespaces: z.array(z.string()).default([]),
    nodes: z
      .object({
        count: z.number().int().min(1).max(5000).default(3),
        kernel: z.string().default('5.15.0-126-generic'),
        /** Kernel per node index, cycling; overrides `kernel`. */
        kernels: z.array(z.string()).optional(),
        osImage: z.string().default('Ubuntu 22.04.5 LTS'),
        faults: z.array(faultSchema).default([]),
      })
      .strict()
      .default({}),
    services: z
      .object({
        generated: z
          .object({
            count: z.number().int().min(0).default(0),
            namespaces: z.array(z.string()).min(1).default(['default']),
            backends: z.number().int().min(0).default(2),
            port: z.number().int().min(1).max(65535).default(80),
            targetPort: z.number().int().min(1).max(65535).default(8080),
          })
          .strict()
          .default({}),
        explicit: z.array(serviceSchema).default([]),
        /** Create Pod objects for backends (data only). Off by default above 2,000 services. */
        backendPods: z.boolean().optional(),
      })
      .strict()
      .default({}),
    api: z
      .object({
        latencyMs: z.number().int().min(0).default(0),
        faults: z.array(apiFaultSchema).default([]),
      })
      .strict()
      .default({}),
    rbac: z
      .object({
        user: z.string().default('kdiag'),
        deny: z
          .array(
            z
              .object({
                verb: z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']),
                resource: z.string().min(1),
                namespace: z.string().optional(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({}),
    timing: z
      .object({
        /** Delay before the simulated kubelet finishes a graceful pod deletion. */
        terminationMs: z.number().int().min(0).default(150),
        /** Delay before a recreated agent pod becomes Running and Ready. */
        agentStartMs: z.number().int().min(0).default(300),
      })
      .strict()
      .default({}),
    expect: z
      .object({
        rootCause: z.enum(ROOT_CAUSES).nullable(),
        nodes: z.array(z.string()).default([]),
        services: z.array(z.string()).default([]),
        notes: z.string().optional(),
      })
      .strict(),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
type Parsed = z.output<typeof scenarioSchema>;

export interface Scenario extends Parsed {
  name: string;
  /** Absolute path of the file, when loaded from one. */
  file?: string;
  /** Cilium minor version (12–18). */
  minor: number;
  nodeNames: string[];
  /** Faults with node names resolved and fixedByRestart defaulted. */
  resolvedFaults: (Fault & { nodeNames: string[]; fixedByRestart: boolean })[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** scenarios/ at the package root (works from src/ under jest and from dist/). */
export function scenariosDir(): string {
  const candidates = [resolve(here, '../../scenarios'), resolve(here, '../../../scenarios'), resolve('scenarios')];
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}

/** Where `fixture:` names that are not relative paths are looked up. */
export function fixturesDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.KDIAG_FIXTURES) dirs.push(process.env.KDIAG_FIXTURES, join(process.env.KDIAG_FIXTURES, 'cilium'));
  // The repo's copy of the recorded outputs, then the shared originals beside the checkout.
  dirs.push(
    resolve(scenariosDir(), '../fixtures/cilium'),
    resolve(scenariosDir(), '../../shared/fixtures/cilium'),
    resolve(scenariosDir(), 'fixtures'),
  );
  return dirs;
}

export function listScenarios(): { name: string; description: string; file: string }[] {
  const dir = scenariosDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      let description = '';
      try {
        const raw = parseYaml(readFileSync(file, 'utf8')) as { description?: unknown };
        description = typeof raw?.description === 'string' ? raw.description.trim() : '';
      } catch {
        description = '(invalid YAML)';
      }
      return { name: basename(f, extname(f)), description, file };
    });
}

function formatZodPath(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

/** Parse and validate scenario data; `source` prefixes error messages. */
export function validateScenario(input: unknown, source: string, file?: string): Scenario {
  const res = scenarioSchema.safeParse(input);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys') msg = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    throw new KdiagError('config', `${source}: ${formatZodPath(issue.path)}: ${msg}`, {
      hint: 'see docs/scenarios.md for every key',
    });
  }
  const p = res.data;
  const name = p.name ?? (file ? basename(file, extname(file)) : 'inline');
  const minor = Number(p.cilium.version.split('.')[1]);
  const nodeNames = Array.from({ length: p.nodes.count }, (_, i) => `node-${i + 1}`);
  const resolvedFaults = p.nodes.faults.map((f, i) => {
    const sel = resolveNodes(f.nodes, nodeNames, `${source}: nodes.faults[${i}].nodes`);
    return { ...f, nodeNames: sel, fixedByRestart: f.fixedByRestart ?? FIXED_BY_RESTART_DEFAULT[f.kind] };
  });
  for (const [i, s] of p.rbac.deny.entries()) {
    if (s.resource.includes(' '))
      throw new KdiagError('config', `${source}: rbac.deny[${i}].resource: no spaces allowed`);
  }
  return { ...p, name, file, minor, nodeNames, resolvedFaults };
}

function resolveNodes(sel: string | number | (string | number)[], names: string[], where: string): string[] {
  const out = new Set<string>();
  const one = (r: string | number): void => {
    if (r === 'all') {
      names.forEach((n) => out.add(n));
      return;
    }
    if (typeof r === 'number') {
      if (r > names.length) throw new KdiagError('config', `${where}: node index ${r} > nodes.count ${names.length}`);
      out.add(names[r - 1]!);
      return;
    }
    const range = /^(\d+)-(\d+)$/.exec(r);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (a < 1 || b < a || b > names.length) throw new KdiagError('config', `${where}: bad range "${r}"`);
      for (let i = a; i <= b; i++) out.add(names[i - 1]!);
      return;
    }
    if (/^\d+$/.test(r)) return one(Number(r));
    if (!names.includes(r)) throw new KdiagError('config', `${where}: unknown node "${r}"`);
    out.add(r);
  };
  (Array.isArray(sel) ? sel : [sel]).forEach(one);
  return [...out];
}

/** A scenario by name (scenarios/NAME.yaml) or by file path. */
export function loadScenario(nameOrFile: string): Scenario {
  let file = nameOrFile;
  const looksLikePath = nameOrFile.includes('/') || nameOrFile.endsWith('.yaml') || nameOrFile.endsWith('.yml');
  if (!looksLikePath) file = join(scenariosDir(), `${nameOrFile}.yaml`);
  file = isAbsolute(file) ? file : resolve(file);
  if (!existsSync(file)) {
    const known = listScenarios()
      .map((s) => s.name)
      .join(', ');
    throw new KdiagError('config', `scenario "${nameOrFile}" not found (${file})`, {
      hint: known ? `known scenarios: ${known}` : undefined,
    });
  }
  const display = looksLikePath ? nameOrFile : `scenarios/${basename(file)}`;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new KdiagError('config', `${display}: invalid YAML: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  return validateScenario(raw, display, file);
}

/** Resolve a `fixture:` reference to a readable file path. */
export function resolveFixture(ref: string, scenarioFile?: string): string {
  const tries: string[] = [];
  if (isAbsolute(ref)) tries.push(ref);
  if (scenarioFile) tries.push(resolve(dirname(scenarioFile), ref));
  for (const d of fixturesDirs()) tries.push(join(d, ref));
  const found = tries.find((t) => existsSync(t));
  if (!found) throw new KdiagError('config', `fixture "${ref}" not found (looked in: ${tries.join(', ')})`);
  return found;
}
