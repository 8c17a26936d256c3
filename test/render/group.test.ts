// Grouping identical per-node findings for the human views (issue #19).
import { finding } from '../../src/model/finding.js';
import { groupFindings, nodeList } from '../../src/render/group.js';
import { factInWords } from '../../src/render/fact-words.js';

const none = (node: string, pod: string) =>
  finding('bpf-programs', 'none-loaded', {
    status: 'fail',
    node,
    message: `no Cilium eBPF programs are loaded on ${node}`,
    evidence: [{ source: `kubectl -n kube-system logs ${pod} -c cilium-agent`, node, pod, excerpt: 'msg="boom"' }],
  });

describe('nodeList', () => {
  test('natural order, then "… and N more"', () => {
    const nodes = Array.from({ length: 43 }, (_, i) => `node-${(i + 1) * 2}`).reverse();
    expect(nodeList(nodes)).toBe('node-2, node-4, node-6, node-8, node-10, node-12 … and 37 more');
    expect(nodeList(['node-10', 'node-9'])).toBe('node-9, node-10');
    expect(nodeList([])).toBe('cluster-wide');
  });
});

describe('groupFindings', () => {
  test('the same finding and evidence on many nodes is one group; different evidence is not', () => {
    const fs = [none('node-10', 'cilium-aaaaa'), none('node-9', 'cilium-bbbbb')];
    const other = none('node-3', 'cilium-ccccc');
    other.evidence[0]!.excerpt = 'msg="something else"';
    const groups = groupFindings([...fs, other]);
    expect(groups.map((g) => g.nodes)).toEqual([['node-9', 'node-10'], ['node-3']]);
    expect(groups[0]!.first.node).toBe('node-9');
    expect(groups[0]!.findings).toHaveLength(2);
  });
});

describe('factInWords', () => {
  test('names facts as a user thinks of them', () => {
    expect(factInWords('bpfPrograms', 'node-3')).toBe('the eBPF program list of node-3');
    expect(factInWords('config')).toBe('the cilium-config ConfigMap');
    expect(factInWords('datapathSignals')).toBe('the Calico and kube-proxy configuration');
  });
});
