// `kdiag docter`: name the closest command *or topic* (plugin-not-found alone only knows commands, so it
// would offer `logs`), and never prompt without a terminal: CI has no stdin. On a terminal, when the
// closest is a command, @oclif/plugin-not-found asks whether to run it (its prompt times out by itself).
import type { Hook } from '@oclif/core';
import notFound from '@oclif/plugin-not-found';

/** Edit distance (Levenshtein), enough for a few dozen short ids. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const { config, id } = opts;
  const commands = config.commands.filter((c) => !c.hidden).map((c) => c.id);
  const topics = config.topics.filter((t) => !t.hidden).map((t) => t.name);
  const closest = [...new Set([...commands, ...topics])]
    .map((c) => ({ c, d: distance(id, c) }))
    .sort((a, b) => a.d - b.d)[0]?.c;
  const isCommand = closest !== undefined && commands.includes(closest);
  if (closest && isCommand && process.stdin.isTTY && process.stdout.isTTY) return notFound.call(this, opts);

  const shown = (s: string) => s.replaceAll(':', ' ');
  this.warn(`${shown(id)} is not a ${config.bin} command.${closest ? ` Did you mean ${shown(closest)}?` : ''}`);
  this.error(`Run ${config.bin} help${closest ? ` ${shown(closest)}` : ''} for the commands.`, { exit: 127 });
};

export default hook;
