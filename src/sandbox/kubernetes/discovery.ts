import { groupVersions, resourceTypes, type ResourceType } from './resources.js';

/** The legacy discovery documents kubectl falls back to when aggregated discovery is not offered. */
export function discovery(path: string, serverAddress: string): unknown | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  if (clean === '/apis')
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(([, g]) => g) };
  if (clean === '/version') {
    return {
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.0-rotor-sandbox',
      gitCommit: '',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.23',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }
  const groupMatch = /^\/apis\/([^/]+)$/.exec(clean);
  if (groupMatch) return groups().find(([name]) => name === groupMatch[1])?.[1];
  const versionMatch = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(clean);
  if (versionMatch) {
    const groupVersion = versionMatch[1] ?? versionMatch[2];
    const types = groupVersions().get(groupVersion);
    if (!types) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: types.flatMap(resourceEntries),
    };
  }
  return undefined;
}

function groups(): Array<[string, unknown]> {
  const byGroup = new Map<string, string[]>();
  for (const type of resourceTypes) {
    if (!type.group) continue;
    const versions = byGroup.get(type.group) ?? [];
    for (const v of [type.version, ...(type.alsoVersions ?? [])]) if (!versions.includes(v)) versions.push(v);
    byGroup.set(type.group, versions);
  }
  return [...byGroup].map(([name, versions]) => [
    name,
    {
      kind: 'APIGroup',
      apiVersion: 'v1',
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    },
  ]);
}

function resourceEntries(type: ResourceType): unknown[] {
  const main = {
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
  };
  const subs = type.subresources.map((sub) => ({
    name: `${type.resource}/${sub}`,
    singularName: '',
    namespaced: type.namespaced,
    kind: sub === 'log' ? 'Pod' : sub === 'scale' ? 'Scale' : type.kind,
    ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
    verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
  }));
  return [main, ...subs];
}
