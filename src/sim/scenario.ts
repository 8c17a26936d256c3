// Scenario files (scenarios/*.yaml): the data a simulated cluster is built from, validated with zod.
// Every key is documented in docs/scenarios.md; a bad file fails with one line naming the bad key's path.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CAUSES } from '../model/causes.js';
import { KdiagError } from '../errors.js';
import { faultDef, faultSchema, type Fault } from './faults/index.js';
import { scenariosDir } from './paths.js';

export { fixturesDirs, resolveFixture, scenariosDir } from './paths.js';

/** Every root cause of the one catalogue; `expect.rootCause` names one of them (or null: healthy). */
export const ROOT_CAUSES = CAUSES.map((c) => c.id) as [string, ...string[]];

export { FAULT_KINDS, type Fault, type FaultInput, type FaultKind } from './faults/index.js';

const portSchema = z
  .object({
    name: z.string().optional(),
    port: z.number().int().min(1).max(65535),
    targetPort: z.number().int().min(1).max(65535).optional(),
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
    nodePort: z.number().int().min(30000).max(32767).optional(),
  })
  .strict();

/** One explicit backend of a Service: its pod's address as the EndpointSlice lists it. */
const endpointSchema = z
  .object({
    ip: z.string().refine((ip) => isIP(ip) !== 0, 'not an IPv4 or IPv6 address'),
    /** The backend's port (stands in for the first port's targetPort); default the Service's targetPort. */
    port: z.number().int().min(1).max(65535).optional(),
    /** The node the backend pod runs on; default: the node whose pod CIDR holds `ip`, else a seeded pick. */
    node: z.string().optional(),
    ready: z.boolean().default(true),
    /** The pod is being deleted and still serving (EndpointSlice `ready: false, serving: true`). */
    terminating: z.boolean().default(false),
  })
  .strict();

const serviceSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    namespace: z.string().default('default'),
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP'),
    clusterIP: z.string().optional(),
    /** IPv6 or dual-stack: the families in order (the first is `clusterIP`); IPv6 needs `nodes.dualStack`. */
    ipFamilies: z
      .array(z.enum(['IPv4', 'IPv6']))
      .min(1)
      .max(2)
      .refine((f) => new Set(f).size === f.length, 'each family once')
      .default(['IPv4']),
    /** The IPv6 ClusterIP of an IPv6 or dual-stack Service (auto from fd00:10:96::/112). */
    clusterIPv6: z.string().optional(),
    ports: z
      .array(portSchema)
      .min(1)
      .default([{ port: 80, targetPort: 8080, protocol: 'TCP' }]),
    /** Ready backend pods (default 2); or `endpoints`, never both. */
    backends: z.number().int().min(0).optional(),
    /** Explicit backends (IPv4 or IPv6), e.g. to match a recorded `service list`; instead of `backends`. */
    endpoints: z.array(endpointSchema).optional(),
    /** Backend pods that exist but are not ready (EndpointSlice `ready: false`). */
    notReadyBackends: z.number().int().min(0).default(0),
    /**
     * Backend pods being deleted (deletionTimestamp set) that have not gone: EndpointSlice `ready: false,
     * serving: true, terminating: true`. All backends terminating and none ready is a stuck rollout.
     */
    terminatingBackends: z.number().int().min(0).default(0),
    /** Service labels, e.g. `service.kubernetes.io/service-proxy-name` (the agents then skip it). */
    labels: z.record(z.string()).optional(),
  })
  .strict()
  .refine(
    (s) => !s.endpoints || (s.backends === undefined && s.notReadyBackends === 0 && s.terminatingBackends === 0),
    { message: 'endpoints and backends/notReadyBackends/terminatingBackends exclude each other', path: ['endpoints'] },
  );

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
          .regex(/^1\.(1[2-9])\.\d+$/, 'expected a Cilium version 1.12.x to 1.19.x')
          .default('1.16.5'),
        namespace: z.string().default('kube-system'),
        kubeProxyReplacement: z.enum(['true', 'false', 'strict', 'partial', 'probe', 'disabled']).optional(),
        /** Extra or overriding cilium-config keys. */
        config: z.record(z.string()).default({}),
        /** cilium-config's metadata: labels and annotations (e.g. Helm's `meta.helm.sh/release-name`). */
        configMetadata: z
          .object({ labels: z.record(z.string()).optional(), annotations: z.record(z.string()).optional() })
          .strict()
          .default({}),
        /** DaemonSet container capabilities; omitted = privileged container. */
        capabilities: z.array(z.string()).optional(),
        /** The agent image ships the hubble CLI (images/cilium/Dockerfile); false: an image without it (exit 127). */
        hubbleCli: z.boolean().default(true),
      })
      .strict()
      .default({}),
    kubeProxy: z.boolean().default(false),
    /** The Service datapath beside (or instead of) Cilium: kube-proxy's mode, Calico and its dataplane. */
    datapath: z
      .object({
        /** KubeProxyConfiguration `mode` in the kube-proxy ConfigMap ('' = the platform default, iptables). */
        kubeProxyMode: z.enum(['iptables', 'ipvs', 'nftables', '']).default('iptables'),
        /**
         * The kube-proxy image ships `ipvsadm` (some distributions' images do). The stock
         * registry.k8s.io/kube-proxy image (distroless-iptables) does not: `ipvsadm` is not found there.
         */
        kubeProxyIpvsadm: z.boolean().default(false),
        /** calico-node DaemonSet; `bpf` sets FELIX_BPFENABLED=true (Calico's eBPF dataplane). */
        calico: z.enum(['iptables', 'bpf']).optional(),
        /** FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED on calico-node; unset = Felix's default (true). */
        calicoKubeProxyCleanup: z.boolean().optional(),
      })
      .strict()
      .default({}),
    namespaces: z.array(z.string()).default([]),
    nodes: z
      .object({
        count: z.number().int().min(1).max(5000).default(3),
        kernel: z.string().default('5.15.0-126-generic'),
        /** Kernel per node index, cycling; overrides `kernel`. */
        kernels: z.array(z.string()).optional(),
        osImage: z.string().default('Ubuntu 22.04.5 LTS'),
        /** Dual-stack nodes: an IPv6 podCIDR and InternalIP beside the IPv4 ones (data only). */
        dualStack: z.boolean().default(false),
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
        /**
         * The exit code `kdiag doctor clusterip` should end with; 2 = could not look (unknown), e.g. exec
         * forbidden. Omitted: 0 for a healthy scenario, 1 otherwise.
         */
        exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
        nodes: z.array(z.string()).default([]),
        services: z.array(z.string()).default([]),
        /** The `--from NS/POD` client the cause shows from (a hostNetwork pod, a pod with a mesh sidecar). */
        from: z
          .string()
          .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'expected "namespace/name"')
          .optional(),
        notes: z.string().optional(),
        /** Only `doctor clusterip SERVICE --observe DURATION` sees the cause (SERVICE: services[0]). */
        observe: z.string().optional(),
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
  /** Cilium minor version (12–19). */
  minor: number;
  nodeNames: string[];
  /** Faults with node names resolved and fixedByRestart defaulted. */
  resolvedFaults: (Fault & { nodeNames: string[]; fixedByRestart: boolean })[];
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
    return { ...f, nodeNames: sel, fixedByRestart: f.fixedByRestart ?? faultDef(f.kind).fixedByRestart };
  });
  const known = serviceNames(p);
  for (const [i, f] of p.nodes.faults.entries())
    for (const ref of faultDef(f.kind).services?.(f) ?? [])
      if (!known.has(ref))
        throw new KdiagError(
          'config',
          `${source}: nodes.faults[${i}]: Service "${ref}" does not exist in this scenario`,
          {
            hint: 'name a Service of services.explicit, a generated svc-NNN, default/kubernetes or kube-system/kube-dns',
          },
        );
  for (const [i, s] of p.services.explicit.entries())
    if (s.ipFamilies.includes('IPv6') && !p.nodes.dualStack)
      throw new KdiagError('config', `${source}: services.explicit[${i}].ipFamilies: IPv6 needs nodes.dualStack: true`);
  for (const [i, s] of p.services.explicit.entries())
    for (const [j, e] of (s.endpoints ?? []).entries())
      if (!s.ipFamilies.includes(isIP(e.ip) === 6 ? 'IPv6' : 'IPv4'))
        throw new KdiagError(
          'config',
          `${source}: services.explicit[${i}].endpoints[${j}].ip: ${e.ip} is not of the Service's ipFamilies (${s.ipFamilies.join(', ')})`,
        );
      else if (e.node !== undefined && !nodeNames.includes(e.node))
        throw new KdiagError(
          'config',
          `${source}: services.explicit[${i}].endpoints[${j}].node: no node "${e.node}" (nodes are node-1..node-${p.nodes.count})`,
        );
  for (const [i, s] of p.rbac.deny.entries()) {
    if (s.resource.includes(' '))
      throw new KdiagError('config', `${source}: rbac.deny[${i}].resource: no spaces allowed`);
  }
  return { ...p, name, file, minor, nodeNames, resolvedFaults };
}

/** `ns/name` of every Service the simulator creates (services.ts): the two built-ins, explicit, generated. */
function serviceNames(p: Parsed): Set<string> {
  const out = new Set(['default/kubernetes', 'kube-system/kube-dns']);
  for (const s of p.services.explicit) out.add(`${s.namespace}/${s.name}`);
  const gen = p.services.generated;
  const width = Math.max(String(gen.count).length, 3);
  for (let i = 1; i <= gen.count; i++)
    out.add(`${gen.namespaces[(i - 1) % gen.namespaces.length]}/svc-${String(i).padStart(width, '0')}`);
  return out;
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
