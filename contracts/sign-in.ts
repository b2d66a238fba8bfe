/**
 * How a page of the gateway (the dashboard, the explorer) signs its user in at the county's
 * identity service (统一身份认证): OpenID Connect authorization code with PKCE, as a public
 * client. The gateway hands this to the page (dashboard `config.json`, the explorer's page
 * settings); the page finds the endpoints through the issuer's discovery document.
 */
export interface PageSignIn {
  /** The OpenID Connect issuer (its discovery document is at `${issuer}/.well-known/openid-configuration`). */
  issuer: string;
  /** This page's client id at the issuer. */
  clientId: string;
  /** What the page asks for: `openid` and the gateway's scopes; the person gets those they hold. */
  scope: string;
}

/**
 * The scopes a page asks for besides the gateway's: an id token (for sign-out) with the person's name. Not
 * offline_access: a page's refresh tokens must end with the sign-in session, not outlive it.
 */
export const PAGE_OIDC_SCOPES = ['openid', 'profile'];
