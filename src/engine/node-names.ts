// A --node (or an ignore rule's @NODE) that names no node is an input error (exit 2), never an empty,
// "healthy" run over zero nodes. Shared by every command that takes node names, in its validate step.
import type { KubeClient } from '../cluster/client.js';
import { KdiagError } from '../errors.js';
import { closestName } from '../util/closest.js';
import { listNodes } from './gather-api.js';

/** Throws a usage error naming the first unknown node and the closest existing one. */
export async function validateNodeNames(
  client: KubeClient,
  names: string[] | undefined,
  what = '--node',
): Promise<void> {
  if (!names?.length) return;
  let known: string[];
  try {
    known = (await listNodes(client)).map((n) => n.name);
  } catch {
    return; // nodes not listable: the run itself reports that as unknown, with its reason
  }
  assertKnownNodes(names, known, what);
}

/** Pure half of validateNodeNames. */
export function assertKnownNodes(names: string[], known: string[], what = '--node'): void {
  const set = new Set(known);
  const missing = names.filter((n) => !set.has(n));
  if (!missing.length) return;
  const first = missing[0]!;
  const guess = closestName(first, known);
  throw new KdiagError('usage', `${what} ${first}: no such node${guess ? ` (did you mean ${guess}?)` : ''}`, {
    hint: known.length ? undefined : 'the cluster lists no nodes',
  });
}
