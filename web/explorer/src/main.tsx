/**
 * The gateway's GraphQL explorer: GraphiQL with everything it loads bundled here — the
 * editor's workers, its styles and its fonts — because county networks (政务外网) reach
 * nothing but the gateway.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { getOperationAST, parse } from 'graphql';
import { createClient } from 'graphql-ws';
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

/** The page's credential unless one is typed into the headers editor: typing one is how one tries another caller. */
const credentialFor = (typedHeaders: Record<string, unknown> | undefined): Record<string, string> => {
  const typed = Object.keys(typedHeaders ?? {}).some((name) => ['authorization', 'x-api-key'].includes(name.toLowerCase()));
  return pageSession && !typed ? { authorization: `Bearer ${pageSession.accessToken}` } : {};
};

/**
 * A subscription runs over the gateway's WebSocket (graphql-ws), the headers in
 * `connection_init` as the gateway reads them; each event replaces the response as it
 * arrives, and GraphiQL's run button stops it (closing the connection).
 */
function subscribeOverWebSocket(params: Parameters<GraphiQLProps['fetcher']>[0], typedHeaders: Record<string, unknown> | undefined) {
  const url = new URL(config.endpoint, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const connectionParams = { ...credentialFor(typedHeaders), ...typedHeaders };
  return {
    subscribe(sink: { next(value: unknown): void; error(error: unknown): void; complete(): void }) {
      const client = createClient({ url: url.href, connectionParams, retryAttempts: 0 });
      const stop = client.subscribe(params as { query: string }, {
        next: (result) => sink.next(result),
        // A closed socket is a CloseEvent, not an error GraphiQL can print: say its code and reason.
        error: (error) =>
          sink.error(
            Array.isArray(error) || error instanceof Error
              ? error
              : new Error(`WebSocket closed ${(error as CloseEvent).code ?? ''}: ${(error as CloseEvent).reason || 'no reason given'}`),
          ),
        complete: () => sink.complete(),
      });
      return {
        unsubscribe: () => {
          stop();
          void client.dispose();
        },
      };
    },
  };
}

function isSubscription(params: Parameters<GraphiQLProps['fetcher']>[0]): boolean {
  try {
    return getOperationAST(parse(params.query), params.operationName ?? undefined)?.operation === 'subscription';
  } catch {
    // Not parseable here: the gateway says why over HTTP.
    return false;
  }
}

const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  if (isSubscription(params)) return subscribeOverWebSocket(params, options?.headers) as never;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...credentialFor(options?.headers) };
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
