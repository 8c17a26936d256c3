// Scenario files: every shipped one validates; a bad key fails with its path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAUSES } from '../../src/model/causes.js';
import { KdiagError } from '../../src/errors.js';
import { listScenarios, loadScenario, ROOT_CAUSES, validateScenario } from '../../src/sim/index.js';

test('all shipped scenarios load, have a description and a valid expect block', () => {
  const all = listScenarios();
  const names = all.map((s) => s.name);
  for (const required of [
    'healthy',
    'bpf-programs-not-loaded',
    'kernel-too-old',
    'missing-capabilities',
    'bpffs-not-mounted',
    'agent-crashloop',
    'service-map-stale',
    'no-ready-endpoints',
    'kube-proxy-conflict',
    'large',
    'no-cilium',
    'healthy-v1.12',
    'healthy-v1.18',
  ]) {
    expect(names).toContain(required);
  }
  for (const s of all) {
    const sc = loadScenario(s.name);
    expect(sc.description.length).toBeGreaterThan(10);
    if (sc.expect.rootCause !== null) expect(ROOT_CAUSES).toContain(sc.expect.rootCause);
    for (const n of sc.expect.nodes) expect(sc.nodeNames).toContain(n);
  }
});

test('expect.rootCause accepts every id of the cause catalogue', () => {
  for (const c of CAUSES) {
    const sc = validateScenario({ description: 'one cause', expect: { rootCause: c.id } }, 'inline');
    expect(sc.expect.rootCause).toBe(c.id);
  }
});

describe('schema errors name the bad key', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kdiag-scen-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (name: string, yaml: string): unknown => {
    const f = join(dir, `${name}.yaml`);
    writeFileSync(f, yaml);
    try {
      loadScenario(f);
    } catch (e) {
      return e;
    }
    return undefined;
  };

  test('bad fault kind', () => {
    const e = load('x', 'description: x\nnodes:\n  faults:\n    - kind: bogus\nexpect: { rootCause: null }\n');
    expect(e).toBeInstanceOf(KdiagError);
    expect((e as KdiagError).kind).toBe('config');
    expect((e as Error).message).toMatch(/x\.yaml: nodes\.faults\[0\]\.kind: /);
  });
  test('unknown key', () => {
    const e = load('y', 'description: y\nnodes:\n  cuont: 3\nexpect: { rootCause: null }\n');
    expect((e as Error).message).toMatch(/y\.yaml: nodes: unknown key\(s\) "cuont"/);
  });
  test('unknown node in a selector', () => {
    const e = load(
      'z',
      'description: z\nnodes:\n  count: 2\n  faults:\n    - { kind: bpffs-not-mounted, nodes: node-7 }\nexpect: { rootCause: null }\n',
    );
    expect((e as Error).message).toContain('nodes.faults[0].nodes: unknown node "node-7"');
  });
  test('bad root cause', () => {
    const e = load('w', 'description: w\nexpect: { rootCause: gremlins }\n');
    expect((e as Error).message).toMatch(/w\.yaml: expect\.rootCause: /);
  });
  test('unknown scenario name', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/scenario "no-such-scenario" not found/);
  });
});
