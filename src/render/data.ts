// Machine-readable output: JSON (stable key order as built) and YAML.
import { stringify } from 'yaml';

export function renderData(data: unknown, format: 'json' | 'yaml'): string {
  // No anchors/aliases: evidence objects repeat, and a reader or `yq` must see each one in full.
  return format === 'json'
    ? JSON.stringify(data, replacer, 2)
    : stringify(data, replacer as never, { aliasDuplicateObjects: false });
}

/** Maps and Sets become plain objects and arrays. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}
