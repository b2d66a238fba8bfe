/**
 * What the gateway tells the explorer page (gateway/explorer.ts writes it into the page as a
 * `<script type="application/json">` block, which the browser never executes, so the CSP's
 * `script-src 'self'` stays as it is).
 */
import type { PageSignIn } from './sign-in';

export interface ExplorerTab {
  /** The operation's text, comments included. */
  query: string;
  /** Example variables, as the JSON text shown in the variables editor. */
  variables?: string;
}

export interface ExplorerPageConfig {
  /** Where GraphQL is: a path on this origin (`/graphql`). */
  endpoint: string;
  /** Shown in the top corner and the window title. */
  title: string;
  /** Opened as tabs, the first one active. */
  tabs: ExplorerTab[];
  /** JSON text of the headers editor for every tab (`{"Authorization": "Bearer …"}`), or none. */
  headers: string | null;
  /** false in production: no introspection request, no schema docs; the page says why. */
  introspection: boolean;
  /** Where the person signs in (single sign-on with the dashboard); null: the headers editor carries the credential. */
  signIn: PageSignIn | null;
}

export const CONFIG_ELEMENT_ID = 'explorer-config';
