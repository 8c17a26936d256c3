// `sh -c SCRIPT` inside a simulated container runs a REAL /bin/sh (argument array, never a built string)
// in a temp dir whose PATH holds only: small generated wrappers for the simulated tools (cilium-dbg,
// cilium, bpftool, cat, mount, uname, hostname, iptables-save), which ask the simulator for their output over a
// loopback Unix socket, and links to the host's plain text tools (grep, sort, sha256sum, awk …), so
// pipes, exit codes and filters behave as in the agent image. Nothing here dials the network.
// The commands kdiag runs in its scripts (`service list`, `status`, `bpftool -j prog show`,
// `cat /proc/mounts`, `iptables-save -t nat`) have a fast path: their output is a file written before the script starts (the
// service map once per distinct map, shared by every node with that map), which the wrapper cats, so
// a node costs a shell and a cat instead of a Node.js process and a socket round trip (issue #13).
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execa } from 'execa';
import type { CommandResult, ExecContext } from '../agent.js';

/** Simulated tools: their output comes from the simulator (src/sim/agent.ts). */
const SIM_TOOLS = ['cilium-dbg', 'cilium', 'bpftool', 'mount', 'uname', 'hostname', 'iptables-save'];
/** Host tools that only transform text, linked as they are (their semantics are the point). */
export const SHELL_TEXT_TOOLS = [
  'grep',
  'egrep',
  'fgrep',
  'sort',
  'uniq',
  'sha256sum',
  'md5sum',
  'head',
  'tail',
  'wc',
  'cut',
  'tr',
  'awk',
  'sed',
  'tee',
  'sleep',
  'xargs',
  'base64',
];
/** One script's limits: wall time, and bytes kept per stream (more is cut, as a terminal buffer would). */
export const SHELL_TIMEOUT_MS = 30_000;
export const SHELL_MAX_STDOUT = 64 * 1024 * 1024;
const SHELL_MAX_STDERR = 1024 * 1024;

export type RunTool = (ctx: ExecContext, argv: string[], stdin: Buffer) => CommandResult;

/**
 * Outputs known before the script runs, for a container where no fault answers exec (exec.ts decides):
 * the agent CLI's name, the service map's content key and bytes, and small exact-argv outputs.
 */
export interface FastPaths {
  cli: string;
  /** The service map's content key when nodes share maps (per-node maps go over the socket). */
  mapKey?: string;
  map: () => string | undefined;
  /** `<cli> status`, `bpftool -j prog show`, `cat /proc/mounts`: undefined when not a plain success. */
  status?: string;
  progs?: string;
  mounts?: string;
  /** `iptables-save -t nat` (doctor's one script per node reads it too, gather-combined.ts). */
  nat?: string;
}

interface Session {
  ctx: ExecContext;
  fast?: FastPaths;
}

interface Host {
  dir: string;
  bin: string;
  sock: string;
  server: Server;
  execs: Map<string, Session>;
  /** Tool calls answered over the socket (the slow path), for tests. */
  socketCalls: number;
}

const hosts = new WeakMap<object, Host>();
const CAT = existsSync('/bin/cat') ? '/bin/cat' : '/usr/bin/cat';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The tool host of one simulated cluster: made on first use, removed by stopShellHost. */
function hostFor(key: object, run: RunTool): Host {
  let h = hosts.get(key);
  if (h) return h;
  const dir = mkdtempSync(join(tmpdir(), 'kdiag-sim-sh-'));
  const bin = join(dir, 'bin');
  const sock = join(dir, 'tools.sock');
  const helper = join(dir, 'tool.mjs');
  writeFileSync(helper, HELPER_JS);
  const execs = new Map<string, Session>();
  mkdirSync(bin);
  mkdirSync(join(dir, 'maps'));
  const slow = (tool: string) =>
    `exec ${q(process.execPath)} ${q(helper)} ${q(sock)} "$KDIAG_SIM_EXEC" ${q(tool)} "$@"`;
  const fast = (cond: string, file: string) => `if ${cond} && [ -f "${file}" ]; then exec ${q(CAT)} "${file}"; fi\n`;
  const wrapper = (tool: string, fastLines = '') => `#!/bin/sh\n${fastLines}${slow(tool)}\n`;
  const cliFast = (tool: string) =>
    fast(
      `[ "$KDIAG_SIM_CLI" = ${q(tool)} ] && [ $# -eq 2 ] && [ "$1" = service ] && [ "$2" = list ]`,
      '$KDIAG_SIM_MAP',
    ) + fast(`[ "$KDIAG_SIM_CLI" = ${q(tool)} ] && [ $# -eq 1 ] && [ "$1" = status ]`, '$KDIAG_SIM_FAST/status');
  for (const t of SIM_TOOLS) {
    const lines =
      t === 'cilium' || t === 'cilium-dbg'
        ? cliFast(t)
        : t === 'bpftool'
          ? fast('[ $# -eq 3 ] && [ "$1" = -j ] && [ "$2" = prog ] && [ "$3" = show ]', '$KDIAG_SIM_FAST/progs')
          : t === 'iptables-save'
            ? fast('[ $# -eq 2 ] && [ "$1" = -t ] && [ "$2" = nat ]', '$KDIAG_SIM_FAST/nat')
            : '';
    writeTool(join(bin, t), wrapper(t, lines));
  }
  // cat reads stdin and plain files itself; only the container's files (/proc/…) come from the simulator.
  writeTool(
    join(bin, 'cat'),
    `#!/bin/sh\n${fast('[ $# -eq 1 ] && [ "$1" = /proc/mounts ]', '$KDIAG_SIM_FAST/mounts')}` +
      `for a in "$@"; do case "$a" in -) ;; -*) ;; *) ${slow('cat')};; esac; done\nexec ${q(CAT)} "$@"\n`,
  );
  for (const t of SHELL_TEXT_TOOLS) {
    const real = ['/usr/bin', '/bin'].map((d) => join(d, t)).find((p) => existsSync(p));
    if (real) symlinkSync(real, join(bin, t));
  }
  const server = createServer((s) => {
    h!.socketCalls++;
    serve(s, execs, run, join(dir, 'maps'));
  });
  server.listen(sock);
  server.unref();
  h = { dir, bin, sock, server, execs, socketCalls: 0 };
  hosts.set(key, h);
  return h;
}

const mapFile = (mapsDir: string, key: string): string =>
  join(mapsDir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.txt`);

/** Writes a file whole or not at all (rename), so a concurrent wrapper never cats half of it. */
function writeOnce(path: string, content: () => string | undefined): void {
  if (existsSync(path)) return;
  const text = content();
  if (text === undefined) return;
  const tmp = `${path}.${randomBytes(6).toString('hex')}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function writeTool(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** One tool call: `{id, tool, args, stdin?}` in one JSON line; answer frames [channel][u32 length][data]. */
function serve(s: Socket, execs: Map<string, Session>, run: RunTool, mapsDir: string): void {
  let buf = '';
  s.setEncoding('utf8');
  s.on('error', () => s.destroy());
  s.on('data', (d: string) => {
    buf += d;
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    s.removeAllListeners('data');
    let req: { id: string; tool: string; args: string[] };
    try {
      req = JSON.parse(buf.slice(0, nl)) as typeof req;
    } catch {
      return s.destroy();
    }
    const session = execs.get(req.id);
    const ctx = session?.ctx;
    const frame = (ch: number, data: Buffer) => {
      const head = Buffer.alloc(5);
      head[0] = ch;
      head.writeUInt32BE(data.length, 1);
      s.write(head);
      s.write(data);
    };
    if (!ctx) {
      frame(2, Buffer.from(`${req.tool}: exec session gone\n`));
      frame(3, Buffer.from('126'));
      return void s.end();
    }
    const f = session?.fast;
    // The first node with this map renders it here; the next ones find the file (the wrapper's fast path).
    if (f?.mapKey && req.tool === f.cli && req.args.length === 2 && req.args[0] === 'service' && req.args[1] === 'list')
      writeOnce(mapFile(mapsDir, f.mapKey), f.map);
    void (async () => {
      const r = run(ctx, [req.tool, ...req.args], Buffer.alloc(0));
      if (r.hang) return void setTimeout(() => s.destroy(), SHELL_TIMEOUT_MS).unref(); // as the shell's timeout
      if (r.stdout) {
        const src = r.stdout as Iterable<string> | Readable;
        if (typeof (src as Readable).pipe === 'function') {
          for await (const c of src as Readable) frame(1, Buffer.from(c as Buffer));
        } else for (const c of src as Iterable<string>) frame(1, Buffer.from(c));
      }
      if (r.stderr) frame(2, Buffer.from(r.stderr));
      frame(3, Buffer.from(String(r.exitCode)));
      s.end();
    })().catch(() => s.destroy());
  });
}

/** Runs `sh -c SCRIPT [NAME ARGS…]` for real, with stdin, over the simulated tools. */
export async function runShell(
  key: object,
  ctx: ExecContext,
  shArgs: string[],
  stdin: Readable | Buffer,
  run: RunTool,
  fast?: FastPaths,
): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
  const h = hostFor(key, run);
  const id = randomBytes(12).toString('hex');
  h.execs.set(id, { ctx, fast });
  const cwd = mkdtempSync(join(h.dir, 'exec-'));
  const env: Record<string, string> = { PATH: h.bin, HOME: cwd, KDIAG_SIM_EXEC: id, LC_ALL: 'C' };
  if (fast) {
    // Outside the script's cwd, so nothing it writes there can change what the tools print.
    const fastDir = join(h.dir, `fast-${id}`);
    mkdirSync(fastDir);
    for (const name of ['status', 'progs', 'mounts', 'nat'] as const) {
      const text = fast[name];
      if (text !== undefined) writeFileSync(join(fastDir, name), text);
    }
    // Written before the script starts: concurrent scripts of equal maps must not all miss the file.
    if (fast.mapKey) writeOnce(mapFile(join(h.dir, 'maps'), fast.mapKey), fast.map);
    Object.assign(env, {
      KDIAG_SIM_CLI: fast.cli,
      KDIAG_SIM_MAP: fast.mapKey ? mapFile(join(h.dir, 'maps'), fast.mapKey) : '',
      KDIAG_SIM_FAST: fastDir,
    });
  }
  try {
    const sp = execa('/bin/sh', shArgs, {
      cwd,
      env,
      extendEnv: false,
      stdin: 'pipe',
      encoding: 'buffer',
      reject: false,
      timeout: SHELL_TIMEOUT_MS,
      maxBuffer: { stdout: SHELL_MAX_STDOUT, stderr: SHELL_MAX_STDERR },
      stripFinalNewline: false,
    });
    // A script that never reads stdin closes the pipe early: that is not an error.
    sp.stdin?.on('error', () => {});
    if (Buffer.isBuffer(stdin)) sp.stdin?.end(stdin);
    else stdin.pipe(sp.stdin!);
    const r = await sp;
    const stdout = Buffer.from(r.stdout as Uint8Array);
    let stderr = Buffer.from(r.stderr as Uint8Array).toString('utf8');
    let exitCode = r.exitCode ?? 128;
    if (r.timedOut) {
      stderr += `sh: timed out after ${SHELL_TIMEOUT_MS / 1000}s (kdiag sim limit)\n`;
      exitCode = 137;
    } else if (r.isMaxBuffer) stderr += 'sh: output cut at the kdiag sim limit\n';
    else if (r.signal && r.exitCode === undefined) exitCode = 128 + 9;
    return { exitCode, stdout, stderr };
  } finally {
    h.execs.delete(id);
    rmSync(cwd, { recursive: true, force: true });
    if (fast) rmSync(join(h.dir, `fast-${id}`), { recursive: true, force: true });
  }
}

/** Simulated tool calls that went over the socket instead of a pre-rendered file. */
export function shellSocketCalls(key: object): number {
  return hosts.get(key)?.socketCalls ?? 0;
}

export function stopShellHost(key: object): void {
  const h = hosts.get(key);
  if (!h) return;
  hosts.delete(key);
  h.server.close();
  rmSync(h.dir, { recursive: true, force: true });
}

/** The wrapper's client (plain JS, written next to the socket): argv in, the simulator's frames out. */
const HELPER_JS = `import { connect } from 'node:net';
const [sock, id, tool, ...args] = process.argv.slice(2);
const s = connect(sock);
s.write(JSON.stringify({ id, tool, args }) + '\\n');
let buf = Buffer.alloc(0);
let code = 126;
s.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  while (buf.length >= 5) {
    const len = buf.readUInt32BE(1);
    if (buf.length < 5 + len) break;
    const ch = buf[0];
    const data = buf.subarray(5, 5 + len);
    buf = buf.subarray(5 + len);
    if (ch === 1) process.stdout.write(data);
    else if (ch === 2) process.stderr.write(data);
    else if (ch === 3) code = Number(data.toString());
  }
});
s.on('close', () => process.stdout.write('', () => process.exit(code)));
s.on('error', () => process.exit(126));
`;
