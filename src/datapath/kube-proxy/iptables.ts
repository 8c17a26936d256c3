// Reads kube-proxy's iptables-mode nat table as `iptables-save -t nat` (or `iptables -t nat -S`, or the
// iptables-restore payload kube-proxy logs at -v) prints it, and joins KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-*
// into Service frontends and their DNAT endpoints. Formats: fixtures/kube-proxy/SOURCES.md.
import type { DatapathBackend, DatapathFrontend, DatapathTable, ParseWarning } from '../frontends.js';
import { isIp, isPort, numberedLines, splitHostPort, toProtocol } from '../frontends.js';

export interface IptablesNatTable extends DatapathTable {
  /** KUBE-SVC-/KUBE-SVL- chains with rules that no KUBE-SERVICES rule jumps to (left over from deleted Services?). */
  unreferencedServiceChains: string[];
}

interface Rule {
  line: number;
  text: string;
  chain: string;
  args: Map<string, string>;
  target?: string;
}

// Chains a Service frontend may jump to before reaching KUBE-SEP-* (cluster, local, external, firewall).
const SERVICE_CHAIN = /^KUBE-(SVC|SVL|EXT|FW|XLB)-/;
const MAX_HOPS = 4;

export function parseIptablesNat(text: string): IptablesNatTable {
  const warnings: ParseWarning[] = [];
  const rules: Rule[] = [];
  let table: string | undefined;

  for (const { n, text: raw } of numberedLines(text)) {
    // `iptables-save -c` prefixes counters: `[402612:15051273] -A …`.
    const line = raw.trim().replace(/^\[\d+:\d+\]\s+/, '');
    if (line === '' || line.startsWith('#') || line === 'COMMIT') continue;
    if (line.startsWith('*')) {
      table = line.slice(1);
      continue;
    }
    if (line.startsWith(':') || line.startsWith('-P ') || line.startsWith('-N ')) continue;
    if (!line.startsWith('-A ')) {
      warnings.push({ line: n, text: raw, reason: 'not an iptables-save line' });
      continue;
    }
    if (table !== undefined && table !== 'nat') continue;
    const tokens = tokenize(line);
    if (!tokens) {
      warnings.push({ line: n, text: raw, reason: 'unterminated quote' });
      continue;
    }
    rules.push(toRule(n, raw, tokens));
  }

  const byChain = new Map<string, Rule[]>();
  for (const r of rules) byChain.set(r.chain, [...(byChain.get(r.chain) ?? []), r]);

  const frontends: DatapathFrontend[] = [];
  const referenced = new Set<string>();
  for (const r of byChain.get('KUBE-SERVICES') ?? []) {
    if (!r.target || !SERVICE_CHAIN.test(r.target)) continue;
    const dest = r.args.get('-d')?.replace(/\/(32|128)$/, '');
    const port = Number(r.args.get('--dport'));
    const protocol = toProtocol(r.args.get('-p') ?? '');
    if (!dest || !isIp(dest) || !isPort(port) || !protocol) {
      warnings.push({ line: r.line, text: r.text, reason: 'service rule without a readable -d, -p or --dport' });
      continue;
    }
    const backends = resolve(r.target, byChain, referenced, warnings, 0);
    const service = serviceFromComment(r.args.get('--comment'));
    frontends.push({ ip: dest, port, protocol, backends, source: r.target, ...(service ? { service } : {}) });
  }

  const unreferencedServiceChains = [...byChain.keys()].filter((c) => /^KUBE-(SVC|SVL)-/.test(c) && !referenced.has(c));
  return { frontends, warnings, unreferencedServiceChains };
}

/** Follows a service chain to its KUBE-SEP-* DNAT targets, in rule order, keeping each pick's probability. */
function resolve(
  chain: string,
  byChain: Map<string, Rule[]>,
  seen: Set<string>,
  warnings: ParseWarning[],
  hops: number,
): DatapathBackend[] {
  seen.add(chain);
  if (hops >= MAX_HOPS) return [];
  const out: DatapathBackend[] = [];
  for (const r of byChain.get(chain) ?? []) {
    if (!r.target) continue;
    if (r.target.startsWith('KUBE-SEP-')) {
      const dnat = (byChain.get(r.target) ?? []).find((s) => s.target === 'DNAT');
      const to = dnat ? splitHostPort(dnat.args.get('--to-destination') ?? '') : undefined;
      if (!to) {
        warnings.push({ line: r.line, text: r.text, reason: `${r.target} has no readable DNAT --to-destination` });
        continue;
      }
      const p = r.args.get('--probability');
      out.push(p !== undefined && Number.isFinite(Number(p)) ? { ...to, probability: Number(p) } : to);
    } else if (SERVICE_CHAIN.test(r.target) && !seen.has(r.target)) {
      out.push(...resolve(r.target, byChain, seen, warnings, hops + 1));
    }
  }
  return out;
}

function toRule(line: number, text: string, tokens: string[]): Rule {
  const chain = tokens[1] ?? '';
  const args = new Map<string, string>();
  let target: string | undefined;
  for (let i = 2; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '-j' || t === '-g') {
      target = tokens[++i];
      continue;
    }
    // Keep the first value of each option we read; `!` negations (e.g. `! -s`) are skipped with their value.
    if (t === '!') {
      i += 2;
      continue;
    }
    if (t.startsWith('-') && i + 1 < tokens.length && !args.has(t)) args.set(t, tokens[i + 1]!);
  }
  return { line, text, chain, args, ...(target ? { target } : {}) };
}

/** Splits an iptables-save rule on spaces, honouring double quotes and `\"` inside them. */
function tokenize(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inQuote) {
      if (c === '\\' && line[i + 1] === '"') cur += line[++i];
      else if (c === '"') inQuote = false;
      else cur += c;
    } else if (c === '"') {
      inQuote = true;
      started = true;
    } else if (c === ' ' || c === '\t') {
      if (started) out.push(cur);
      cur = '';
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (inQuote) return undefined;
  if (started) out.push(cur);
  return out;
}

/** `ns/name:port cluster IP`, `ns/name cluster IP` or the old `ns/name:` → the Service and port name. */
function serviceFromComment(comment: string | undefined): DatapathFrontend['service'] {
  if (!comment) return undefined;
  const m = /^([^/\s]+)\/([^:\s]+)(?::(\S*))?/.exec(comment);
  return m ? { namespace: m[1]!, name: m[2]!, portName: m[3] ?? '' } : undefined;
}
