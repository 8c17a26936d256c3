// The cluster as a bundle recorded it (`kdiag bundle`, or what a `cilium sysdump` holds): the same client
// the engine uses, answering its GETs, logs and execs from the archive, so gather, checks and renderers
// run unchanged offline. What the bundle does not hold fails as that: the engine reports it as unknown.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { KdiagError } from '../errors.js';
import { KubeClient } from './client.js';
import { Kubeconfig } from './kubeconfig-types.js';
import {
  BUNDLE_DIR,
  MANIFEST,
  matchesSelector,
  splitApiPath,
  type ApiEntry,
  type BundleManifest,
  type ExecEntry,
  type LogEntry,
  type RecordedError,
} from './bundle-layout.js';
import { readSysdump } from './sysdump.js';
import type { ClientOptions, ExecOptions, ExecResult, KubeObject, LogOptions, RequestOptions } from './types.js';

/** The archive's files, by path under kdiag-bundle/. */
export type BundleFiles = Map<string, Buffer>;

/** Reads every file of a tar.gz into memory (a bundle is a few MB per hundred nodes). */
export async function readTarGz(file: string): Promise<Map<string, Buffer>> {
  const tar = await import('tar');
  const files = new Map<string, Buffer>();
  const pending: Promise<void>[] = [];
  try {
    await tar.t({
      file,
      onReadEntry: (entry) => {
        if (entry.type !== 'File') return;
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        pending.push(
          new Promise((resolve) => entry.on('end', () => resolve(void files.set(entry.path, Buffer.concat(chunks))))),
        );
      },
    });
    await Promise.all(pending);
  } catch (e) {
    throw new KdiagError('parse', `cannot read ${file} as a tar.gz: ${(e as Error).message}`, {
      hint: 'pass a file written by `kdiag bundle`',
    });
  }
  return files;
}

/** A kdiag bundle (tar.gz): its manifest and the files under its top folder. */
async function readBundle(file: string): Promise<{ manifest: BundleManifest; files: BundleFiles }> {
  const raw = await readTarGz(file);
  const files: BundleFiles = new Map();
  for (const [p, b] of raw) if (p.startsWith(`${BUNDLE_DIR}/`)) files.set(p.slice(BUNDLE_DIR.length + 1), b);
  const m = files.get(MANIFEST);
  if (!m) throw new KdiagError('parse', `${file} is not a kdiag bundle: no ${BUNDLE_DIR}/${MANIFEST} in it`);
  try {
    return { manifest: JSON.parse(m.toString('utf8')) as BundleManifest, files };
  } catch {
    throw new KdiagError('parse', `${file}: ${BUNDLE_DIR}/${MANIFEST} is not valid JSON`);
  }
}

/** A zip starts with a local file header, PK\x03\x04 (or PK\x05\x06 when empty): PKWARE APPNOTE 4.3.7. */
async function isZip(file: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const fh = await open(file).catch(() => undefined);
  if (!fh) return false;
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, 0);
    return b.toString('latin1', 0, 2) === 'PK' && (b[2] === 3 || b[2] === 5);
  } finally {
    await fh.close();
  }
}

export class BundleClient extends KubeClient {
  private readonly api = new Map<string, ApiEntry>();
  private readonly execs = new Map<string, ExecEntry>();
  private readonly logEntries = new Map<string, LogEntry>();

  private constructor(
    kc: Kubeconfig,
    opts: ClientOptions,
    readonly manifest: BundleManifest,
    private readonly files: BundleFiles,
    readonly source: string,
    /** What the archive is, for "not in the bundle/sysdump FILE". */
    private readonly label: 'bundle' | 'sysdump' = 'bundle',
  ) {
    super(kc, opts);
    for (const a of manifest.api) this.api.set(a.path, a);
    for (const e of manifest.exec) this.execs.set(execKey(e.namespace, e.pod, e.container, e.argv), e);
    for (const l of manifest.logs) this.logEntries.set(logKey(l.namespace, l.pod, l.container, l.previous), l);
  }

  /** A client over a kdiag bundle (tar.gz) or a `cilium sysdump` zip (read for what it holds: sysdump.ts). */
  static async open(file: string, opts: ClientOptions): Promise<BundleClient> {
    const zip = await isZip(file);
    const { manifest, files } = zip ? await readSysdump(file) : await readBundle(file);
    return new BundleClient(bundleConfig(manifest.context), opts, manifest, files, file, zip ? 'sysdump' : 'bundle');
  }

  override async request(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<{ status: number; body: string }> {
    if (method !== 'GET')
      throw new KdiagError('usage', `${method} ${path}: a bundle is read-only (it answers reads only)`);
    const { collection, resource, namespace, name } = splitApiPath(path);
    // The namespace's own list when the collector read it so, else the cluster-wide one.
    const entry = this.api.get(collection) ?? (namespace ? this.api.get(resource) : undefined);
    if (!entry) throw notInBundle(`GET ${path}`, this.source, this.label);
    if (entry.error) throw replay(entry.error);
    const selector = opts.query?.labelSelector as string | undefined;
    if (entry.selectors && name === undefined && !entry.selectors.includes(selector ?? ''))
      throw notInBundle(`GET ${path}${selector ? `?labelSelector=${selector}` : ''}`, this.source, this.label);
    let items = this.items(entry).filter((o) => !namespace || o.metadata?.namespace === namespace);
    if (name !== undefined) {
      const obj = items.find((o) => o.metadata?.name === name);
      if (obj) return { status: 200, body: JSON.stringify(obj) };
      if (entry.names && !entry.names.includes(name)) throw notInBundle(`GET ${path}`, this.source, this.label);
      throw new KdiagError('not-found', `${path.split('/').slice(-2).join(' ')} not found (in the bundle)`, {
        status: 404,
      });
    }
    const q = opts.query ?? {};
    items = items.filter(
      (o) =>
        matchesSelector(o.metadata?.labels, q.labelSelector as string | undefined) &&
        matchesFields(o, q.fieldSelector as string | undefined),
    );
    return { status: 200, body: JSON.stringify({ kind: 'List', items, metadata: {} }) };
  }

  override async logStream(namespace: string, pod: string, opts: LogOptions = {}): Promise<IncomingMessage> {
    const l = this.logEntries.get(logKey(namespace, pod, opts.container ?? '', Boolean(opts.previous)));
    const what = `logs of ${namespace}/${pod}${opts.previous ? ' (previous)' : ''}`;
    if (!l) throw notInBundle(what, this.source, this.label);
    if (l.error) throw replay(l.error);
    let text = this.text(l.file!);
    if (opts.tailLines !== undefined) {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      text = lines.slice(-opts.tailLines).join('\n') + (lines.length ? '\n' : '');
    }
    // The engine reads it line by line, as it reads the API's stream.
    return Readable.from([Buffer.from(text)]) as unknown as IncomingMessage;
  }

  override async exec(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    opts: ExecOptions = {},
  ): Promise<ExecResult> {
    const e =
      this.execs.get(execKey(namespace, pod, container, argv)) ?? this.nodeFilter(namespace, pod, container, argv);
    // A command the collector did not run: as if the container had no such program, so the engine's own
    // fallback (the full `service list` instead of the node-side filter) takes over.
    if (!e) return { exitCode: 127, stdout: '', stderr: `not in the ${this.label} ${this.source}: ${argv.join(' ')}` };
    if (e.error) throw replay(e.error);
    const stdout = 'stdout' in e ? String(e.stdout) : e.file ? this.text(e.file) : '';
    if (opts.onStdout) {
      opts.onStdout(Buffer.from(stdout));
      return { exitCode: e.exitCode ?? 0, stdout: '', stderr: e.stderr ?? '' };
    }
    return { exitCode: e.exitCode ?? 0, stdout, stderr: e.stderr ?? '' };
  }

  /**
   * The engine's node-side filter (src/engine/gather-filter.ts: `sh -c SCRIPT kdiag-filter CLI ip=… port=…`)
   * answered from the recorded `CLI service list`, keeping the rows the script keeps: the header, each row
   * whose frontend IP or port is wanted and its backend lines, then `kdiag-exit N`.
   */
  private nodeFilter(namespace: string, pod: string, container: string, argv: string[]): ExecEntry | undefined {
    if (argv[0] !== 'sh' || argv[1] !== '-c' || argv[3] !== 'kdiag-filter' || !argv[4]) return undefined;
    const full = this.execs.get(execKey(namespace, pod, container, [argv[4], 'service', 'list']));
    if (!full || full.error || full.exitCode === 127 || full.exitCode === 126 || !full.file) return undefined;
    const want = new Set(argv.slice(5));
    const out: string[] = [];
    let keep = false;
    const lines = this.text(full.file).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((line, i) => {
      if (i === 0) return void out.push(line);
      if (/^[0-9]/.test(line)) {
        const fe = (line.trim().split(/\s+/)[1] ?? '').replace(/\/[A-Za-z]+$/, '');
        const port = fe.replace(/.*:/, '');
        const ip = fe.replace(/:[0-9]+$/, '').replace(/[[\]]/g, '');
        keep = want.has(`ip=${ip}`) || want.has(`port=${port}`);
      }
      if (keep) out.push(line);
    });
    out.push(`kdiag-exit ${full.exitCode ?? 0}`);
    return { ...full, argv, file: undefined, stdout: out.join('\n') + '\n' } as ExecEntry & { stdout: string };
  }

  override async deletePod(namespace: string, name: string): Promise<KubeObject> {
    throw new KdiagError('usage', `cannot delete ${namespace}/${name}: a bundle is read-only`);
  }

  override async canI(): Promise<boolean> {
    throw new KdiagError('usage', 'a bundle cannot answer permission reviews: run against the cluster');
  }

  override close(): void {}

  private items(entry: ApiEntry): KubeObject[] {
    if (!entry.file) return [];
    const list = JSON.parse(this.text(entry.file)) as { items?: KubeObject[] };
    return list.items ?? [];
  }

  private text(file: string): string {
    const b = this.files.get(file);
    if (!b) throw new KdiagError('parse', `${this.source}: the manifest names ${file}, which is not in the archive`);
    return b.toString('utf8');
  }
}

const execKey = (ns: string, pod: string, container: string, argv: string[]) =>
  [ns, pod, container, ...argv].join('\0');
const logKey = (ns: string, pod: string, container: string, previous: boolean) =>
  [ns, pod, container, previous ? 'previous' : 'current'].join('\0');

function replay(e: RecordedError): KdiagError {
  return new KdiagError(e.kind, e.message, { hint: e.hint, status: e.status });
}

function notInBundle(what: string, source: string, label: 'bundle' | 'sysdump'): KdiagError {
  return new KdiagError('server', `${what}: not in the ${label} ${source}`, {
    hint:
      label === 'sysdump'
        ? 'a cilium sysdump does not hold it (docs/bundle.md); run against the cluster, or collect `kdiag bundle`'
        : 'the bundle was collected without it; run against the cluster, or collect a new bundle',
  });
}

/** The client's messages name a server and a context: here, the bundle and the context it came from. */
function bundleConfig(context: string): Kubeconfig {
  return new Kubeconfig(
    [{ name: 'bundle', server: `https://bundle.invalid`, skipTLSVerify: false }],
    [{ name: 'bundle' }],
    [{ name: context || 'bundle', cluster: 'bundle', user: 'bundle' }],
    context || 'bundle',
  );
}

/** `metadata.name=`, `metadata.namespace=`, `spec.nodeName=` (the field selectors kdiag sends). */
function matchesFields(o: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((req) => {
    const m = /^([^!=]+)(!=|==?)(.*)$/.exec(req.trim());
    if (!m) return true;
    const v = m[1]
      .split('.')
      .reduce<unknown>(
        (acc, k) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined),
        o,
      );
    return m[2] === '!=' ? String(v ?? '') !== m[3] : String(v ?? '') === m[3];
  });
}
