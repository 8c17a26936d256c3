// A `cilium sysdump` zip read as a kdiag bundle: its files become the manifest entries the bundle client
// answers from (bundle-layout.ts), and everything it does not hold stays out, so the engine reports it as
// unknown ("not in the sysdump FILE"), never as a pass.
//
// The layout, from cilium-cli's source (cilium/cilium, cilium-cli/sysdump/; vendored in cilium/cilium-cli):
//  - constants.go names the files, `<ts>` being the collector's start time as 20060102-150405:
//    k8s-nodes-<ts>.yaml, k8s-services-<ts>.yaml, k8s-endpointslices-<ts>.yaml, k8s-pods-<ts>.yaml,
//    k8s-events-<ts>.yaml, cilium-daemonset-<ts>.yaml, cilium-configmap-<ts>.yaml,
//    logs-<pod>-<container>-<ts>.log and logs-<pod>-<container>-<ts>-prev.log, and
//    cilium-bugtool-<pod>-<ts>.tar.gz per agent.
//  - sysdump.go: the YAML files are written by WriteYAML (a List of every item, or one ConfigMap for
//    cilium-configmap); logs by SubmitLogsTasks with Timestamps: true (each line starts with the kubelet's
//    RFC 3339 time); the bugtool archive is untarred into cilium-bugtool-<pod>-<ts>/ without its top
//    directory, the .tar.gz kept only when that fails (older cilium-cli keeps it); zipDirectory puts it all
//    under one top folder (default cilium-sysdump-<ts>, defaults.go).
//  - cilium-bugtool (cilium/cilium bugtool/cmd/root.go writeCmdToFile, configuration.go) writes each
//    command's stdout and stderr to cmd/<command, '/' and ' ' turned into '-'>.md, with
//    "> Error while running '<command>':  <error>" appended when it failed. Of what kdiag runs it holds
//    `cilium-dbg service list` (or `cilium service list` before 1.15), `… service list -o json` and
//    `bpftool prog show`; `status` only as `status --verbose`, and neither /proc/mounts nor
//    `iptables-save -t nat`.
import { Readable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { KdiagError } from '../errors.js';
import type { ApiEntry, BundleManifest, ExecEntry, LogEntry } from './bundle-layout.js';
import { BUNDLE_FORMAT } from './bundle-layout.js';
import type { KubeObject } from './types.js';

const TS = '\\d{8}-\\d{6}';
/** k8s list files kdiag reads, by file-name prefix, and the GET path each answers. */
const LISTS: [prefix: string, path: string][] = [
  ['k8s-nodes', '/api/v1/nodes'],
  ['k8s-services', '/api/v1/services'],
  ['k8s-endpointslices', '/apis/discovery.k8s.io/v1/endpointslices'],
  ['k8s-pods', '/api/v1/pods'],
  ['k8s-events', '/api/v1/events'],
];
/** The commands kdiag runs in the agent that cilium-bugtool also runs: argv → file under cmd/. */
const BUGTOOL_CMDS: string[][] = ['cilium-dbg', 'cilium'].flatMap((cli) => [
  [cli, 'service', 'list'],
  [cli, 'service', 'list', '-o', 'json'],
]);
BUGTOOL_CMDS.push(['bpftool', 'prog', 'show']);
const bugtoolFile = (argv: string[]) => `cmd/${argv.join(' ').replace(/\//g, ' ').replace(/ /g, '-')}.md`;
const BUGTOOL_ERROR = /^> Error while running '.*$/m;
/** The kubelet's timestamp (RFC 3339, nanoseconds) in front of each line when asked with timestamps=true. */
const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}) /gm;
/** What a sysdump is recognised by: the node list cilium-cli always writes first. */
const NODES_FILE = new RegExp(`(?:^|/)k8s-nodes-(${TS})\\.yaml$`);

/** The zip's files (path → bytes) that kdiag reads, the rest left unread. */
async function readZip(file: string, wanted: (name: string) => boolean): Promise<Map<string, Buffer>> {
  const yauzl = await import('yauzl');
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    yauzl.default.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open'));
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (e: { fileName: string }) => {
        if (e.fileName.endsWith('/') || !wanted(e.fileName)) return zip.readEntry();
        zip.openReadStream(e as never, (err2, stream) => {
          if (err2 || !stream) return reject(err2 ?? new Error(`cannot read ${e.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
  return out;
}

/** Files of a bugtool tar.gz (an older cilium-cli left it packed), without its top directory. */
async function readBugtoolTar(buf: Buffer): Promise<Map<string, Buffer>> {
  const tar = await import('tar');
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    const parser = new tar.Parser({
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          if (entry.type === 'File') files.set(entry.path.replace(/^[^/]*\//, ''), Buffer.concat(chunks));
        });
      },
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    Readable.from([buf]).pipe(parser as unknown as NodeJS.WritableStream);
  });
  return files;
}

/** The manifest and files of a `cilium sysdump` zip, in the shape a kdiag bundle has. */
export async function readSysdump(file: string): Promise<{ manifest: BundleManifest; files: Map<string, Buffer> }> {
  // Only what is mapped below is read into memory (a sysdump of a large cluster is hundreds of MB).
  const yamls = new RegExp(
    `(?:^|/)(?:${[...LISTS.map(([p]) => p), 'cilium-daemonset', 'cilium-configmap'].join('|')})-${TS}\\.yaml$`,
  );
  const cmds = new Set(BUGTOOL_CMDS.map(bugtoolFile));
  const wanted = (n: string) =>
    yamls.test(n) ||
    /(?:^|\/)logs-[^/]*\.log$/.test(n) ||
    /(?:^|\/)cilium-bugtool-[^/]*\.tar\.gz$/.test(n) ||
    (/(?:^|\/)cilium-bugtool-[^/]*\/cmd\/[^/]*\.md$/.test(n) && cmds.has(n.slice(n.lastIndexOf('/cmd/') + 1)));
  let raw: Map<string, Buffer>;
  try {
    raw = await readZip(file, wanted);
  } catch (e) {
    throw new KdiagError('usage', `${file} is a zip that cannot be read: ${(e as Error).message}`, {
      hint: 'pass a `cilium sysdump` zip or a file written by `kdiag bundle`',
    });
  }
  const nodesPath = [...raw.keys()].find((p) => NODES_FILE.test(p));
  if (!nodesPath)
    throw new KdiagError('usage', `${file} is a zip but not a cilium sysdump: no k8s-nodes-<ts>.yaml in it`, {
      hint: 'pass a `cilium sysdump` zip or a file written by `kdiag bundle`',
    });
  const ts = NODES_FILE.exec(nodesPath)![1];
  const top = nodesPath.slice(0, nodesPath.lastIndexOf('/') + 1);
  const at = (name: string) => raw.get(top + name);

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    kdiagVersion: `cilium sysdump ${ts}`,
    createdAt: sysdumpTime(ts),
    context: 'cilium-sysdump',
    api: [],
    exec: [],
    logs: [],
    failed: [],
  };
  const files = new Map<string, Buffer>();
  const list = (path: string, items: KubeObject[], extra: Partial<ApiEntry> = {}) => {
    const f = `sysdump${path}.json`;
    files.set(f, Buffer.from(JSON.stringify({ items })));
    manifest.api.push({ path, file: f, ...extra });
  };
  const yamlItems = (name: string): KubeObject[] | undefined => {
    const b = at(`${name}-${ts}.yaml`);
    if (!b) return undefined;
    let doc: { items?: KubeObject[]; kind?: string } | null;
    try {
      doc = parseYaml(b.toString('utf8')) as typeof doc;
    } catch (e) {
      throw new KdiagError('parse', `${file}: ${name}-${ts}.yaml is not YAML: ${(e as Error).message}`);
    }
    if (!doc) return [];
    return Array.isArray(doc.items) ? doc.items : [doc as KubeObject];
  };

  for (const [prefix, path] of LISTS) {
    const items = yamlItems(prefix);
    if (items) list(path, items);
  }
  // Only Cilium's DaemonSets (cilium-cli lists them with k8s-app=cilium) and cilium-config: a lookup of
  // kube-proxy's or calico-node's is not answered from them.
  const ds = yamlItems('cilium-daemonset');
  const ns = ds?.[0]?.metadata?.namespace;
  if (ds && ns) {
    list('/apis/apps/v1/daemonsets', ds, { selectors: ['k8s-app=cilium'] });
    list(`/apis/apps/v1/namespaces/${ns}/daemonsets`, ds, { selectors: ['k8s-app=cilium'] });
  }
  const cm = yamlItems('cilium-configmap');
  const cmNs = cm?.[0]?.metadata?.namespace ?? ns;
  if (cm && cmNs) list(`/api/v1/namespaces/${cmNs}/configmaps`, cm, { names: ['cilium-config'] });

  // Per pod: its logs and, for an agent, its bugtool outputs.
  const pods = yamlItems('k8s-pods') ?? [];
  for (const p of pods as (KubeObject & { spec?: { nodeName?: string; containers?: { name: string }[] } })[]) {
    const pod = p.metadata?.name ?? '';
    const podNs = p.metadata?.namespace ?? '';
    const node = p.spec?.nodeName;
    for (const c of p.spec?.containers ?? []) {
      for (const previous of [false, true]) {
        const name = `logs-${pod}-${c.name}-${ts}${previous ? '-prev' : ''}.log`;
        const b = at(name);
        if (!b) continue;
        const f = `sysdump/logs/${name}`;
        files.set(f, Buffer.from(b.toString('utf8').replace(LOG_TIMESTAMP, '')));
        const entry: LogEntry = { namespace: podNs, pod, container: c.name, previous, tailLines: 0, file: f };
        if (node) entry.node = node;
        manifest.logs.push(entry);
      }
    }
    const dir = `${top}cilium-bugtool-${pod}-${ts}`;
    let bugtool = new Map<string, Buffer>();
    for (const [p2, b] of raw) if (p2.startsWith(`${dir}/`)) bugtool.set(p2.slice(dir.length + 1), b);
    const packed = raw.get(`${dir}.tar.gz`);
    if (!bugtool.size && packed) bugtool = await readBugtoolTar(packed).catch(() => new Map());
    for (const argv of BUGTOOL_CMDS) {
      const b = bugtool.get(bugtoolFile(argv));
      if (!b) continue;
      const text = b.toString('utf8');
      const err = BUGTOOL_ERROR.exec(text);
      const f = `sysdump/nodes/${pod}/${bugtoolFile(argv)}`;
      files.set(f, Buffer.from(err ? text.slice(0, err.index) : text));
      const entry: ExecEntry = {
        namespace: podNs,
        pod,
        container: 'cilium-agent',
        argv,
        file: f,
        exitCode: err ? 1 : 0,
        ...(err ? { stderr: err[0] } : {}),
      };
      if (node) entry.node = node;
      manifest.exec.push(entry);
    }
  }
  return { manifest, files };
}

/** 20060102-150405 (the collector's local time) as an ISO date, for the report's "collected" line. */
function sysdumpTime(ts: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(ts)!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}
