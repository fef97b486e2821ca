import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * The layers of src/, bottom first. A module may import from its own layer and the ones below;
 * simulators stand beside the providers and may use nothing of the gateway's but infrastructure, so a
 * vendor rule an adapter misreads cannot be misread the same way by the simulator that tests it.
 */
const LAYERS = ['domain', 'infrastructure', 'providers', 'live', 'schema', 'server', 'main'] as const;
type Layer = (typeof LAYERS)[number] | 'simulators';

function layerOf(file: string): Layer {
  const top = path.relative(SRC, file).split(path.sep)[0]!;
  if (top === 'simulators') return 'simulators';
  if ((LAYERS as readonly string[]).includes(top)) return top as Layer;
  return 'main';
}

function rank(layer: Layer): number {
  return layer === 'simulators' ? LAYERS.indexOf('providers') : LAYERS.indexOf(layer);
}

function allowed(from: Layer, to: Layer): boolean {
  if (from === 'simulators') return to === 'simulators' || to === 'infrastructure';
  if (to === 'simulators') return from === 'main';
  return rank(to) <= rank(from);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)];
  return specifiers.map((match) => path.resolve(path.dirname(file), match[1]!));
}

function violations(): string[] {
  return sourceFiles(SRC).flatMap((file) => {
    const from = layerOf(file);
    return relativeImports(file)
      .filter((target) => !allowed(from, layerOf(target)))
      .map((target) => `${path.relative(SRC, file)} (${from}) imports ${path.relative(SRC, target)} (${layerOf(target)})`);
  });
}

describe('source layers', () => {
  it('every module imports only from its own layer or the ones below', () => {
    expect(violations()).toEqual([]);
  });

  it('recognises a violation when one is made', () => {
    expect(allowed('domain', 'infrastructure')).toBe(false);
    expect(allowed('providers', 'live')).toBe(false);
    expect(allowed('simulators', 'providers')).toBe(false);
    expect(allowed('providers', 'simulators')).toBe(false);
    expect(allowed('server', 'domain')).toBe(true);
  });
});
