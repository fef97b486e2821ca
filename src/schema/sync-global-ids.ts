import { isThenable } from '@pothos/core';
import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { encodeGlobalId } from '../domain/ids.js';
import { builder } from './builder.js';

/**
 * plugin-relay resolves every Node's `id` through an `async` function (its `globalID` field), so
 * each id of each row costs a promise, an await and a microtask: seven per dashboard row. Every
 * node here declares its id synchronously (`id: { resolve }`), so once the schema is built each
 * Node type's `id` answers in place with the same value, `encodeGlobalId(type, id.resolve(…))`
 * (awaited only when an id does arrive as a promise). plugin-relay offers no option for this, hence
 * the pass over the built schema.
 */

type IdResolver = GraphQLFieldResolver<unknown, unknown>;

export function resolveNodeIdsInPlace(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((face) => face.name === 'Node')) continue;
    const field = type.getFields().id;
    const options = builder.configStore.getTypeConfig(type.name).pothosOptions as { id?: { resolve?: IdResolver } };
    const idOf = options.id?.resolve;
    if (!field || !idOf) continue;
    const encode = (id: unknown) => encodeGlobalId(type.name, String(id));
    field.resolve = (parent, args, context, info) => {
      const id = idOf(parent, args, context, info);
      return isThenable(id) ? Promise.resolve(id).then(encode) : encode(id);
    };
  }
  return schema;
}
