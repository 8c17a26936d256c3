// `sh -c SCRIPT` inside a simulated container runs a REAL /bin/sh (argument array, never a built string)
// in a temp dir whose PATH holds only: small generated wrappers for the simulated tools (cilium-dbg,
// cilium, bpftool, cat, mount, uname, hostname), which ask the simulator for their output over a
// loopback Unix socket, and links to the host's plain text tools (grep, sort, sha256sum, awk …), so
// pipes, exit codes and filters behave as in the agent image. Nothing here dials the network.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execa } from 'execa';
import type { CommandResult, ExecContext } from '../agent.js';

/** Simulated tools: their output comes from the simulator (src/sim/agent.ts). */
const SIM_TOOLS = ['cilium-dbg', 'cilium', 'bpftool', 'mount', 'uname', 'hostname'];
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

interface Host {
  dir: string;
  bin: string;
  sock: string;
  server: Server;
  execs: Map<string, ExecContext>;
}

const hosts = new WeakMap<object, Host>();

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
  const execs = new Map<string, ExecContext>();
  mkdirSync(bin);
  const wrapper = (tool: string) =>
    `#!/bin/sh\nexec ${q(process.execPath)} ${q(helper)} ${q(sock)} "$KDIAG_SIM_EXEC" ${q(tool)} "$@"\n`;
  for (const t of SIM_TOOLS) writeTool(join(bin, t), wrapper(t));
  // cat reads stdin and plain files itself; only the container's files (/proc/…) come from the simulator.
  writeTool(
    join(bin, 'cat'),
    `#!/bin/sh\nfor a in "$@"; do case "$a" in -) ;; -*) ;; *) ${wrapper('cat').split('\n')[1]};; esac; done\nexec /bin/cat "$@"\n`,
  );
  for (const t of SHELL_TEXT_TOOLS) {
    const real = ['/usr/bin', '/bin'].map((d) => join(d, t)).find((p) => existsSync(p));
    if (real) symlinkSync(real, join(bin, t));
  }
  const server = createServer((s) => serve(s, execs, run));
  server.listen(sock);
  server.unref();
  h = { dir, bin, sock, server, execs };
  hosts.set(key, h);
  return h;
}

function writeTool(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** One tool call: `{id, tool, args, stdin?}` in one JSON line; answer frames [channel][u32 length][data]. */
function serve(s: Socket, execs: Map<string, ExecContext>, run: RunTool): void {
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
    const ctx = execs.get(req.id);
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
): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
  const h = hostFor(key, run);
  const id = randomBytes(12).toString('hex');
  h.execs.set(id, ctx);
  const cwd = mkdtempSync(join(h.dir, 'exec-'));
  try {
    const sp = execa('/bin/sh', shArgs, {
      cwd,
      env: { PATH: h.bin, HOME: cwd, KDIAG_SIM_EXEC: id, LC_ALL: 'C' },
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
  }
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
