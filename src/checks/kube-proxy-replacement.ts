// Reports the kube-proxy replacement mode (every spelling 1.7–1.18) and agents whose status disagrees with the config (source: cilium-config `kube-proxy-replacement`, `cilium(-dbg) status`).
import { kprEffect, normalizeKpr, readCiliumConfig, CONFIG_KEYS } from '../cilium/config.js';
import { agentNodes, finding, perNode } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'kube-proxy-replacement';

export const kubeProxyReplacement: Check = {
  id: ID,
  title: 'kube-proxy replacement mode, as configured and as the agents run it',
  reasons: ['mode', 'invalid-value', 'status-matches', 'status-mismatch'],
  needs: ['config', 'status'],
  rbac: ['get configmaps in <cilium-ns>', 'create pods/exec in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.config.ok) return [];
    const key = CONFIG_KEYS.kubeProxyReplacement;
    const raw = facts.config.value[key];
    const view = readCiliumConfig(facts.config.value);
    const mode = view.kubeProxyReplacement;
    const cfgEv = { source: 'ConfigMap cilium-config', excerpt: `${key}=${raw ?? '(unset)'}` };
    const out: Finding[] = [];
    if (raw !== undefined && mode === undefined) {
      out.push(
        finding(ID, 'invalid-value', {
          status: 'fail',
          message: `${key}="${raw}" is not a value any Cilium version accepts (true/false; strict/partial/probe/disabled up to 1.14)`,
          evidence: [cfgEv],
          cause: 'invalid-config',
        }),
      );
    } else {
      out.push(
        finding(ID, 'mode', {
          status: 'info',
          message: `kube-proxy replacement ${mode ?? 'not set (version default)'}: ${view.kprEffect} (socket LB ${view.socketLb ? 'on' : 'off'} via ${view.socketLbSource}${view.socketLbHostnsOnly ? ', host namespace only' : ''}, NodePort ${view.nodePort ? 'on' : 'off'})`,
          evidence: [cfgEv],
        }),
      );
    }
    const want = kprEffect(mode);
    out.push(
      ...perNode(ID, '`cilium status`', agentNodes(facts, facts.status), facts.status, (node, st) => {
        const got = st.kubeProxyReplacement ?? normalizeKpr(st.kubeProxyReplacementRaw);
        const ev = [
          cfgEv,
          {
            source: 'cilium status',
            node,
            excerpt: `KubeProxyReplacement: ${st.kubeProxyReplacementRaw ?? '(not printed)'}`,
          },
        ];
        if (got === undefined) return [];
        if (raw !== undefined && kprEffect(got) !== want) {
          return [
            finding(ID, 'status-mismatch', {
              status: 'warn',
              node,
              message: `agent on ${node} runs kube-proxy replacement ${st.kubeProxyReplacementRaw} (${kprEffect(got)}) but the config says ${raw} (${want}): it has not picked up the config, or fell back after a kernel probe`,
              evidence: ev,
            }),
          ];
        }
        return [
          finding(ID, 'status-matches', {
            status: 'pass',
            node,
            message: `agent runs ${st.kubeProxyReplacementRaw}`,
            evidence: ev,
          }),
        ];
      }),
    );
    return out;
  },
};
