// meta.k8s.io Table responses (what `kubectl get` asks for): the apiserver's printer columns and cells.
import { COLUMNS } from './recorded.js';
import type { KObj } from './store.js';

type Col = { name: string; type: string; format: string; description: string; priority: number };

const NAME_DESC = COLUMNS.pods![0]!.description;
const AGE_DESC = COLUMNS.pods!.find((c) => c.name === 'Age')!.description;
const col = (name: string, description: string, priority = 0, type = 'string', format = ''): Col => ({
  name,
  type,
  format,
  description,
  priority,
});

const EXTRA_COLUMNS: Record<string, Col[]> = {
  namespaces: [
    col('Name', NAME_DESC, 0, 'string', 'name'),
    col('Status', 'The status of the namespace'),
    col('Age', AGE_DESC),
  ],
  events: [
    col('Last Seen', 'Time when this Event was last observed.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'The subobject that this event is about.', 1),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'The number of times this event has occurred.', 1),
    col('Name', NAME_DESC, 1, 'string', 'name'),
  ],
};

// pkg/printers/internalversion/printers.go: endpointColumnDefinitions, serviceAccountColumnDefinitions
EXTRA_COLUMNS.endpoints = [
  col('Name', NAME_DESC, 0, 'string', 'name'),
  col(
    'Endpoints',
    'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.',
  ),
  col('Age', AGE_DESC),
];
EXTRA_COLUMNS.serviceaccounts = [
  col('Name', NAME_DESC, 0, 'string', 'name'),
  col(
    'Secrets',
    'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
  ),
  col('Age', AGE_DESC),
];

// printers.go leaseColumnDefinitions (Name, Holder, Age); Holder's description is LeaseSpec.holderIdentity's
// in the v1.32 OpenAPI (fixtures/kube-apiserver-openapi).
EXTRA_COLUMNS.leases = [
  col('Name', NAME_DESC, 0, 'string', 'name'),
  col(
    'Holder',
    'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
  ),
  col('Age', AGE_DESC),
];

/** printers.go formatEndpoints: ip:port per ready address and port, three at most, then "+ N more...". */
function endpointsCell(e: KObj): string {
  const subsets = (e.subsets as { addresses?: { ip: string }[]; ports?: { port: number }[] }[] | undefined) ?? [];
  const all: string[] = [];
  for (const ss of subsets)
    for (const a of ss.addresses ?? [])
      for (const p of ss.ports?.length ? ss.ports : [undefined]) all.push(p ? `${a.ip}:${p.port}` : a.ip);
  if (!all.length) return '<none>';
  return all.slice(0, 3).join(',') + (all.length > 3 ? ` + ${all.length - 3} more...` : '');
}

const GENERIC: Col[] = [
  col('Name', NAME_DESC, 0, 'string', 'name'),
  col('Created At', 'Time when the object was created', 0, 'date'),
];

export function columnsFor(resource: string): Col[] {
  const plural = resource.split('.')[0]!;
  return COLUMNS[plural] ?? EXTRA_COLUMNS[plural] ?? GENERIC;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60 * 2) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) {
    const rs = s % 60;
    return rs === 0 ? `${m}m` : `${m}m${rs}s`;
  }
  if (m < 60 * 3) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) {
    const rm = m % 60;
    return rm === 0 ? `${h}h` : `${h}h${rm}m`;
  }
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) {
    const rh = h % 24;
    return rh === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${rh}h`;
  }
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  if (h < 24 * 365 * 8) {
    const dy = Math.floor(h / 24) % 365;
    return dy === 0 ? `${Math.floor(h / 24 / 365)}y` : `${Math.floor(h / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(h / 24 / 365)}y`;
}

const age = (t: string | undefined, now: number): string => (t ? humanDuration(now - Date.parse(t)) : '<unknown>');

interface CStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    terminated?: { reason?: string; exitCode?: number; signal?: number };
    running?: unknown;
  };
  lastState?: { terminated?: { finishedAt?: string } };
}

function podCells(p: KObj, now: number): unknown[] {
  const spec = p.spec as { containers?: unknown[]; nodeName?: string; readinessGates?: { conditionType: string }[] };
  const st = p.status as {
    phase?: string;
    reason?: string;
    podIP?: string;
    nominatedNodeName?: string;
    containerStatuses?: CStatus[];
    initContainerStatuses?: CStatus[];
    conditions?: { type: string; status: string }[];
  };
  const total = spec.containers?.length ?? 0;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let reason = st.reason || st.phase || '';
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    if (c.state?.terminated && c.state.terminated.exitCode === 0) continue;
    initializing = true;
    if (c.state?.terminated) reason = `Init:${c.state.terminated.reason || 'Error'}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    break;
  }
  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    const cs = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += c.restartCount ?? 0;
      const fin = c.lastState?.terminated?.finishedAt;
      if (fin) lastRestart = Math.max(lastRestart, Date.parse(fin));
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (p.metadata.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const restartsCell = lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const gates = spec.readinessGates?.length
    ? `${spec.readinessGates.filter((g) => (st.conditions ?? []).some((c) => c.type === g.conditionType && c.status === 'True')).length}/${spec.readinessGates.length}`
    : '<none>';
  return [
    p.metadata.name,
    `${ready}/${total}`,
    reason,
    restartsCell,
    age(p.metadata.creationTimestamp, now),
    st.podIP || '<none>',
    spec.nodeName || '<none>',
    st.nominatedNodeName || '<none>',
    gates,
  ];
}

function nodeCells(n: KObj, now: number): unknown[] {
  const st = n.status as {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: Record<string, string>;
  };
  const spec = n.spec as { unschedulable?: boolean };
  const ready = (st.conditions ?? []).find((c) => c.type === 'Ready');
  let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (spec.unschedulable) status += ',SchedulingDisabled';
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length))
    .sort();
  const addr = (t: string): string => (st.addresses ?? []).find((a) => a.type === t)?.address ?? '<none>';
  const ni = st.nodeInfo ?? {};
  return [
    n.metadata.name,
    status,
    roles.length ? roles.join(',') : '<none>',
    age(n.metadata.creationTimestamp, now),
    ni.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    ni.osImage || '<unknown>',
    ni.kernelVersion || '<unknown>',
    ni.containerRuntimeVersion || '<unknown>',
  ];
}

function serviceCells(s: KObj, now: number): unknown[] {
  const spec = s.spec as {
    type?: string;
    clusterIP?: string;
    externalIPs?: string[];
    ports?: { port: number; nodePort?: number; protocol: string }[];
    selector?: Record<string, string>;
  };
  const ports =
    (spec.ports ?? [])
      .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
      .join(',') || '<none>';
  const ext = spec.externalIPs?.length
    ? spec.externalIPs.join(',')
    : spec.type === 'LoadBalancer'
      ? '<pending>'
      : '<none>';
  const sel = spec.selector
    ? Object.entries(spec.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    : '<none>';
  return [
    s.metadata.name,
    spec.type ?? 'ClusterIP',
    spec.clusterIP || '<none>',
    ext,
    ports,
    age(s.metadata.creationTimestamp, now),
    sel,
  ];
}

function dsCells(d: KObj, now: number): unknown[] {
  const st = d.status as Record<string, number>;
  const spec = d.spec as {
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { nodeSelector?: Record<string, string>; containers?: { name: string; image: string }[] } };
  };
  const ns = spec.template?.spec?.nodeSelector;
  const cs = spec.template?.spec?.containers ?? [];
  const sel = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    d.metadata.name,
    st.desiredNumberScheduled ?? 0,
    st.currentNumberScheduled ?? 0,
    st.numberReady ?? 0,
    st.updatedNumberScheduled ?? 0,
    st.numberAvailable ?? 0,
    ns
      ? Object.entries(ns)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : '<none>',
    age(d.metadata.creationTimestamp, now),
    cs.map((c) => c.name).join(','),
    cs.map((c) => c.image).join(','),
    sel || '<none>',
  ];
}

function sliceCells(s: KObj, now: number): unknown[] {
  const ports = (s.ports as { port?: number }[] | undefined) ?? [];
  const eps = (s.endpoints as { addresses: string[] }[] | undefined) ?? [];
  const addrs = eps.flatMap((e) => e.addresses);
  let epCell = addrs.length ? addrs.slice(0, 3).join(',') : '<unset>';
  if (addrs.length > 3) epCell += ` + ${addrs.length - 3} more...`;
  const portCell = ports.length
    ? ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',')
    : '<unset>';
  return [s.metadata.name, s.addressType ?? '', portCell, epCell, age(s.metadata.creationTimestamp, now)];
}

function eventCells(e: KObj, now: number): unknown[] {
  const io = e.involvedObject as { kind?: string; name?: string; fieldPath?: string };
  const src = e.source as { component?: string; host?: string } | undefined;
  const last = (e.lastTimestamp as string) || (e.eventTime as string) || e.metadata.creationTimestamp;
  const first = (e.firstTimestamp as string) || last;
  return [
    age(last, now),
    e.type ?? '',
    e.reason ?? '',
    `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
    io.fieldPath ?? '',
    src ? [src.component, src.host].filter(Boolean).join(', ') : '',
    String(e.message ?? '').trim(),
    age(first, now),
    e.count ?? 1,
    e.metadata.name,
  ];
}

export function cellsFor(resource: string, obj: KObj, now = Date.now()): unknown[] {
  switch (resource.split('.')[0]) {
    case 'pods':
      return podCells(obj, now);
    case 'nodes':
      return nodeCells(obj, now);
    case 'services':
      return serviceCells(obj, now);
    case 'daemonsets':
      return dsCells(obj, now);
    case 'endpointslices':
      return sliceCells(obj, now);
    case 'configmaps':
      return [
        obj.metadata.name,
        Object.keys((obj.data as object) ?? {}).length + Object.keys((obj.binaryData as object) ?? {}).length,
        age(obj.metadata.creationTimestamp, now),
      ];
    case 'namespaces':
      return [
        obj.metadata.name,
        (obj.status as { phase?: string })?.phase ?? 'Active',
        age(obj.metadata.creationTimestamp, now),
      ];
    case 'events':
      return eventCells(obj, now);
    case 'endpoints':
      return [obj.metadata.name, endpointsCell(obj), age(obj.metadata.creationTimestamp, now)];
    case 'serviceaccounts':
      return [
        obj.metadata.name,
        ((obj.secrets as unknown[] | undefined) ?? []).length,
        age(obj.metadata.creationTimestamp, now),
      ];
    case 'leases':
      return [
        obj.metadata.name,
        (obj.spec as { holderIdentity?: string })?.holderIdentity ?? '',
        age(obj.metadata.creationTimestamp, now),
      ];
    default:
      return [obj.metadata.name, obj.metadata.creationTimestamp];
  }
}

export type IncludeObject = 'Metadata' | 'Object' | 'None';

export function tableRow(
  resource: string,
  obj: KObj,
  include: IncludeObject,
  tableVersion: string,
): Record<string, unknown> {
  const row: Record<string, unknown> = { cells: cellsFor(resource, obj) };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata')
    row.object = { kind: 'PartialObjectMetadata', apiVersion: tableVersion, metadata: obj.metadata };
  return row;
}
