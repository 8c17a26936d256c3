// A spinner with progress on a TTY; nothing when piped, in CI, or for machine-readable output.
import type { Ora } from 'ora';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

export async function startProgress(text: string, enabled: boolean): Promise<Progress> {
  if (!enabled || !process.stderr.isTTY || process.env.CI) return SILENT;
  const { default: ora } = await import('ora');
  const spinner: Ora = ora({ text, stream: process.stderr }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    stop: () => spinner.stop(),
  };
}
