// The facts a run gathers, named the way a user thinks of them ("the eBPF program list of node-3"), for
// the unknowns lines; the internal key is only the fallback.
const WORDS: Record<string, string> = {
  cilium: 'the Cilium DaemonSet',
  config: 'the cilium-config ConfigMap',
  nodes: 'the Node list',
  agents: 'the Cilium agent pods',
  agentLogs: 'the Cilium agent log',
  bpfPrograms: 'the eBPF program list',
  status: 'the Cilium agent status (cilium-dbg status)',
  serviceMap: 'the Cilium service map (cilium-dbg service list)',
  serviceDrift: 'the Cilium service map (cilium-dbg service list)',
  bpffs: 'the BPF filesystem mount',
  services: 'the Services and EndpointSlices',
  kubeProxy: 'the kube-proxy objects',
  client: 'the client pod',
  datapathSignals: 'the Calico and kube-proxy configuration',
};

export function factInWords(fact: string, node?: string): string {
  const words = WORDS[fact] ?? fact;
  return node ? `${words} of ${node}` : words;
}
