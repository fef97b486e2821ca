import { describe, expect, it } from 'vitest';
import { routeTemplate } from '../../src/infrastructure/upstream-telemetry.js';

describe('routeTemplate: the metric label and span name of an upstream path, with no id in it', () => {
  it.each([
    ['/zstack/v1/volume-backups/0f3c9e1d2b4a49c6a8e7d5c3b1a09f8e', '/zstack/v1/volume-backups/{id}'],
    ['/zstack/v1/api-jobs/0f3c9e1d2b4a49c6a8e7d5c3b1a09f8e', '/zstack/v1/api-jobs/{id}'],
    ['/zstack/v1/volumes?q=uuid?=a,b&limit=100', '/zstack/v1/volumes'],
    ['/v2/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/backups/9e0b2c1d-7a4f-4c3b-9d8e-1f2a3b4c5d6e', '/v2/{id}/backups/{id}'],
    ['/v3/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/instances/8b1c6e6f4a1f4e3c9a5b2d7e0f1a2b3cin07/backups', '/v3/{id}/instances/{id}/backups'],
    ['/v2.1/cloudvolumes/detail', '/v2.1/cloudvolumes/detail'],
    ['/v3/auth/tokens?nocatalog=true', '/v3/auth/tokens'],
    ['/v1/jobs/12345', '/v1/jobs/{id}'],
  ])('%s → %s', (path, template) => {
    expect(routeTemplate(path)).toBe(template);
  });
});
