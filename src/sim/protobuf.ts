// Just enough protobuf to read the SelfSubjectAccessReview that `kubectl auth can-i` sends
// (Content-Type application/vnd.kubernetes.protobuf: "k8s\0" + runtime.Unknown{typeMeta, raw}).

type Fields = Map<number, (Buffer | number)[]>;

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function decode(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let val: Buffer | number;
    if (wire === 0) {
      [val, pos] = readVarint(buf, pos);
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      val = buf.subarray(p2, p2 + len);
      pos = p2 + len;
    } else if (wire === 1) {
      val = 0;
      pos += 8;
    } else if (wire === 5) {
      val = 0;
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    const arr = out.get(field);
    if (arr) arr.push(val);
    else out.set(field, [val]);
  }
  return out;
}

const str = (f: Fields, n: number): string => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : '';
};
const sub = (f: Fields, n: number): Fields | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? decode(v) : undefined;
};

export interface AccessReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    version?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** Decode a protobuf-encoded SelfSubjectAccessReview's spec. */
export function decodeSsarProtobuf(body: Buffer): AccessReviewSpec {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing k8s protobuf magic');
  const unknown = decode(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  if (!Buffer.isBuffer(raw)) throw new Error('no raw object');
  const ssar = decode(raw);
  const spec = sub(ssar, 2);
  const out: AccessReviewSpec = {};
  if (!spec) return out;
  const ra = sub(spec, 1);
  if (ra) {
    const r: NonNullable<AccessReviewSpec['resourceAttributes']> = {};
    const keys = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;
    keys.forEach((k, i) => {
      const v = str(ra, i + 1);
      if (v) r[k] = v;
    });
    out.resourceAttributes = r;
  }
  const nra = sub(spec, 2);
  if (nra) out.nonResourceAttributes = { path: str(nra, 1) || undefined, verb: str(nra, 2) || undefined };
  return out;
}

const strMap = (f: Fields, n: number): Record<string, string> | undefined => {
  const entries = (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => decode(b));
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map((e) => [str(e, 1), str(e, 2)]));
};

/**
 * The objects kubectl creates in protobuf (`create namespace`, `create configmap`): ObjectMeta's name (1),
 * generateName (2), namespace (3), labels (11), annotations (12); ConfigMap data (2); k8s.io/api
 * generated.proto field numbers. Anything else in the body is not read.
 */
export function decodeCreateProtobuf(body: Buffer): Record<string, unknown> {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing k8s protobuf magic');
  const unknown = decode(body.subarray(4));
  const tm = sub(unknown, 1);
  const raw = unknown.get(2)?.[0];
  if (!tm || !Buffer.isBuffer(raw)) throw new Error('no raw object');
  const kind = str(tm, 2);
  const obj = decode(raw);
  const m = sub(obj, 1);
  const metadata: Record<string, unknown> = {};
  if (m) {
    for (const [i, k] of [
      [1, 'name'],
      [2, 'generateName'],
      [3, 'namespace'],
    ] as const)
      if (str(m, i)) metadata[k] = str(m, i);
    const labels = strMap(m, 11);
    const annotations = strMap(m, 12);
    if (labels) metadata.labels = labels;
    if (annotations) metadata.annotations = annotations;
  }
  const out: Record<string, unknown> = { apiVersion: str(tm, 1), kind, metadata };
  if (kind === 'ConfigMap') {
    const data = strMap(obj, 2);
    if (data) out.data = data;
  }
  return out;
}

/** The namespace (spec field 1) of a protobuf SelfSubjectRulesReview, as `kubectl auth can-i --list` sends it. */
export function decodeSsrrNamespace(body: Buffer): string {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing k8s protobuf magic');
  const raw = decode(body.subarray(4)).get(2)?.[0];
  if (!Buffer.isBuffer(raw)) throw new Error('no raw object');
  const spec = sub(decode(raw), 2);
  return spec ? str(spec, 1) : '';
}
