// Cilium versions: image tags, which CLI binary the agent image ships, which log format it writes.

import { CONFIG_KEYS } from './config.js';
import type { CiliumCli } from './types.js';

export interface CiliumVersion {
  major: number;
  minor: number;
  patch: number;
  /** The matched tag, e.g. `v1.15.0-rc.1`. */
  raw: string;
}

/** Minors kdiag supports. */
export const SUPPORTED_MINORS: readonly number[] = [12, 13, 14, 15, 16, 17, 18, 19];

/**
 * `quay.io/cilium/cilium:v1.16.5@sha256:…`, `v1.15.0-rc.1`, `1.14.2`. An image pinned by digest only
 * (`…/cilium@sha256:…`) carries no version: undefined.
 */
export function parseCiliumVersion(imageOrTag: string): CiliumVersion | undefined {
  let s = imageOrTag.trim();
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  // tag = text after the last ':' that is not part of a registry host:port
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  const tag = colon > slash ? s.slice(colon + 1) : s.includes('/') ? '' : s;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(tag);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), raw: tag };
}

/** The in-pod debug CLI was renamed `cilium` -> `cilium-dbg` in 1.15 (cilium/cmd moved to cilium-dbg/cmd). */
export function cliFor(minor: number): CiliumCli {
  return minor >= 15 ? 'cilium-dbg' : 'cilium';
}

/**
 * Agent log text format. Up to 1.17 the agent logs through logrus (pkg/logging/logging.go; slog only
 * "approximates the logrus output via slog for job groups during the transition phase", pkg/logging/slog.go
 * of that era imports logrus). 1.18 completed the move to log/slog: pkg/logging/slog.go no longer imports
 * logrus, writes `time=` unquoted (RFC3339Nano) and lower-cased levels (fixture agent-log.v1.18.8.slog.*).
 */
export function logStyleFor(minor: number): 'logrus' | 'slog' {
  return minor >= 18 ? 'slog' : 'logrus';
}

/**
 * Whether the agent keeps TCP and UDP frontends of the same IP:port apart (one map row per protocol), as
 * data. Sources (docs/formats.md): up to 1.16 the service key ignores the protocol (pkg/loadbalancer
 * L3n4Addr.Hash "proto is omitted for now"), so kube-dns 53/TCP + 53/UDP is one `10.96.0.10:53` row.
 * cilium/cilium#33434 added `--bpf-lb-proto-diff`, default true, released in 1.17 (upgrade.rst "1.17
 * Upgrade Notes"); 1.19 removed the flag, differentiation is always on (upgrade.rst "Removed Options").
 * `config` is the cilium-config data; a value other than "false" leaves the default.
 */
export function protocolDistinct(minor: number, config?: Record<string, string | undefined>): boolean {
  if (minor <= 16) return false;
  if (minor >= 19) return true;
  return config?.[CONFIG_KEYS.protoDiff]?.trim().toLowerCase() !== 'false';
}
