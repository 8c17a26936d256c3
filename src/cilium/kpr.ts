// Kube-proxy replacement as the checks and `preflight node` read it from cilium-config (src/cilium/config.ts
// normalises the keys across versions).
import { readCiliumConfig } from './config.js';
import type { Facts } from '../model/facts.js';

/** Full kube-proxy replacement in effect (strict/true): NodePort frontends must be in every agent's map. */
export function kprFull(facts: Facts): boolean {
  return facts.config.ok && readCiliumConfig(facts.config.value).kprEffect === 'full';
}

/** Full KPR or socket LB on: the kernel needs 4.19.57, 5.1.16 or 5.2 (src/cilium/kernel.ts KPR_MIN). */
export function kprOrSocketLb(config: Record<string, string>): boolean {
  const v = readCiliumConfig(config);
  return v.kprEffect === 'full' || v.socketLb;
}
