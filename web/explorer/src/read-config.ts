import { CONFIG_ELEMENT_ID, type ExplorerPageConfig } from '../../../contracts/explorer-page';

/**
 * The config the gateway wrote into the page. The page opened as a plain file (`/explorer/`)
 * has none: it then talks to `/graphql` with no examples and no token.
 */
export function readPageConfig(document: Document): ExplorerPageConfig {
  const fallback: ExplorerPageConfig = { endpoint: '/graphql', title: 'GraphQL explorer', tabs: [], headers: null, introspection: true, signIn: null };
  const text = document.getElementById(CONFIG_ELEMENT_ID)?.textContent;
  if (!text) return fallback;
  return { ...fallback, ...(JSON.parse(text) as Partial<ExplorerPageConfig>) };
}
