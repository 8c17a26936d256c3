// What RBAC permission a request needs: the verb, resource[/subresource] and namespace, derived from
// the method and path the same way the apiserver's RequestInfoResolver does
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).

export interface RequestInfo {
  verb: string;
  /** resource or resource/subresource, e.g. pods/exec */
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
}

export function requestInfo(method: string, urlPath: string, query?: URLSearchParams): RequestInfo {
  const parts = urlPath.split('?')[0].split('/').filter(Boolean);
  let rest: string[];
  let group = '';
  if (parts[0] === 'api') rest = parts.slice(2);
  else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else return { verb: method.toLowerCase(), resource: urlPath, group };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, sub] = rest;
  const full = sub ? `${resource}/${sub}` : (resource ?? '');
  const m = method.toUpperCase();
  let verb: string;
  if (sub === 'exec' || sub === 'attach' || sub === 'portforward') verb = 'create';
  else if (m === 'GET' || m === 'HEAD') verb = name ? 'get' : query?.get('watch') === 'true' ? 'watch' : 'list';
  else if (m === 'POST') verb = 'create';
  else if (m === 'PUT') verb = 'update';
  else if (m === 'PATCH') verb = 'patch';
  else if (m === 'DELETE') verb = name ? 'delete' : 'deletecollection';
  else verb = m.toLowerCase();
  return { verb, resource: full, group, namespace, name };
}
