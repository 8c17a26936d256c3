// What kdiag reads from kube-proxy on each node where it serves Services: its nat table as
// `iptables-save -t nat` prints it (joined KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-* DNAT by
// src/datapath/kube-proxy/iptables.ts) and the sync errors in its log. Pure data for the checks.

/** The argv that prints the nat table (kube-proxy's pod, or the cilium-agent for leftovers; the bundle too). */
export const IPTABLES_SAVE_NAT = ['iptables-save', '-t', 'nat'];
/** IPVS mode: `ipvsadm -Ln`, or the kernel's own listing where the image has no ipvsadm (src/engine/gather-kube-proxy.ts). */
export const IPVSADM_LN = ['ipvsadm', '-Ln'];
export const CAT_PROC_IP_VS = ['cat', '/proc/net/ip_vs'];
/** nftables mode (kube-proxy 1.31+). */
export const NFT_LIST_KUBE_PROXY = ['nft', 'list', 'table', 'ip', 'kube-proxy'];

export interface KubeProxyBackend {
  ip: string;
  port: number;
  /** IPVS real-server weight; 0 = draining (kube-proxy's graceful termination), not serving new connections. */
  weight?: number;
}

/** One Service frontend as the node's rules translate it. */
export interface KubeProxyFrontend {
  ip: string;
  port: number;
  protocol: string;
  backends: KubeProxyBackend[];
  /** Owning Service when the rule's comment names it (`ns/name:port`). */
  service?: { namespace: string; name: string; portName: string };
  /** The chain KUBE-SERVICES jumps to (KUBE-SVC-…). */
  source?: string;
}

/** One node's kube-proxy rules, read through its kube-proxy pod. */
export interface KubeProxyRulesFact {
  namespace: string;
  pod: string;
  /**
   * The proxy mode the rules were read in (absent: iptables). iptables: `iptables-save -t nat`; ipvs:
   * `ipvsadm -Ln` or `/proc/net/ip_vs` (weight-0 real servers are draining); nftables: `nft list table ip kube-proxy`.
   */
  mode?: 'iptables' | 'ipvs' | 'nftables';
  /** The exact argv run in the pod (evidence the user can re-run). */
  command: string[];
  frontends: KubeProxyFrontend[];
  /** KUBE-SVC-/KUBE-SVL- chains with rules that no KUBE-SERVICES rule jumps to. */
  unreferencedChains: string[];
  /** Lines the parser could not read. */
  warnings: number;
}

/**
 * kube-proxy's chains left in one node's nat table after kube-proxy was removed, read in the cilium-agent
 * container (only where kube-proxy is absent and Cilium replaces it).
 */
export interface KubeProxyLeftoversFact {
  namespace: string;
  /** The agent pod the table was read through. */
  pod: string;
  /** The exact argv run in the agent container. */
  command: string[];
  /** KUBE-SVC-/KUBE-SVL- chains declared or used in the table, sorted. */
  serviceChains: string[];
  /** `-A KUBE-SERVICES` rules (each a ClusterIP kube-proxy's rules still match). */
  serviceRules: string[];
}

/** Sync errors in one node's kube-proxy log (`Failed to execute iptables-restore`, `Sync failed`). */
export interface KubeProxyLogFact {
  namespace: string;
  pod: string;
  /** Matching lines, newest last, bounded. */
  lines: string[];
  /** Lines read. */
  read: number;
}

/**
 * kube-proxy log lines that say its last rule sync did not apply (klog text and structured forms; nftables
 * mode logs `"nftables sync failed"` then `"Sync failed"`, kubernetes pkg/proxy/nftables/proxier.go).
 */
export const KUBE_PROXY_SYNC_ERROR =
  /Failed to execute iptables-restore|Sync failed|Failed to sync|syncProxyRules.*(?:failed|error)|ipvs.*sync.*(?:failed|error)/i;
