// The kubelet's `timestamps=true` prefix (RFC3339Nano, as `kubectl logs --timestamps` shows) and a sort key
// for it. RFC3339Nano trims trailing zeros ("…:05Z" vs "…:05.1Z"), so the raw text does not sort; the key
// does: UTC, nine fraction digits, compared as a string.

const PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) /;

export interface Stamped {
  /** The kubelet timestamp as sent, when the line had one. */
  time?: string;
  /** Sortable UTC key ("" when the line had no timestamp). */
  key: string;
  /** The container's line without the prefix. */
  line: string;
}

export function splitTimestamp(text: string): Stamped {
  const m = PREFIX.exec(text);
  if (!m) return { key: '', line: text };
  const [whole, base, frac = '', zone] = m;
  const time = whole.slice(0, -1);
  const nanos = frac.padEnd(9, '0');
  let utc = base!;
  if (zone !== 'Z') {
    const ms = Date.parse(`${base}${zone}`);
    if (Number.isNaN(ms)) return { key: '', line: text };
    utc = new Date(ms).toISOString().slice(0, 19);
  }
  return { time, key: `${utc}.${nanos}Z`, line: text.slice(whole.length) };
}
