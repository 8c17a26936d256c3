// Runs the built CLI the way a user does (argument arrays, no shell), against a simulator.
import { execa } from 'execa';
import path from 'node:path';

export const BIN = path.resolve(process.cwd(), 'bin/run.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function kdiag(
  args: string[],
  opts: { kubeconfig?: string; env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  const full = opts.kubeconfig ? [...args, '--kubeconfig', opts.kubeconfig] : args;
  const r = await execa('node', [BIN, ...full], {
    reject: false,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...opts.env },
    input: opts.input ?? '',
    timeout: 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function json<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${r.exitCode}): ${r.stdout.slice(0, 300)} / stderr: ${r.stderr.slice(0, 300)}`,
    );
  }
}
