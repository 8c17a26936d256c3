import { ForbiddenError, KdiagError, oneLine, EXIT } from '../../src/errors.js';

test('forbidden error names the verb, resource and namespace', () => {
  const e = new ForbiddenError('create', 'pods/exec', 'kube-system', 'User "x" cannot create');
  expect(e.message).toContain('cannot create pods/exec in kube-system');
  expect(e.exitCode).toBe(EXIT.CANNOT_RUN);
  expect(e).toBeInstanceOf(KdiagError);
});

test('oneLine folds multi-line messages', () => {
  expect(oneLine(new Error('a\n  b'))).toBe('a b');
});
