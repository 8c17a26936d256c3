// A kubeconfig `exec` credential plugin (client.authentication.k8s.io ExecCredential), run by kdiag
// itself rather than by client-node, whose ExecAuth waits for the plugin forever: here it gets the
// request timeout, is killed when that runs out, and every error names the plugin command, never its
// output (which holds the credential).
import { KdiagError } from '../errors.js';

export interface ExecPluginConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
}

export interface ExecPluginCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
}

export async function runExecPlugin(exec: ExecPluginConfig, timeoutMs: number): Promise<ExecPluginCredential> {
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
  const name = [exec.command, ...(exec.args ?? [])].join(' ');
  const env: Record<string, string> = {
    // As kubectl does (client-go/plugin/pkg/client/auth/exec): the plugin learns it cannot prompt.
    KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } }),
  };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  // Imported here: only a kubeconfig with a plugin needs execa (~0.2 s of CPU to load on every run otherwise).
  const { execa } = await import('execa');
  const r = await execa(exec.command, exec.args ?? [], {
    env,
    stdin: 'ignore',
    reject: false,
    timeout: timeoutMs > 0 ? timeoutMs : undefined,
    forceKillAfterDelay: 2_000,
    maxBuffer: 1024 * 1024,
  });
  if (r.timedOut)
    throw new KdiagError(
      'timeout',
      `the kubeconfig exec credential plugin "${name}" did not finish within ${timeoutMs / 1000}s`,
      {
        hint: 'run the plugin by hand to see what it waits for (a login prompt, a network call); raise --request-timeout',
      },
    );
  if (r.failed && r.exitCode === undefined)
    throw new KdiagError(
      'config',
      `cannot run the kubeconfig exec credential plugin "${exec.command}" (${r.code ?? 'failed'})`,
      {
        hint: 'is it installed and on PATH?',
      },
    );
  if (r.exitCode !== 0)
    throw new KdiagError(
      'unauthorized',
      `the kubeconfig exec credential plugin "${name}" exited with code ${r.exitCode}`,
      {
        hint: 'run the plugin by hand to see its message',
      },
    );
  let status: ExecPluginCredential | undefined;
  try {
    status = (JSON.parse(String(r.stdout)) as { status?: ExecPluginCredential }).status;
  } catch {
    // fall through: the output is never quoted, it may hold half a token
  }
  if (!status || (!status.token && !(status.clientCertificateData && status.clientKeyData)))
    throw new KdiagError(
      'unauthorized',
      `the kubeconfig exec credential plugin "${name}" printed no ExecCredential with a token or client certificate`,
    );
  return status;
}
