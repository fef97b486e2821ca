import { SCOPES } from '../infrastructure/config.js';
import type { Principal } from '../providers/access.js';
import { builder } from './builder.js';

/**
 * Who the API key is and what it may do, so a frontend offers only what the key can run (the
 * server refuses the rest with FORBIDDEN anyway). Read from the request's key; no vendor is asked.
 */

const ScopeEnum = builder.enumType('Scope', {
  description: 'What an API key may do: read (queries, subscriptions), backup (create*), restore (restore*, revert*), delete (delete*).',
  values: SCOPES.map((scope) => scope.toUpperCase()) as Uppercase<(typeof SCOPES)[number]>[],
});

const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description: 'The API key this request was made with.',
  fields: (t) => ({
    label: t.exposeString('label', { nullable: false, description: 'The key\'s label in the config (without one: <tenant>#<position in apiKeys>); never the key.' }),
    scopes: t.field({
      type: [ScopeEnum],
      nullable: false,
      resolve: (principal) => SCOPES.filter((scope) => principal.scopes.has(scope)).map((scope) => scope.toUpperCase() as Uppercase<typeof scope>),
    }),
  }),
});

builder.queryField('viewer', (t) => t.field({ type: ViewerRef, nullable: false, resolve: (_root, _args, ctx) => ctx.principal }));
