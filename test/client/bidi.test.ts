import { describe, expect, it } from 'vitest';
import { isolate } from '../../client/lib/bidi';

describe('isolate', () => {
  it('closes whatever direction a name sets, at its end', () => {
    const name = 'acme/\u202Egnp.exe';
    expect(isolate(name)).toBe(`\u2068acme/\u202Egnp.exe\u2069`);
    expect(`service “${isolate(name)}” is unknown`).toContain(`\u2069” is unknown`);
  });
});
