import { describe, expect, it } from 'vitest';
import { apiUrl, csvUrl, errorFromResponse } from '../../client/lib/api-client';

describe('apiUrl', () => {
  it('leaves out undefined parameters and encodes the rest', () => {
    expect(apiUrl('/api/v1/metrics', { scope: 'service:gov/a b', from: '2026-01-01', to: undefined })).toBe(
      '/api/v1/metrics?scope=service%3Agov%2Fa+b&from=2026-01-01',
    );
    expect(apiUrl('/api/v1/org')).toBe('/api/v1/org');
  });

  it('asks the same read for CSV', () => {
    expect(csvUrl('/api/v1/summary?from=2026-01-01')).toBe('/api/v1/summary?from=2026-01-01&format=csv');
    expect(csvUrl('/api/v1/summary')).toBe('/api/v1/summary?format=csv');
  });
});

describe('errorFromResponse', () => {
  it("shows the server's own message", () => {
    const e = errorFromResponse(400, 'Bad Request', { error: { code: 'invalid_query', message: 'from: must be before to.', details: [] } });
    expect(e.message).toBe('from: must be before to.');
    expect(e.code).toBe('invalid_query');
    expect(e.status).toBe(400);
  });

  it('says what happened when the body is not the error shape', () => {
    expect(errorFromResponse(502, 'Bad Gateway', null).message).toBe('The server answered 502 Bad Gateway. Try again in a moment.');
    expect(errorFromResponse(500, '', { error: 'boom' }).message).toMatch(/^The server answered 500\./);
  });
});
