// Lines that `kubectl exec` (or a user's paste) mixes into in-pod command output. They carry no data.

const NOISE: RegExp[] = [
  // kubectl: `Defaulted container "cilium-agent" out of: cilium-agent, config (init), ...`
  /^Defaulted container "[^"]*" out of: /,
  // klog lines from kubectl itself, e.g. `E0618 14:07:29.226958   97532 websocket.go:296] Unknown stream id 1, ...`
  /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] /,
  /^Unable to use a TTY - input is not a terminal or the right kind of file$/,
  /^If you don't see a command prompt, try pressing enter\.$/,
];

/** Author elisions in published output (`...`, `[...]`, `…`). */
const ELISION = /^\s*(\.\.\.|\[\.\.\.\]|…)\s*$/;

export function isKubectlNoise(line: string): boolean {
  return NOISE.some((re) => re.test(line));
}

export function isElision(line: string): boolean {
  return ELISION.test(line);
}
