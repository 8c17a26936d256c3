// Files that hold credentials (a kubeconfig with a token): mode 0600 whether or not the file existed
// (writeFile's `mode` applies only when it creates the file), written atomically so a reader never sees
// half a file and the secret is never readable by others, even for a moment.
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writePrivateFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600); // a umask cannot widen 0600, but be explicit
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
