// A spinner with progress on a TTY; nothing when piped, in CI, for machine-readable output, or on a
// terminal whose size is zero or unknown (ora would redraw a 0-column line forever).
import type { Ora } from 'ora';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

export async function startProgress(text: string, enabled: boolean): Promise<Progress> {
  if (!enabled || !process.stderr.isTTY || process.env.CI || !hasSize(process.stderr)) return SILENT;
  const { default: ora } = await import('ora');
  const spinner: Ora = ora({ text, stream: process.stderr }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    stop: () => spinner.stop(),
  };
}

/** A terminal with a known, non-zero width and height. */
export function hasSize(stream: { columns?: number; rows?: number }): boolean {
  return (stream.columns ?? 0) > 0 && (stream.rows ?? 0) > 0;
}
