import { requestInfo } from '../../src/cluster/request-info.js';
import { parseDuration } from '../../src/util/duration.js';
import { parseRef } from '../../src/util/ref.js';

test('the RBAC permission of a request is derived like the apiserver does', () => {
  expect(requestInfo('GET', '/api/v1/namespaces/kube-system/pods/cilium-x/exec')).toMatchObject({
    verb: 'create',
    resource: 'pods/exec',
    namespace: 'kube-system',
  });
  expect(requestInfo('GET', '/api/v1/namespaces/kube-system/pods/cilium-x/log')).toMatchObject({
    verb: 'get',
    resource: 'pods/log',
  });
  expect(requestInfo('GET', '/api/v1/nodes')).toMatchObject({ verb: 'list', resource: 'nodes', namespace: undefined });
  expect(requestInfo('DELETE', '/api/v1/namespaces/kube-system/pods/p')).toMatchObject({
    verb: 'delete',
    resource: 'pods',
  });
  expect(requestInfo('GET', '/apis/discovery.k8s.io/v1/endpointslices')).toMatchObject({
    verb: 'list',
    resource: 'endpointslices',
    group: 'discovery.k8s.io',
  });
});

test('durations are parsed as kubectl does', () => {
  expect(parseDuration('30s')).toBe(30_000);
  expect(parseDuration('1m30s')).toBe(90_000);
  expect(parseDuration('500ms')).toBe(500);
  expect(parseDuration('2')).toBe(2_000);
  expect(() => parseDuration('soon')).toThrow(/invalid duration/);
});

test('NS/NAME references reject shell metacharacters', () => {
  expect(parseRef('default/web', 'Service')).toEqual({ namespace: 'default', name: 'web' });
  expect(parseRef('web', 'Service', 'prod')).toEqual({ namespace: 'prod', name: 'web' });
  expect(() => parseRef('default/web;rm -rf /', 'Service')).toThrow(/invalid Service/);
  expect(() => parseRef('$(id)/x', 'Service')).toThrow(/invalid Service/);
});
