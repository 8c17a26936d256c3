// A faithful port of the layout algorithm of Go's text/tabwriter (src/text/tabwriter/tabwriter.go,
// Writer.format/writeLines), restricted to what Cilium uses: left alignment, padchar ' ', no flags.
// Cilium prints its tables through it, e.g. cilium-dbg/cmd/service_list.go:
// `tabwriter.NewWriter(os.Stdout, 5, 0, 3, ' ', 0)` (minwidth 5, tabwidth 0, padding 3).

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
}

/**
 * Lays out `text` whose cells are terminated by '\t' as Go's tabwriter does. A line's text after its
 * last tab is not a cell of any column (printed as is). Widths count Unicode code points, as Go counts runes.
 */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const rawLines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const lines: string[][] = rawLines.map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = [];

  const width = (s: string): number => Array.from(s).length;

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      let s = '';
      for (let j = 0; j < line.length; j++) {
        const cell = line[j]!;
        s += cell;
        if (j < widths.length && j < line.length - 1) s += ' '.repeat(Math.max(0, widths[j]! - width(cell)));
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let self = line0; self < line1; self++) {
      if (column >= lines[self]!.length - 1) continue;
      // a cell exists in this column: print the lines before this block, then lay out the block
      writeLines(line0, self);
      line0 = self;
      let w = opts.minwidth;
      for (; self < line1; self++) {
        const line = lines[self]!;
        if (column >= line.length - 1) break;
        const cw = width(line[column]!) + opts.padding;
        if (cw > w) w = cw;
      }
      widths.push(w);
      format(line0, self);
      widths.pop();
      // as in Go, the loop increment then skips line `self`, which ended the block (no cell here)
      line0 = self;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
