import { bpfPrograms } from '../../src/checks/bpf-programs.js';
import { missingPrograms } from '../../src/cilium/programs.js';
import { readCiliumConfig } from '../../src/cilium/config.js';
import { requiredPrograms } from '../../src/cilium/programs.js';
import { runChecks } from '../../src/engine/run-checks.js';
import {
  configFrom,
  failed,
  got,
  healthyFacts,
  healthyPrograms,
  programsJson,
  programsText,
  statusOf,
  KPR_TRUE_CONFIG,
  onNodes,
} from '../helpers/facts.js';

describe('bpf-programs', () => {
  it('passes when every required program is loaded (kernel-truncated names included)', () => {
    const f = bpfPrograms.run(healthyFacts());
    expect(f.map((x) => [x.id, x.status])).toEqual([
      ['bpf-programs/loaded', 'pass'],
      ['bpf-programs/loaded', 'pass'],
    ]);
  });

  it('fails on the recorded 4-program listing: truncated names match, the rest are missing', () => {
    const text = programsText('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt');
    const json = programsJson('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.json');
    const f = bpfPrograms.run(healthyFacts({ bpfPrograms: onNodes(got(text), got(json)) }));
    for (const n of ['node-a', 'node-b']) {
      const x = f.find((y) => y.node === n)!;
      expect(x).toMatchObject({ id: 'bpf-programs/missing', status: 'fail', cause: 'bpf-programs-not-loaded' });
      expect(x.evidence[0]!.excerpt).toContain('cil_from_contai');
    }
    const missing = missingPrograms(text, requiredPrograms(readCiliumConfig(KPR_TRUE_CONFIG), 16)).map((m) => m.name);
    expect(missing).not.toContain('cil_from_container');
    expect(missing).not.toContain('cil_sock4_connect');
    expect(missing).toContain('cil_sock4_sendmsg');
    expect(f[0]!.remediation!.commands).toEqual(['kubectl -n kube-system delete pod cilium-abcde']);
  });

  it('recognises pre-1.13 names (handle_xgress) for a 1.12 agent', () => {
    const old = programsText('bpftool-prog-show-id.v1.12.3.handle_xgress.txt');
    const req = requiredPrograms(readCiliumConfig(configFrom()), 12);
    const names = missingPrograms(old, req).map((m) => m.name);
    expect(names).not.toContain('handle_xgress');
    expect(names).toContain('handle_to_container');
  });

  it('none-loaded when no Cilium program is on the node', () => {
    const f = bpfPrograms.run(healthyFacts({ bpfPrograms: onNodes(got([]), got([])) }));
    expect(statusOf(f, 'bpf-programs/none-loaded', 'node-a')).toBe('fail');
  });

  it('unknown per node when bpftool failed there; unknown overall without config', () => {
    const f = bpfPrograms.run(
      healthyFacts({
        bpfPrograms: onNodes(failed('exec: bpftool: not found'), got(healthyPrograms(KPR_TRUE_CONFIG, 16))),
      }),
    );
    expect(statusOf(f, 'bpf-programs/unknown', 'node-a')).toBe('unknown');
    expect(statusOf(f, 'bpf-programs/loaded', 'node-b')).toBe('pass');
    const g = runChecks(healthyFacts({ config: failed('configmaps "cilium-config" not found') }), {
      only: ['bpf-programs'],
    });
    expect(g.map((x) => x.id)).toEqual(['bpf-programs/unknown']);
  });
});
