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
