// Which Service datapath a cluster runs, as detected from what the cluster shows (src/datapath/detect.ts),
// and the raw signals the detection reads beside the Cilium and kube-proxy facts.
import type { Evidence } from './check.js';

/** kube-proxy's proxy modes on Linux (KubeProxyConfiguration `mode`; empty means iptables). */
export type KubeProxyMode = 'iptables' | 'ipvs' | 'nftables';

/** Calico and kube-proxy configuration read from the API; each lookup that failed is in `errors`. */
export interface DatapathSignals {
  /** kube-system/kube-proxy ConfigMap, `config.conf` `mode` as written ('' when empty or unset). */
  kubeProxyConfig?: { mode: string };
  /** The calico-node DaemonSet (label k8s-app=calico-node) and its FELIX_BPFENABLED env, when set. */
  calico?: {
    namespace: string;
    name: string;
    image: string;
    felixBpfEnabled?: string;
    /** FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED on the calico-node container, when set. */
    felixKubeProxyCleanup?: string;
  };
  /** FelixConfiguration `default` spec.bpfEnabled, when the resource exists and sets it. */
  felixBpfEnabled?: boolean;
  /** FelixConfiguration `default` spec.bpfKubeProxyIptablesCleanupEnabled, when set. */
  felixKubeProxyCleanup?: boolean;
  /** Tigera operator Installation `default` spec.calicoNetwork.linuxDataplane (BPF, Iptables, Nftables …). */
  linuxDataplane?: string;
  /** Lookups that failed for another reason than "not there", as `what: error`. */
  errors: string[];
}

export type DatapathId =
  | 'cilium-kpr'
  | 'cilium-kube-proxy'
  | 'kube-proxy'
  | 'calico-kube-proxy'
  | 'calico-ebpf'
  | 'calico-cilium'
  | 'none'
  | 'unknown';

/** Who translates a ClusterIP to a backend on this cluster. */
export type ServiceOwner = 'cilium' | 'kube-proxy' | 'calico';

export interface DetectedDatapath {
  id: DatapathId;
  /** e.g. "Cilium without kube-proxy replacement; kube-proxy (iptables) serves Services". */
  title: string;
  services?: ServiceOwner;
  /** The kube-proxy mode, when kube-proxy serves Services. */
  kubeProxyMode?: KubeProxyMode;
  /** What the detection saw, one line per source (the same lines whatever it concluded). */
  evidence: Evidence[];
  /** Lookups that failed; a detection with gaps says so instead of guessing. */
  gaps: string[];
}
