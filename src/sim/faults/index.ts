// The one list of simulator faults. A new fault is its own file here plus one line in FAULTS (and its row
// in docs/scenarios.md); the scenario schema, the cluster, the agent's commands and its log read it from here.
import { z } from 'zod';
import agentCrashloop from './agent-crashloop.js';
import agentNotReady from './agent-not-ready.js';
import apiServerUnreachable from './api-server-unreachable.js';
import addressFamilyDrift from './address-family-drift.js';
import backendState from './backend-state.js';
import bpfProgramsNotLoaded from './bpf-programs-not-loaded.js';
import bpffsNotMounted from './bpffs-not-mounted.js';
import datapathDrops from './datapath-drops.js';
import calicoNatMissingFrontend from './calico-nat-missing-frontend.js';
import calicoBpfProgramsNotLoaded from './calico-bpf-programs-not-loaded.js';
import conntrackTableFull from './conntrack-table-full.js';
import execHangs from './exec-hangs.js';
import hostNetworkClient from './host-network-client.js';
import kernelTooOld from './kernel-too-old.js';
import lbMapFull from './lb-map-full.js';
import logs from './logs.js';
import meshSidecarClient from './mesh-sidecar-client.js';
import missingCapabilities from './missing-capabilities.js';
import noShell from './no-shell.js';
import recordedOutput from './recorded-output.js';
import serviceMapDrift from './service-map-drift.js';
import socketLbCannotAttach from './socket-lb-cannot-attach.js';
import kubeProxyLeftovers from './kube-proxy-leftovers.js';
import kubeProxyMissingChain from './kube-proxy-missing-chain.js';
import kubeProxyStaleChains from './kube-proxy-stale-chains.js';
import kubeProxySyncFailing from './kube-proxy-sync-failing.js';
import xdpDriverUnsupported from './xdp-driver-unsupported.js';
import xdpNativeAttachFailed from './xdp-native-attach-failed.js';
import type { FaultDef } from './types.js';

export const FAULTS = [
  bpfProgramsNotLoaded,
  kernelTooOld,
  missingCapabilities,
  bpffsNotMounted,
  agentCrashloop,
  agentNotReady,
  serviceMapDrift,
  lbMapFull,
  socketLbCannotAttach,
  apiServerUnreachable,
  conntrackTableFull,
  hostNetworkClient,
  meshSidecarClient,
  execHangs,
  noShell,
  logs,
  recordedOutput,
  kubeProxyMissingChain,
  kubeProxyStaleChains,
  kubeProxySyncFailing,
  kubeProxyLeftovers,
  datapathDrops,
  backendState,
  addressFamilyDrift,
  calicoNatMissingFrontend,
  xdpDriverUnsupported,
  calicoBpfProgramsNotLoaded,
  xdpNativeAttachFailed,
] as const;

type Schema = (typeof FAULTS)[number]['schema'];
export const faultSchema = z.discriminatedUnion('kind', FAULTS.map((f) => f.schema) as [Schema, ...Schema[]]);

export type FaultInput = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema>;
export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = FAULTS.map((f) => f.schema.shape.kind.value);

const byKind = new Map<string, FaultDef>(FAULTS.map((f) => [f.schema.shape.kind.value, f as FaultDef]));

/** The definition of a fault kind (every kind in a parsed scenario has one). */
export function faultDef(kind: string): FaultDef {
  return byKind.get(kind)!;
}

/** Faults in registry order (stable within a kind), for hooks where the first answer wins. */
export function inRegistryOrder<F extends { kind: string }>(faults: F[]): F[] {
  const rank = (f: F): number => FAULT_KINDS.indexOf(f.kind as FaultKind);
  return [...faults].sort((a, b) => rank(a) - rank(b));
}

export type { AgentHealth, LogRec, MapDrift, MonitorView, NatDrift, NatPort, SimDrop } from './types.js';
