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
import { PageSession } from '../../shared/page-session';
import { readPageConfig } from './read-config';
import { sessionOnlyTabs } from './storage';

const config = readPageConfig(document);
document.title = config.title;

/** Signed in at the identity provider (the same session as the dashboard's): its current token goes with every request. */
let pageSession: PageSession | undefined;

const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  // A credential typed into the headers editor wins: that is how one tries another caller.
  const typed = Object.keys(options?.headers ?? {}).some((name) => ['authorization', 'x-api-key'].includes(name.toLowerCase()));
  if (pageSession && !typed) headers.authorization = `Bearer ${pageSession.accessToken}`;
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: { ...headers, ...options?.headers },
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

async function render() {
  if (config.signIn) {
    const root = document.getElementById('explorer')!;
    const started = await PageSession.start(config.signIn, `${location.origin}${config.endpoint}`);
    if (started.state === 'redirecting') return;
    if (started.state === 'failed') {
      const message = document.createElement('p');
      message.className = 'explorer-note';
      message.setAttribute('role', 'alert');
      message.textContent = `${started.message}（${started.detail}）`;
      root.replaceChildren(message);
      return;
    }
    pageSession = started.session;
  }
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
}

void render();
