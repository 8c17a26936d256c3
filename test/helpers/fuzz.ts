// Property-test inputs shared by the parser fuzz suites (test/cilium, test/datapath).
import fc from 'fast-check';

/** Drop, duplicate or truncate lines, or flip bytes of a real sample. */
export function mutated(sample: string): fc.Arbitrary<string> {
  const lines = sample.split('\n');
  return fc.oneof(
    fc.nat(lines.length - 1).map((i) => lines.filter((_, j) => j !== i).join('\n')),
    fc.nat(lines.length - 1).map((i) => [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n')),
    fc.nat(sample.length).map((n) => sample.slice(0, n)),
    fc
      .array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
      .map((flips) => {
        const chars = [...sample];
        for (const [i, b] of flips) chars[i % chars.length] = String.fromCharCode(b);
        return chars.join('');
      }),
  );
}
