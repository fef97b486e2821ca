import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';

/**
 * Trusted documents: the operations codegen wrote to `schema/client/persisted-documents.json`
 * (`{ "sha256:<hex>": "<document>" }`), served by hash (`extensions.persistedQuery.sha256Hash`, with
 * or without the `sha256:` prefix). With `enforce`, any other document is refused before parsing, on
 * HTTP and on WebSocket alike.
 */

export interface TrustedDocumentSettings {
  manifest: string;
  enforce: boolean;
}

export interface TrustedDocuments {
  plugin: Plugin;
  /** The document a graphql-ws subscribe message stands for (graphql-ws bypasses yoga's params hook). */
  queryOf(payload: { query?: string; extensions?: Record<string, unknown> | null }): string | GraphQLError;
}

export function loadTrustedDocuments(settings: TrustedDocumentSettings): TrustedDocuments {
  const manifest = readManifest(settings.manifest);
  const lookUp = (hash: string): string | null => manifest.get(hash.startsWith('sha256:') ? hash : `sha256:${hash}`) ?? null;
  return {
    plugin: usePersistedOperations({
      getPersistedOperation: lookUp,
      allowArbitraryOperations: !settings.enforce,
      customErrors: {
        notFound: { message: 'No trusted document has this hash', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } } },
        persistedQueryOnly: {
          message: 'This gateway runs trusted documents only: send extensions.persistedQuery.sha256Hash',
          extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 403 } },
        },
        keyNotFound: { message: 'Send a query or extensions.persistedQuery.sha256Hash', extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' } },
      },
    }),
    queryOf(payload) {
      const hash = hashOf(payload.extensions);
      if (hash !== null) return lookUp(hash) ?? new GraphQLError('No trusted document has this hash', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
      if (settings.enforce) {
        return new GraphQLError('This gateway runs trusted documents only: send extensions.persistedQuery.sha256Hash', {
          extensions: { code: 'PERSISTED_QUERY_ONLY' },
        });
      }
      return payload.query || new GraphQLError('Send a query or extensions.persistedQuery.sha256Hash', { extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' } });
    },
  };
}

function hashOf(extensions: Record<string, unknown> | null | undefined): string | null {
  const persisted = extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

function readManifest(path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`server.persistedDocuments.manifest ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw new Error(`server.persistedDocuments.manifest ${path}: must map hashes to document strings`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}
