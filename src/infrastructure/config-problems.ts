import { suggestionList } from 'graphql/jsutils/suggestionList.js';
import type { z } from 'zod';

/**
 * What a bad config file is told: one line per bad field, with its path. A misspelled key is one
 * line with the key it most likely meant (graphql-js's own "did you mean" ranking), not a line for
 * the unknown key plus another for the required key it was meant to be.
 */

export class ConfigError extends Error {
  /** `headline` alone when there is nothing to list (a file that is not there). */
  constructor(readonly problems: string[], headline = 'invalid config') {
    super(problems.length === 0 ? headline : `${headline}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses with `schema`; the problems, one line each, when the value does not fit. */
export function configProblems<T extends z.ZodType>(schema: T, raw: unknown): { data: z.output<T>; problems: [] } | { data: undefined; problems: string[] } {
  // The error map sees the object's shape (to rank its keys); the final issue, the full path (a
  // union's branch reports paths relative to itself). Both come in the same order.
  const meantInOrder: { key: string; meant: string | undefined }[] = [];
  const result = schema.safeParse(raw, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const known = Object.keys((issue.inst as { shape?: Record<string, unknown> } | undefined)?.shape ?? {});
      for (const key of issue.keys) meantInOrder.push({ key, meant: suggestionList(key, known)[0] });
      return undefined;
    },
  });
  if (result.success) return { data: result.data, problems: [] };
  const unknownKeys = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => {
          const index = meantInOrder.findIndex((m) => m.key === key);
          const meant = index >= 0 ? meantInOrder.splice(index, 1)[0]!.meant : undefined;
          return { issue, key, meant };
        })
      : [],
  );
  const meantPaths = new Set(unknownKeys.filter((u) => u.meant).map((u) => formatPath([...u.issue.path, u.meant!])));
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return unknownKeys
        .filter((u) => u.issue === issue)
        .map(({ key, meant }) => `${formatPath([...issue.path, key])}: unknown key${meant ? `; did you mean "${meant}"?` : ''}`);
    }
    // The required key a misspelling was meant to be is already named on the misspelling's line.
    if (meantPaths.has(formatPath(issue.path)) && valueAt(raw, issue.path) === undefined) return [];
    return [`${formatPath(issue.path)}: ${issue.message}`];
  });
  return { data: undefined, problems };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((at, part) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[part] : undefined), value);
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '[');
}
