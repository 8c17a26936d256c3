// kubectl-style tables: CAPS headers, borderless, columns padded by three spaces
// (k8s.io/cli-runtime/pkg/printers/tableprinter.go), built on cli-table3. On a terminal the table fits
// its width: wide columns wrap at spaces (wrap-ansi, measured with string-width), never inside a word;
// if even that is too wide, the columns named in `drop` go, in that order, and a note points to -o wide.
import Table from 'cli-table3';
import chalk from 'chalk';
import wrapAnsi from 'wrap-ansi';
import { stringWidth, terminalWidth } from './width.js';

const NONE = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};
const GAP = 3;

export interface TableOptions {
  /** Fit the terminal (default). False for `-o wide`: every column at full width. */
  fit?: boolean;
  /** Headers of columns that may be left out, first to go first, when wrapping is not enough. */
  drop?: string[];
}

export function renderTable(headers: string[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const width = opts.fit === false ? undefined : terminalWidth();
  let cols = headers.map((_, i) => i);
  let cells = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => r.map((c) => String(c)))];
  const dropped: string[] = [];
  if (width !== undefined) {
    let widths = fitWidths(cells, cols, width, false);
    for (const h of opts.drop ?? []) {
      if (widths) break;
      cols = cols.filter((i) => headers[i] !== h);
      dropped.push(h.toUpperCase());
      widths = fitWidths(cells, cols, width, false);
    }
    // Last resort: the last column (a message or detail, prose) may break a long word.
    widths ??= fitWidths(cells, cols, width, true);
    if (widths) {
      const w = widths;
      cells = cells.map((r) => r.map((c, i) => (cols.includes(i) ? wrapAnsi(c, w[cols.indexOf(i)]!, WRAP) : c)));
    }
  }
  const t = new Table({
    head: cols.map((i) => cells[0]![i]!),
    chars: NONE,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const r of cells.slice(1)) t.push(cols.map((i) => r[i] ?? ''));
  const out = t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
  return dropped.length ? `${out}\n${chalk.dim(`(${dropped.join(', ')} left out to fit; -o wide shows all)`)}` : out;
}

const WRAP = { hard: true, trim: true };

/**
 * Column widths that fit `width`: the widest columns give way first, none narrower than its longest
 * word (so ids never break), except the last column's with `relaxLast`. Undefined when it cannot fit.
 */
function fitWidths(cells: string[][], cols: number[], width: number, relaxLast: boolean): number[] | undefined {
  const natural = cols.map((i) => Math.max(...cells.map((r) => stringWidth(r[i] ?? ''))));
  const min = cols.map((i) => Math.max(...cells.map((r) => longestWord(r[i] ?? ''))));
  if (relaxLast) min[min.length - 1] = Math.min(min[min.length - 1]!, 16);
  const room = width - GAP * (cols.length - 1);
  const w = [...natural];
  let total = w.reduce((a, b) => a + b, 0);
  while (total > room) {
    let k = -1;
    for (let j = 0; j < w.length; j++) if (w[j]! > min[j]! && (k < 0 || w[j]! > w[k]!)) k = j;
    if (k < 0) return undefined;
    w[k]!--;
    total--;
  }
  return w;
}

function longestWord(s: string): number {
  return Math.max(0, ...s.split(/\s+/).map((w) => stringWidth(w)));
}
