import { findResource, type ResourceType } from './resources.js';

/** What a request path names. */
export type Route =
  | { type: 'discovery'; path: string }
  | {
      type: 'resource';
      resource: ResourceType;
      version: string;
      namespace?: string;
      name?: string;
      subresource?: string;
    }
  | { type: 'unknown-resource' }
  | { type: 'not-found' };

/** Splits `/api/v1/namespaces/ns/pods/name/log` and `/apis/g/v/...` as the API server's router does. */
export function route(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length === 0) return { type: 'discovery', path: '/' };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length <= 2) return { type: 'discovery', path: pathname };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length <= 3) return { type: 'discovery', path: pathname };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { type: 'discovery', path: pathname };
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const resource = findResource(group, version, plural);
  if (!resource || extra.length) return { type: 'unknown-resource' };
  if (namespace !== undefined && !resource.namespaced) return { type: 'unknown-resource' };
  if (subresource !== undefined && !resource.subresources.includes(subresource))
    return { type: 'unknown-resource' };
  return { type: 'resource', resource, version, namespace, name, subresource };
}
