import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';
import { decodeGlobalId } from '../domain/ids.js';
import type { BackupProvider } from '../domain/provider.js';
import { builder } from './builder.js';
import { ProviderRef } from './refs.js';
import { CircuitStateEnum, ProviderKindEnum } from './scalars.js';

builder.node(ProviderRef, {
  description: 'One configured upstream: a ZStack, Huawei VBS or TaurusDB endpoint of the tenant.',
  id: { resolve: (provider) => provider.key },
  loadOne: (key, ctx) => ctx.tenant.provider(key) ?? null,
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    kind: t.expose('kind', { type: ProviderKindEnum, nullable: false }),
    healthy: t.boolean({
      nullable: false,
      description: 'Whether the provider answered a cheap request just now; false without asking while its circuit is open.',
      resolve: (provider) => (provider.circuit() === 'OPEN' ? false : provider.checkHealth()),
    }),
    circuit: t.field({
      type: CircuitStateEnum,
      nullable: false,
      description: 'The circuit breaker in front of the vendor: OPEN fails calls at once, HALF_OPEN lets one probe through.',
      resolve: (provider) => provider.circuit(),
    }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderRef],
    nullable: false,
    resolve: (_root, _args, ctx) => [...ctx.tenant.providers],
  }),
);

/**
 * The providers a list field reads: all of the tenant's that can serve it, or the one `providerId`
 * names. An id this tenant does not own is an error, not an empty list: the client asked for
 * something specific that does not exist.
 */
export function selectProviders(
  ctx: GatewayContext,
  providerId: string | null | undefined,
  canServe: (provider: BackupProvider) => boolean,
): BackupProvider[] {
  if (providerId === null || providerId === undefined) return ctx.tenant.providers.filter(canServe);
  const provider = providerFromId(ctx, providerId);
  if (!provider) throw new GraphQLError(`No provider with id ${providerId}`, { extensions: { code: 'NOT_FOUND', argument: 'provider' } });
  return canServe(provider) ? [provider] : [];
}

export function providerFromId(ctx: GatewayContext, providerId: string): BackupProvider | undefined {
  const { typename, id } = decodeGlobalId(providerId);
  return typename === 'Provider' ? ctx.tenant.provider(id) : undefined;
}

