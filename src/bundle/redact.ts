// Secrets never go into a bundle: Secret objects are never read, and every text and object that is
// collected passes through here first. Values are replaced, keys kept, so the reader sees what was there.
export const REDACTED = '[REDACTED]';

/** Keys (ConfigMap data, env var names, JSON/YAML fields) whose value is a credential. */
const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|bearer|credential|api[-_]?key|private[-_]?key|auth[-_]?key)$/i;

/** In free text: `Authorization: Bearer X`, `token=X`, `"password": "X"`, `password: X`, PEM private keys. */
const TEXT_RULES: [RegExp, string][] = [
  [
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [
    /(["']?[\w.-]*(?:pass(?:word|wd|phrase)?|secret|token|credential|api[-_]?key|private[-_]?key)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi,
    `$1${REDACTED}`,
  ],
  // A JWT (a service account token) wherever it appears.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
];

export function redactText(text: string): string {
  let out = text;
  for (const [re, to] of TEXT_RULES) out = out.replace(re, to);
  return out;
}

/** A copy of a Kubernetes object with credential-like values redacted (env, data, annotations, any string). */
export function redactObject<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(v: unknown, key: string | undefined): unknown {
  if (typeof v === 'string') return key && SECRET_KEY.test(key) && v !== '' ? REDACTED : redactText(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, key));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  // An env var {name, value}: the name says whether the value is a credential.
  if (typeof o.name === 'string' && typeof o.value === 'string' && SECRET_KEY.test(o.name))
    return { ...o, value: REDACTED };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = walk(x, k);
  return out;
}
