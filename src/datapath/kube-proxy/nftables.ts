// Reads `nft list table ip kube-proxy` (kube-proxy nftables mode, 1.31+): the `service-ips` verdict map gives the
// frontends, each `service-…` chain picks `endpoint-…` chains (numgen vmap), each endpoint chain DNATs.
// Names checked against kubernetes pkg/proxy/nftables/proxier.go; shapes from fixtures/kube-proxy/ (SOURCES.md).
import type { DatapathBackend, DatapathFrontend, DatapathTable, L4Protocol, ParseWarning } from '../frontends.js';
import { isIp, isPort, numberedLines, splitHostPort, toProtocol } from '../frontends.js';

export interface NftKubeProxyTable extends DatapathTable {
  /** Elements of the `no-endpoint-services` map: Services kube-proxy itself says have no endpoints. */
  noEndpoints: { ip: string; port: number; protocol: L4Protocol; comment?: string }[];
}

interface Block {
  kind: 'chain' | 'map' | 'set';
  name: string;
  line: number;
  /** Body statements with `# handle N` removed; multi-line `elements = { … }` joined into one. */
  body: { line: number; text: string }[];
}

const MAX_HOPS = 4;
const ELEMENT = /^(\S+)\s*\.\s*(tcp|udp|sctp)\s*\.\s*(\d+)(?:\s+comment\s+"([^"]*)")?\s*:\s*(?:goto|jump)\s+(\S+)$/;

export function parseNftKubeProxy(text: string): NftKubeProxyTable {
  const warnings: ParseWarning[] = [];
  const blocks = readBlocks(text, warnings);
  const chains = new Map(blocks.filter((b) => b.kind === 'chain').map((b) => [b.name, b]));

  const frontends: DatapathFrontend[] = [];
  for (const el of mapElements(blocks, 'service-ips', warnings)) {
    const backends = resolve(el.verdict, chains, warnings, el.line, new Set(), 0);
    const service = serviceFromChain(el.verdict);
    frontends.push({
      ip: el.ip,
      port: el.port,
      protocol: el.protocol,
      backends,
      source: el.verdict,
      ...(service ? { service } : {}),
    });
  }
  const noEndpoints = mapElements(blocks, 'no-endpoint-services', warnings).map((e) => ({
    ip: e.ip,
    port: e.port,
    protocol: e.protocol,
    ...(e.comment !== undefined ? { comment: e.comment } : {}),
  }));
  return { frontends, warnings, noEndpoints };
}

function readBlocks(text: string, warnings: ParseWarning[]): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  let pending: { line: number; text: string } | undefined; // an `elements = {` still open
  for (const { n, text: raw } of numberedLines(text)) {
    const line = raw.replace(/\s+# handle \d+\s*$/, '').trim();
    if (pending) {
      pending.text += ' ' + line;
      if (line.endsWith('}')) {
        current?.body.push(pending);
        pending = undefined;
      }
      continue;
    }
    if (line === '' || line.startsWith('table ') || line === '....' || line === '...') continue;
    const open = /^(chain|map|set)\s+(\S+)\s*\{$/.exec(line);
    if (open) {
      current = { kind: open[1] as Block['kind'], name: open[2]!, line: n, body: [] };
      blocks.push(current);
      continue;
    }
    if (line === '}') {
      current = undefined;
      continue;
    }
    if (!current) {
      if (!line.startsWith('comment ')) warnings.push({ line: n, text: raw, reason: 'outside any chain, map or set' });
      continue;
    }
    if (/^elements = \{/.test(line) && !line.endsWith('}')) pending = { line: n, text: line };
    else current.body.push({ line: n, text: line });
  }
  if (pending) warnings.push({ line: pending.line, text: pending.text, reason: 'elements list not closed' });
  return blocks;
}

interface Element {
  line: number;
  ip: string;
  port: number;
  protocol: L4Protocol;
  comment?: string;
  verdict: string;
}

function mapElements(blocks: Block[], name: string, warnings: ParseWarning[]): Element[] {
  const out: Element[] = [];
  for (const b of blocks.filter((x) => x.kind === 'map' && x.name === name)) {
    for (const stmt of b.body) {
      const m = /^elements = \{(.*)\}$/.exec(stmt.text);
      if (!m) continue;
      for (const part of splitTopLevel(m[1]!)) {
        const e = ELEMENT.exec(part.trim());
        const port = e ? Number(e[3]) : NaN;
        if (!e || !isIp(e[1]!) || !isPort(port)) {
          warnings.push({ line: stmt.line, text: part.trim(), reason: `unreadable ${name} element` });
          continue;
        }
        out.push({
          line: stmt.line,
          ip: e[1]!,
          port,
          protocol: toProtocol(e[2]!)!,
          verdict: e[5]!,
          ...(e[4] !== undefined ? { comment: e[4] } : {}),
        });
      }
    }
  }
  return out;
}

/** Follows a verdict chain (external- → service-) to the endpoint chains it picks and their DNAT targets. */
function resolve(
  chain: string,
  chains: Map<string, Block>,
  warnings: ParseWarning[],
  fromLine: number,
  seen: Set<string>,
  hops: number,
): DatapathBackend[] {
  if (seen.has(chain) || hops >= MAX_HOPS) return [];
  seen.add(chain);
  const block = chains.get(chain);
  if (!block) {
    warnings.push({ line: fromLine, text: chain, reason: 'chain is not in the output' });
    return [];
  }
  const out: DatapathBackend[] = [];
  for (const stmt of block.body) {
    const dnat = /\bdnat to (\S+)$/.exec(stmt.text);
    if (dnat) {
      const to = splitHostPort(dnat[1]!);
      if (to) out.push(to);
      else warnings.push({ line: stmt.line, text: stmt.text, reason: 'unreadable dnat target' });
      continue;
    }
    for (const m of stmt.text.matchAll(/\b(?:goto|jump) ((?:service|external|endpoint)-\S+?)(?=[,}\s]|$)/g)) {
      out.push(...resolve(m[1]!, chains, warnings, stmt.line, seen, hops + 1));
    }
  }
  return out;
}

/** Splits `a, b, c` on commas outside `{ }` and quotes. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inQuote = false;
  let cur = '';
  for (const c of s) {
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && c === '{') depth++;
    else if (!inQuote && c === '}') depth--;
    if (c === ',' && depth === 0 && !inQuote) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

/** `service-HASH-ns/name/tcp/portname` (or `external-…`) → the Service and port name. */
function serviceFromChain(chain: string): DatapathFrontend['service'] {
  const m = /^(?:service|external)-[A-Z0-9]+-([^/]+)\/([^/]+)\/[a-z]+\/(.*)$/.exec(chain);
  return m ? { namespace: m[1]!, name: m[2]!, portName: m[3]! } : undefined;
}
