// Reads the recorded non-Cilium outputs in fixtures/kube-proxy and fixtures/calico (see their SOURCES.md).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function datapathFixture(dir: 'kube-proxy' | 'calico', name: string): string {
  return readFileSync(path.resolve(process.cwd(), 'fixtures', dir, name), 'utf8');
}

export function datapathFixtureNames(dir: 'kube-proxy' | 'calico', prefix: string): string[] {
  return readdirSync(path.resolve(process.cwd(), 'fixtures', dir)).filter((f) => f.startsWith(prefix));
}
