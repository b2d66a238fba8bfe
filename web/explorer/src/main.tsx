/**
 * The gateway's GraphQL explorer: GraphiQL with everything it loads bundled here — the
 * editor's workers, its styles and its fonts — because county networks (政务外网) reach
 * nothing but the gateway.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
// Monaco's workers as bundled files under this site, not from a CDN.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
// GraphiQL's fonts, as data: URLs inside the CSS.
import '@graphiql/react/font/roboto.css';
import '@graphiql/react/font/fira-code.css';
import './explorer.css';
import { readPageConfig } from './read-config';
import { sessionOnlyTabs } from './storage';

const config = readPageConfig(document);
document.title = config.title;

const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options?.headers },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown as Awaited<ReturnType<GraphiQLProps['fetcher']>>;
  } catch {
    // Not GraphQL (a proxy's error page …): show what came back instead of a parse error.
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] } as never;
  }
};

const tabs = config.tabs.map((tab) => ({ query: tab.query, variables: tab.variables ?? null, headers: config.headers }));

createRoot(document.getElementById('explorer')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={tabs.length ? tabs : undefined}
      defaultQuery={tabs.length ? undefined : '# Write an operation here and press Run (Ctrl-Enter).\n{\n  __typename\n}\n'}
      defaultHeaders={config.headers ?? undefined}
      // GraphiQL opens the first tab's query but not its variables or headers: give them too.
      initialVariables={tabs[0]?.variables ?? undefined}
      initialHeaders={config.headers ?? undefined}
      defaultEditorToolsVisibility="variables"
      shouldPersistHeaders={false}
      showPersistHeadersSettings={false}
      storage={sessionOnlyTabs(window.localStorage)}
      // In production the gateway refuses introspection: do not ask, say so instead.
      schema={config.introspection ? undefined : null}
    >
      <GraphiQL.Logo>{config.title}</GraphiQL.Logo>
      {!config.introspection && (
        <GraphiQL.Footer>
          <p className="explorer-note" role="note">
            Schema docs and completion are off: this gateway runs in production, where introspection is refused. Operations still run with your
            credential in the headers.
          </p>
        </GraphiQL.Footer>
      )}
    </GraphiQL>
  </StrictMode>,
);
