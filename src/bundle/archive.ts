// Writing a bundle: files go to a private staging folder as they are collected (memory stays per file),
// then one tar.gz is written next to the destination under a temporary name and renamed into place, so
// nobody ever sees half an archive. The archive is readable by its owner only (it describes the cluster).
import { mkdir, mkdtemp, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_DIR, MANIFEST, type BundleManifest } from '../cluster/bundle-layout.js';

export async function writeBundle(
  dest: string,
  collect: (write: (file: string, text: string) => Promise<void>) => Promise<BundleManifest>,
): Promise<{ manifest: BundleManifest; files: number; bytes: number }> {
  const tar = await import('tar');
  const staging = await mkdtemp(join(tmpdir(), 'kdiag-bundle-'));
  const root = join(staging, BUNDLE_DIR);
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${Date.now()}.tmp`);
  let files = 0;
  let bytes = 0;
  try {
    await mkdir(root, { mode: 0o700 });
    const write = async (file: string, text: string) => {
      // Paths come from node and pod names (DNS labels); refuse anything that could leave the folder.
      if (file.split('/').some((p) => p === '..' || p === '')) throw new Error(`refusing bundle path ${file}`);
      await mkdir(dirname(join(root, file)), { recursive: true, mode: 0o700 });
      await writeFile(join(root, file), text, { mode: 0o600 });
      files++;
      bytes += Buffer.byteLength(text);
    };
    const manifest = await collect(write);
    await write(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
    await tar.create({ gzip: true, file: tmp, cwd: staging, portable: true, mode: 0o600 }, [BUNDLE_DIR]);
    await chmod(tmp, 0o600);
    await rename(tmp, dest);
    return { manifest, files, bytes };
  } finally {
    await rm(tmp, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}
