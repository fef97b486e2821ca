import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { YogaServerOptions } from 'graphql-yoga';

/** What the demo's GraphiQL opens with: press run and see every vendor's newest backups. */
// Lines short enough for GraphiQL's editor pane at 1280 px, beside the results pane.
const DEMO_QUERY = `# The newest backups across every vendor.
# Run it: the play button, or Ctrl-Enter.
query NewestBackups {
  backups(first: 10) {
    edges {
      node {
        name
        status
        createdAt
        provider { name kind }
      }
    }
  }
}
`;

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
      defaultQuery: demoApiKey ? DEMO_QUERY : undefined,
    },
    renderGraphiQL,
  };
}
