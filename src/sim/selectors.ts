// Label and field selectors with the kube-apiserver's grammar and error messages.

export type LabelReq =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

export class SelectorError extends Error {}

type Tok = { t: 'id' | 'op' | 'lp' | 'rp' | 'comma' | 'in' | 'notin' | 'not' | 'end'; v: string };

function lex(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const isIdChar = (c: string): boolean => /[A-Za-z0-9_.\-/]/.test(c);
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const single = ({ '(': 'lp', ')': 'rp', ',': 'comma' } as const)[c as '(' | ')' | ','];
    if (single) {
      toks.push({ t: single, v: c });
      i++;
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = s.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        toks.push({ t: 'op', v: two });
        i += 2;
      } else if (c === '!') {
        toks.push({ t: 'not', v: '!' });
        i++;
      } else {
        toks.push({ t: 'op', v: c });
        i++;
      }
    } else if (isIdChar(c)) {
      let j = i;
      while (j < s.length && isIdChar(s[j]!)) j++;
      const w = s.slice(i, j);
      toks.push(w === 'in' ? { t: 'in', v: w } : w === 'notin' ? { t: 'notin', v: w } : { t: 'id', v: w });
      i = j;
    } else {
      throw new SelectorError(`unable to parse requirement: found '${c}', expected: identifier`);
    }
  }
  toks.push({ t: 'end', v: '' });
  return toks;
}

/** Parse a label selector (`a=b,c!=d,e in (x,y),f,!g`); throws SelectorError with the apiserver's message. */
export function parseLabelSelector(s: string): LabelReq[] {
  if (!s.trim()) return [];
  const toks = lex(s);
  let p = 0;
  const reqs: LabelReq[] = [];
  const fail = (found: Tok, expected: string): never => {
    throw new SelectorError(`unable to parse requirement: found '${found.v}', expected: ${expected}`);
  };
  for (;;) {
    let tok = toks[p++]!;
    if (tok.t === 'not') {
      const id = toks[p++]!;
      if (id.t !== 'id') fail(id, 'identifier');
      reqs.push({ key: id.v, op: 'notexists' });
    } else {
      if (tok.t !== 'id') fail(tok, 'identifier');
      const key = tok.v;
      const op = toks[p]!;
      if (op.t === 'comma' || op.t === 'end') {
        reqs.push({ key, op: 'exists' });
      } else if (op.t === 'op') {
        p++;
        if (op.v === '<' || op.v === '>')
          throw new SelectorError(`unable to parse requirement: operator ${op.v} not supported`);
        const val = toks[p]!;
        let value = '';
        if (val.t === 'id') {
          value = val.v;
          p++;
        } else if (!(val.t === 'comma' || val.t === 'end')) fail(val, 'identifier');
        reqs.push({ key, op: op.v === '!=' ? 'neq' : 'eq', value });
      } else if (op.t === 'in' || op.t === 'notin') {
        p++;
        const lp = toks[p++]!;
        if (lp.t !== 'lp') fail(lp, "'('");
        const values: string[] = [];
        for (;;) {
          tok = toks[p++]!;
          if (tok.t === 'id') values.push(tok.v);
          else if (tok.t === 'rp' && values.length === 0) break;
          else fail(tok, 'identifier');
          const sep = toks[p++]!;
          if (sep.t === 'rp') break;
          if (sep.t !== 'comma') fail(sep, "',' or ')'");
        }
        reqs.push({ key, op: op.t, values });
      } else {
        fail(op, '=, !=, ==, in, notin');
      }
    }
    const sep = toks[p++]!;
    if (sep.t === 'end') break;
    if (sep.t !== 'comma') fail(sep, "','");
  }
  return reqs;
}

export function matchLabels(reqs: LabelReq[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
      case 'eq':
        if (!has || v !== r.value) return false;
        break;
      case 'neq':
        if (has && v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
    }
  }
  return true;
}

export interface FieldReq {
  field: string;
  neq: boolean;
  value: string;
}

/** Field labels each resource supports (as registered by the apiserver). */
const FIELD_LABELS: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  secrets: ['type'],
};

export function parseFieldSelector(s: string, resource: string): FieldReq[] {
  if (!s.trim()) return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[resource] ?? [])]);
  return s.split(',').map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim());
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    const field = m[1]!.trim();
    if (!allowed.has(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, neq: m[2] === '!=', value: m[3]! };
  });
}

function fieldValue(obj: Record<string, unknown>, field: string): string {
  if (field === 'source') {
    const src = (obj as { source?: { component?: string } }).source;
    return src?.component ?? '';
  }
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

export function matchFields(reqs: FieldReq[], obj: Record<string, unknown>): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.neq ? v === r.value : v !== r.value) return false;
  }
  return true;
}
