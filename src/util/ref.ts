// NS/NAME references as kubectl users write them.
import { KdiagError } from '../errors.js';

export interface Ref {
  namespace: string;
  name: string;
}

/** `ns/name`, or `name` in the default namespace given. */
export function parseRef(text: string, what: string, defaultNamespace = 'default'): Ref {
  const parts = text.split('/');
  const ok = (s: string) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s);
  if (parts.length === 1 && ok(parts[0])) return { namespace: defaultNamespace, name: parts[0] };
  if (parts.length === 2 && ok(parts[0]) && ok(parts[1])) return { namespace: parts[0], name: parts[1] };
  throw new KdiagError('usage', `invalid ${what} "${text}": expected NAMESPACE/NAME (lowercase DNS names)`);
}
