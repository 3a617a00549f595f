import { describe, expect, it } from 'vitest';
import { commitOfArtifact, parsePurl, serviceOfArtifact } from '../../../collectors/cdevents/purl';
import { specOfType } from '../../../collectors/cdevents/envelope';

const sha = '0123456789abcdef0123456789abcdef01234567';

describe('package URLs', () => {
  it('parses type, namespace, name, decoded version and qualifiers', () => {
    expect(parsePurl('pkg:oci/myapp@sha256%3Aabc?repository_url=ghcr.io%2Facme&tag=v1#sub')).toEqual({
      type: 'oci',
      namespace: null,
      name: 'myapp',
      version: 'sha256:abc',
      qualifiers: { repository_url: 'ghcr.io/acme', tag: 'v1' },
    });
    expect(parsePurl('pkg:github/acme/web@v1.2.0')).toMatchObject({ namespace: 'acme', name: 'web', version: 'v1.2.0' });
    expect(parsePurl('not a purl')).toBeNull();
  });

  it.each([
    [`pkg:oci/app@sha256%3A${'a'.repeat(64)}`, undefined],
    [`pkg:oci/app@${sha}`, sha],
    [`pkg:oci/app@1.2.3?vcs_ref=ABCDEF1`, 'abcdef1'],
    [`pkg:generic/app@1.2.3?vcs_url=git%2Bhttps://example.org/app.git%40${sha}`, sha],
    ['pkg:oci/app@1.2.3', undefined],
    [undefined, undefined],
  ])('finds the commit of %s: %s', (purl, expected) => {
    expect(commitOfArtifact(purl)).toBe(expected);
  });

  it('names the service: namespace/name for repository-like types, else the name', () => {
    expect(serviceOfArtifact('pkg:github/acme/web@v1')).toBe('acme/web');
    expect(serviceOfArtifact('pkg:oci/myapp@sha256%3Aabc')).toBe('myapp');
    expect(serviceOfArtifact('pkg:maven/gov.health/booking@1.0')).toBe('booking');
  });

  it('infers the CDEvents version from an event type version in binary mode', () => {
    expect(specOfType('dev.cdevents.service.deployed.0.2.0')).toBe('0.4.1');
    expect(specOfType('dev.cdevents.service.deployed.0.3.0')).toBe('0.5.1');
    expect(specOfType('dev.cdevents.change.created.0.4.0')).toBe('0.5.1');
    expect(specOfType('com.example.thing')).toBeUndefined();
  });
});
