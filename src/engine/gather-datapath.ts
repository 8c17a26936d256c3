// What the detection reads beyond Cilium and kube-proxy's pods: the kube-proxy ConfigMap's `mode`, the
// calico-node DaemonSet and its FELIX_BPFENABLED env, FelixConfiguration `default` and the Tigera
// operator's Installation. "Not there" (404, no CRD) is a signal; any other failure is kept in `errors`.
import { parse as parseYaml } from 'yaml';
import type { KubeClient, KubeObject } from '../cluster/client.js';
import type { DaemonSet } from '../cilium/discovery.js';
import { KdiagError, oneLine } from '../errors.js';
import type { DatapathSignals } from '../model/datapath.js';

interface ConfigMapObj extends KubeObject {
  data?: Record<string, string>;
}
interface CalicoDaemonSet extends DaemonSet {
  spec?: {
    template?: {
      spec?: { containers?: { name: string; image?: string; env?: { name: string; value?: string }[] }[] };
    };
  };
}

/** Felix's env form of FelixConfiguration bpfKubeProxyIptablesCleanupEnabled (env overrides the resource). */
const CLEANUP_ENV = 'FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED';

export async function gatherDatapathSignals(client: KubeClient): Promise<DatapathSignals> {
  const errors: string[] = [];
  const keep = async <T>(what: string, p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof KdiagError && e.kind === 'not-found') return undefined;
      errors.push(`${what}: ${oneLine(e)}`);
      return undefined;
    }
  };
  const [cm, calico, felix, install] = await Promise.all([
    keep(
      'ConfigMap kube-system/kube-proxy',
      client.getOptional<ConfigMapObj>('/api/v1/namespaces/kube-system/configmaps/kube-proxy'),
    ),
    keep('calico-node DaemonSet', findCalicoNode(client)),
    keep(
      'FelixConfiguration default',
      client.getOptional<
        KubeObject & { spec?: { bpfEnabled?: boolean; bpfKubeProxyIptablesCleanupEnabled?: boolean } }
      >('/apis/crd.projectcalico.org/v1/felixconfigurations/default'),
    ),
    keep(
      'Installation default',
      client.getOptional<KubeObject & { spec?: { calicoNetwork?: { linuxDataplane?: string } } }>(
        '/apis/operator.tigera.io/v1/installations/default',
      ),
    ),
  ]);
  const out: DatapathSignals = { errors };
  if (cm) out.kubeProxyConfig = { mode: kubeProxyMode(cm.data?.['config.conf']) };
  if (calico) {
    const c = calico.spec?.template?.spec?.containers?.find((x) => x.name === 'calico-node');
    out.calico = {
      namespace: calico.metadata?.namespace ?? '',
      name: calico.metadata?.name ?? '',
      image: c?.image ?? '',
      ...(c?.env?.some((e) => e.name === 'FELIX_BPFENABLED')
        ? { felixBpfEnabled: c.env.find((e) => e.name === 'FELIX_BPFENABLED')?.value ?? '' }
        : {}),
      ...(c?.env?.some((e) => e.name === CLEANUP_ENV)
        ? { felixKubeProxyCleanup: c.env.find((e) => e.name === CLEANUP_ENV)?.value ?? '' }
        : {}),
    };
  }
  if (typeof felix?.spec?.bpfEnabled === 'boolean') out.felixBpfEnabled = felix.spec.bpfEnabled;
  if (typeof felix?.spec?.bpfKubeProxyIptablesCleanupEnabled === 'boolean')
    out.felixKubeProxyCleanup = felix.spec.bpfKubeProxyIptablesCleanupEnabled;
  const dp = install?.spec?.calicoNetwork?.linuxDataplane;
  if (dp) out.linuxDataplane = dp;
  return out;
}

/** KubeProxyConfiguration `mode` as written (kubeadm writes `mode: ""` for the platform default). */
function kubeProxyMode(conf: string | undefined): string {
  if (!conf) return '';
  try {
    const doc = parseYaml(conf) as { mode?: unknown } | null;
    return typeof doc?.mode === 'string' ? doc.mode.trim() : '';
  } catch {
    // A config kube-proxy itself could not read either; the mode line is still the best evidence.
    return /^mode:\s*"?([A-Za-z]*)"?\s*$/m.exec(conf)?.[1] ?? '';
  }
}

/** Cluster-wide first; namespaced lookups in Calico's usual namespaces when listing all is forbidden. */
async function findCalicoNode(client: KubeClient): Promise<CalicoDaemonSet | undefined> {
  const sel = { labelSelector: 'k8s-app=calico-node' };
  try {
    return (await client.listAll<CalicoDaemonSet>('/apis/apps/v1/daemonsets', sel))[0];
  } catch (e) {
    if (!(e instanceof KdiagError && e.kind === 'forbidden')) throw e;
  }
  for (const ns of ['calico-system', 'kube-system']) {
    const ds = (await client.listAll<CalicoDaemonSet>(`/apis/apps/v1/namespaces/${ns}/daemonsets`, sel))[0];
    if (ds) return ds;
  }
  return undefined;
}
