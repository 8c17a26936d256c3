// Kubeconfig loading the way kubectl does it: --kubeconfig (one file), else $KUBECONFIG (several files,
// the first file to set a value wins), else ~/.kube/config, else the in-cluster service account.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KdiagError, oneLine } from '../errors.js';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
}

export async function loadKubeConfig(opts: KubeconfigOptions): Promise<KubeConfig> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  const files = opts.kubeconfig
    ? [opts.kubeconfig]
    : (process.env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f.length > 0);
  try {
    if (files.length > 0) {
      for (const [i, file] of files.entries()) {
        if (!existsSync(file)) {
          if (opts.kubeconfig) throw new KdiagError('config', `kubeconfig ${file} does not exist`);
          continue; // kubectl ignores missing files listed in $KUBECONFIG
        }
        if (i === 0 || kc.clusters.length === 0) {
          kc.loadFromFile(file);
          continue;
        }
        const next = new k8s.KubeConfig();
        next.loadFromFile(file);
        mergeFirstWins(kc, next);
      }
      if (kc.clusters.length === 0 && kc.contexts.length === 0) {
        throw new KdiagError('config', `no usable kubeconfig in ${files.join(path.delimiter)}`);
      }
    } else if (existsSync(path.join(homedir(), '.kube', 'config'))) {
      kc.loadFromFile(path.join(homedir(), '.kube', 'config'));
    } else if (process.env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
    } else {
      throw new KdiagError('config', 'no kubeconfig: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config', {
        hint: 'to try kdiag without a cluster: kdiag sim --scenario healthy --write-kubeconfig /tmp/kdiag.kubeconfig',
      });
    }
  } catch (e) {
    if (e instanceof KdiagError) throw e;
    throw new KdiagError('config', `cannot load kubeconfig: ${oneLine(e)}`, { cause: e });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new KdiagError('config', `context "${opts.context}" does not exist in the kubeconfig`, {
        hint: `known contexts: ${kc.contexts.map((c) => c.name).join(', ') || 'none'}`,
      });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KdiagError('config', `kubeconfig has no current cluster (current-context "${kc.currentContext ?? ''}")`, {
      hint: 'pass --context NAME',
    });
  }
  return kc;
}

/** kubectl's merge rule: the first file to set a particular value (or name) wins. */
function mergeFirstWins(into: KubeConfig, from: KubeConfig): void {
  const has = <T extends { name: string }>(list: T[], name: string) => list.some((x) => x.name === name);
  for (const c of from.clusters) if (!has(into.clusters, c.name)) into.addCluster(c);
  for (const u of from.users) if (!has(into.users, u.name)) into.addUser(u);
  for (const c of from.contexts) if (!has(into.contexts, c.name)) into.addContext(c);
  if (!into.currentContext && from.currentContext) into.setCurrentContext(from.currentContext);
}
