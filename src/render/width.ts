// Text output fits the terminal: on a TTY, long lines wrap at spaces to process.stdout.columns, so ids,
// flags and commands stay whole; piped or redirected output never wraps (grep and scripts see one line
// per item).
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** Columns to fit, or undefined when stdout is not a terminal. */
export function terminalWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns || 80 : undefined;
}

export { stringWidth };

/**
 * `first + text`, wrapped at spaces so that no line is wider than `width`; continuation lines start
 * with `next`. Only a single word longer than the whole line is broken. `width` undefined: one line.
 */
export function wrapLine(text: string, width: number | undefined, first = '', next = first): string[] {
  const line = first + text;
  if (width === undefined || stringWidth(line) <= width) return [line];
  const room = Math.max(10, width - Math.max(stringWidth(first), stringWidth(next)));
  return wrapAnsi(text, room, { hard: true, trim: true })
    .split('\n')
    .map((l, i) => (i ? next : first) + l);
}

/** A shell command wrapped with ` \` continuations, so the lines still paste as one command. */
export function wrapCommand(cmd: string, width: number | undefined, first: string, next = `${first}  `): string[] {
  if (width === undefined || stringWidth(first + cmd) <= width) return [first + cmd];
  const lines = wrapLine(cmd, width - 2, first, next);
  return lines.map((l, i) => (i < lines.length - 1 ? `${l} \\` : l));
}
