// Every recorded Cilium output (the repo's fixtures/cilium and, when present, the shared folder it was copied
// from) still parses with the parser for its kind: a new parser rule must not break an old real output.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBpftoolProgJson, parseBpftoolProgText } from '../../src/cilium/formats/bpftool.js';
import { parseHubbleFlows } from '../../src/cilium/formats/hubble-flow.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { parseMonitorDrops } from '../../src/cilium/formats/monitor-drop.js';
import { parseServiceListJson, parseServiceListText } from '../../src/cilium/formats/service-list.js';
import { parseCiliumStatus } from '../../src/cilium/formats/status.js';
import { fixtureDir } from './fixtures.js';

const dirs = [fixtureDir(), path.resolve(process.cwd(), '../shared/fixtures/cilium')].filter((d) => existsSync(d));
const files = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f !== 'SOURCES.md')
    .map((f) => [path.basename(path.dirname(path.dirname(d))) + '/' + f, path.join(d, f)] as const),
);

function parse(name: string, text: string): number {
  if (name.startsWith('service-list.')) {
    return (name.endsWith('.json') ? parseServiceListJson(text) : parseServiceListText(text)).length;
  }
  if (name.startsWith('status')) return parseCiliumStatus(text).kubeProxyReplacementRaw ? 1 : 0;
  if (name.startsWith('bpftool-')) {
    return (name.endsWith('.json') ? parseBpftoolProgJson(text) : parseBpftoolProgText(text)).length;
  }
  if (name.startsWith('monitor-drop.')) return parseMonitorDrops(text).length;
  if (name.startsWith('hubble-observe.')) return parseHubbleFlows(text).length;
  if (name.startsWith('agent-log.')) {
    return text.split('\n').filter((l) => l.trim() !== '' && parseLogLine(l).level !== 'unknown').length;
  }
  return -1;
}

describe('every recorded Cilium output parses', () => {
  test('fixtures are found', () => {
    expect(files.length).toBeGreaterThan(30);
  });
  test.each(files.filter(([, p]) => !p.endsWith('.yaml')))('%s', (_label, p) => {
    const n = parse(path.basename(p), readFileSync(p, 'utf8'));
    expect(n).toBeGreaterThan(0);
  });
});
