import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { YogaServerOptions } from 'graphql-yoga';

/**
 * GraphiQL from the registry package that inlines its scripts and styles: the page loads nothing
 * from any other host, so it works on networks without internet access. In demo mode its headers
 * hold the demo key.
 */
export function graphiqlSettings(enabled: boolean, demoApiKey: string | undefined): Pick<YogaServerOptions<object, object>, 'graphiql' | 'renderGraphiQL'> {
  if (!enabled) return { graphiql: false };
  return {
    graphiql: {
      title: 'backupgraph',
      headers: demoApiKey ? JSON.stringify({ Authorization: `Bearer ${demoApiKey}` }) : undefined,
    },
    renderGraphiQL,
  };
}
