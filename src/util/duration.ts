// Go-style durations as kubectl accepts them (--request-timeout=30s, --since=10m, 1h30m, 500ms; a bare
// number is seconds).
import { KdiagError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Node's setTimeout fires at once (with a TimeoutOverflowWarning) beyond 2^31-1 ms, about 596 hours. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

export function parseDuration(text: string, flag = 'duration'): number {
  const ms = parseUnbounded(text, flag);
  if (ms > MAX_DURATION_MS)
    throw new KdiagError(
      'usage',
      `invalid ${flag} "${text}": longer than ${Math.floor(MAX_DURATION_MS / 3_600_000)}h, the longest wait kdiag can time`,
    );
  return ms;
}

function parseUnbounded(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  if (t.length === 0 || matched !== t.length)
    throw new KdiagError('usage', `invalid ${flag} "${text}": use a duration such as 30s, 5m or 1h30m`);
  return Math.round(total);
}
