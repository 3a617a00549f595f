/**
 * What an artifact's package URL (purl, `pkg:type/namespace/name@version?qualifiers#subpath`)
 * tells Deming: the service it names and, when it carries one, the commit it was built from.
 */

/** The parts of a package URL (https://github.com/package-url/purl-spec), decoded. */
export interface Purl {
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
  qualifiers: Record<string, string>;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Parses a purl; null when the string is not one. */
export function parsePurl(value: string): Purl | null {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/+([^?#]+?)(?:\?([^#]*))?(?:#.*)?$/.exec(value.trim());
  if (!m) return null;
  let path = m[2];
  let version: string | null = null;
  const at = path.lastIndexOf('@');
  if (at > 0) {
    version = decode(path.slice(at + 1));
    path = path.slice(0, at);
  }
  const segments = path.split('/').filter(Boolean).map(decode);
  if (segments.length === 0) return null;
  const qualifiers: Record<string, string> = {};
  for (const pair of (m[3] ?? '').split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) qualifiers[pair.slice(0, eq).toLowerCase()] = decode(pair.slice(eq + 1));
  }
  return {
    type: m[1].toLowerCase(),
    namespace: segments.length > 1 ? segments.slice(0, -1).join('/') : null,
    name: segments[segments.length - 1],
    version,
    qualifiers,
  };
}

const commitSha = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * The commit an artifact was built from: its `vcs_ref` qualifier, the commit at the end of its
 * `vcs_url` qualifier (`git+https://host/repo.git@<sha>`), or a version that is a full commit sha.
 * An image digest (`sha256:…`) names the image, not a commit, and is not used.
 */
export function commitOfArtifact(artifactId: string | undefined): string | undefined {
  if (!artifactId) return undefined;
  const p = parsePurl(artifactId);
  if (!p) return undefined;
  const ref = p.qualifiers.vcs_ref;
  if (ref && /^[0-9a-f]{7,64}$/i.test(ref)) return ref.toLowerCase();
  const vcsUrl = /@([0-9a-f]{7,64})$/i.exec(p.qualifiers.vcs_url ?? '');
  if (vcsUrl) return vcsUrl[1].toLowerCase();
  if (p.version && commitSha.test(p.version)) return p.version.toLowerCase();
  return undefined;
}

/** The service an artifact names: `namespace/name` for repository-like types, else `name`. */
export function serviceOfArtifact(artifactId: string | undefined): string | undefined {
  const p = artifactId ? parsePurl(artifactId) : null;
  if (!p) return undefined;
  const repositoryLike = ['github', 'gitlab', 'bitbucket', 'generic'].includes(p.type);
  return repositoryLike && p.namespace ? `${p.namespace}/${p.name}` : p.name;
}
