// Machine-readable output: JSON (stable key order as built) and YAML.
import { stringify } from 'yaml';

export function renderData(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(data, replacer, 2) : stringify(data, replacer as never);
}

/** Maps and Sets become plain objects and arrays. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}
