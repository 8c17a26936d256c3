// The check registry: an explicit, listable catalogue (after k8sgpt's coreAnalyzerMap). Order = run order.
import { agentLogs } from './agent-logs.js';
import { agentPods } from './agent-pods.js';
import { apiServerReach } from './api-server-reach.js';
import { bpfPrograms } from './bpf-programs.js';
import { bpffs } from './bpffs.js';
import { capabilities } from './capabilities.js';
import { ciliumInstalled } from './cilium-installed.js';
import { clientPlacement } from './client-placement.js';
import { datapathDrops } from './datapath-drops.js';
import { conntrackTable } from './conntrack-table.js';
import { hostnsServiceLb } from './hostns-service-lb.js';
import { meshSidecar } from './mesh-sidecar.js';
import { kernelVersion } from './kernel-version.js';
import { lbMapFull } from './lb-map-full.js';
import { kubeProxyConflict } from './kube-proxy-conflict.js';
import { kubeProxyLeftovers } from './kube-proxy-leftovers.js';
import { kubeProxyReplacement } from './kube-proxy-replacement.js';
import { serviceMap } from './service-map.js';
import { socketLb } from './socket-lb.js';
import { findingIds, type Check } from '../model/check.js';

export const CHECKS: Check[] = [
  ciliumInstalled,
  agentPods,
  agentLogs,
  apiServerReach,
  kernelVersion,
  capabilities,
  bpffs,
  bpfPrograms,
  socketLb,
  kubeProxyReplacement,
  kubeProxyConflict,
  kubeProxyLeftovers,
  serviceMap,
  lbMapFull,
  clientPlacement,
  datapathDrops,
  conntrackTable,
  hostnsServiceLb,
  meshSidecar,
];

/** All finding ids, generic ones included. */
export const FINDING_IDS: readonly string[] = findingIds(CHECKS);
