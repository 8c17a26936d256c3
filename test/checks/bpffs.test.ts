import { bpffs } from '../../src/checks/bpffs.js';
import { failed, got, healthyFacts, statusOf } from '../helpers/facts.js';

describe('bpffs', () => {
  it('passes where bpffs is mounted', () => {
    expect(bpffs.run(healthyFacts()).map((f) => [f.id, f.status])).toEqual([
      ['bpffs/mounted', 'pass'],
      ['bpffs/mounted', 'pass'],
    ]);
  });
  it('fails with cause bpffs-not-mounted; unknown where the exec failed', () => {
    const f = bpffs.run(
      healthyFacts({
        bpffs: new Map([
          ['node-a', got({ mounted: false, evidence: '' })],
          ['node-b', failed('exec: pods "cilium-fghij" is forbidden')],
        ]),
      }),
    );
    expect(f.find((x) => x.node === 'node-a')).toMatchObject({
      id: 'bpffs/not-mounted',
      status: 'fail',
      cause: 'bpffs-not-mounted',
    });
    expect(statusOf(f, 'bpffs/unknown', 'node-b')).toBe('unknown');
  });
  it('a node with an agent but no bpffs result is unknown, never pass', () => {
    const f = bpffs.run(
      healthyFacts({ bpffs: new Map([['node-a', got({ mounted: true, evidence: 'bpffs /sys/fs/bpf bpf rw 0 0' })]]) }),
    );
    expect(statusOf(f, 'bpffs/unknown', 'node-b')).toBe('unknown');
  });
});
