import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { IntakePage } from './IntakePage';
import { ProjectList } from './ProjectList';
import { ProjectPage } from './ProjectPage';
import { ReviewQueueLink } from './ReviewQueueLink';
import { ReviewQueuePage } from './ReviewQueuePage';
import { BASE, followLink, routeOf, useLocation } from './router';
import { PageSession } from '../../shared/page-session';
import { callerOf, forgetToken, loadConfig, storedToken, storeToken, type DashboardConfig } from './session';
import { SessionContext, type Session } from './use-graphql';

type SignIn =
  | { state: 'starting' }
  | { state: 'redirecting' }
  | { state: 'sso-failed'; config: DashboardConfig; message: string; detail: string }
  | { state: 'signed-out'; config: DashboardConfig; reason: string | null }
  | { state: 'leaving'; config: DashboardConfig; pageSession: PageSession; reason: string | null }
  | { state: 'signed-in'; config: DashboardConfig; token: () => string; via: 'sso'; pageSession: PageSession }
  | { state: 'signed-in'; config: DashboardConfig; token: () => string; via: 'development' | 'pasted' };

const SILENT_SIGN_IN_AT = 'county-dashboard.silent-sign-in-at';
const SILENT_SIGN_IN_EVERY_MS = 60_000;

/** This page's address at the identity provider: the dashboard's root, whatever page the person was on. */
const redirectUri = () => `${location.origin}${BASE}`;

async function signInWith(config: DashboardConfig): Promise<SignIn> {
  if (config.signIn) {
    const started = await PageSession.start(config.signIn, redirectUri());
    if (started.state === 'redirecting') return { state: 'redirecting' };
    if (started.state === 'failed') return { state: 'sso-failed', config, message: started.message, detail: started.detail };
    const pageSession = started.session;
    return { state: 'signed-in', config, token: () => pageSession.accessToken, via: 'sso', pageSession };
  }
  if (config.developmentToken) {
    const token = config.developmentToken;
    return { state: 'signed-in', config, token: () => token, via: 'development' };
  }
  const pasted = storedToken();
  return pasted ? { state: 'signed-in', config, token: () => pasted, via: 'pasted' } : { state: 'signed-out', config, reason: null };
}

export function App() {
  const [signIn, setSignIn] = useState<SignIn>({ state: 'starting' });

  useEffect(() => {
    void loadConfig(BASE).then(signInWith).then(setSignIn);
  }, []);

  const signOut = useCallback((reason: string | null) => {
    setSignIn((current) => {
      if (current.state !== 'signed-in') return current;
      if (current.via === 'sso') {
        // Leaving the page happens outside this updater (React may call an updater twice): see the effect below.
        return { state: 'leaving', config: current.config, pageSession: current.pageSession, reason };
      }
      forgetToken();
      return { state: 'signed-out', config: { ...current.config, developmentToken: null }, reason };
    });
  }, []);

  useEffect(() => {
    if (signIn.state !== 'leaving') return;
    const { pageSession, reason, config } = signIn;
    if (reason === null) return pageSession.signOut();
    // Refused by the gateway (expired, revoked): a new sign-in, silent while the identity provider's session lasts —
    // but once a minute at most, so a token the gateway keeps refusing says why instead of sending the page round forever.
    const last = Number(sessionStorage.getItem(SILENT_SIGN_IN_AT) ?? 0);
    if (Date.now() - last < SILENT_SIGN_IN_EVERY_MS) {
      setSignIn({ state: 'sso-failed', config, message: '数据网关不接受本次登录，请点击“重新登录”；如果一再出现，请联系县政务服务中心。', detail: reason });
      return;
    }
    sessionStorage.setItem(SILENT_SIGN_IN_AT, String(Date.now()));
    void pageSession.signInAgain(config.signIn!);
  }, [signIn]);

  const session = useMemo<Session | null>(() => {
    if (signIn.state !== 'signed-in') return null;
    const token = signIn.token;
    // One object for the whole sign-in: refreshing the access token changes what `token` reads, not the session, so nothing reloads.
    return {
      endpoint: signIn.config.endpoint,
      get token() {
        return token();
      },
      signOut,
    };
  }, [signIn, signOut]);

  return (
    <>
      <a className="skip-link" href="#main">
        跳到主要内容
      </a>
      <header className="app-header">
        <p className="app-title">
          <a href={BASE} onClick={followLink}>
            联审工作台
          </a>
          <span className="app-owner">从江县政务服务中心 · 工程建设项目并联审批</span>
          <a className="app-nav" href={`${BASE}intake`} onClick={followLink}>
            综合窗口受理
          </a>
        </p>
        {session && (
          <SessionContext.Provider value={session}>
            <ReviewQueueLink />
          </SessionContext.Provider>
        )}
        {session && signIn.state === 'signed-in' && <CallerBadge token={session.token} development={signIn.via === 'development'} onSignOut={() => signOut(null)} />}
      </header>
      <main id="main">
        {signIn.state === 'starting' && <p aria-busy="true">正在连接数据网关…</p>}
        {(signIn.state === 'redirecting' || signIn.state === 'leaving') && <p aria-busy="true">正在前往统一身份认证…</p>}
        {signIn.state === 'sso-failed' && (
          <section className="sign-in" aria-labelledby="page-title">
            <h1 tabIndex={-1} id="page-title">
              登录
            </h1>
            <p className="alert" role="alert">
              {signIn.message}
            </p>
            <button type="button" onClick={() => void signInWith(signIn.config).then(setSignIn)}>
              重新登录
            </button>
            <details>
              <summary>详情</summary>
              <code>{signIn.detail}</code>
            </details>
          </section>
        )}
        {signIn.state === 'signed-out' && (
          <SignInForm
            reason={signIn.reason}
            onToken={(token) => {
              storeToken(token);
              setSignIn({ state: 'signed-in', config: signIn.config, token: () => token, via: 'pasted' });
            }}
          />
        )}
        {session && (
          <SessionContext.Provider value={session}>
            <Pages />
          </SessionContext.Provider>
        )}
      </main>
    </>
  );
}

function Pages() {
  const { pathname, search, state } = useLocation();
  const route = routeOf(pathname, search);
  const pageKey = route.page === 'project' ? `project:${route.code}` : route.page;
  const title = route.page === 'project' ? `项目 ${route.code}` : route.page === 'review' ? '待我审查' : route.page === 'intake' ? '综合窗口受理' : '项目列表';
  const main = useRef<string | null>(null);

  // A new page (not a new filter) takes the focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    if (main.current !== null && main.current !== pageKey) document.getElementById('page-title')?.focus();
    main.current = pageKey;
  }, [pageKey]);

  useEffect(() => {
    document.title = `${title} · 联审工作台`;
  }, [title]);

  if (route.page === 'list') {
    const previousCursors = (state as { previousCursors?: (string | null)[] } | null)?.previousCursors ?? [];
    return <ProjectList search={route.search} previousCursors={previousCursors} />;
  }
  if (route.page === 'project') return <ProjectPage key={route.code} code={route.code} />;
  if (route.page === 'review') return <ReviewQueuePage department={route.department} />;
  if (route.page === 'intake') return <IntakePage search={route.search} />;
  return (
    <>
      <h1 tabIndex={-1} id="page-title">
        没有这个页面
      </h1>
      <p>
        <a href={BASE} onClick={followLink}>
          返回项目列表
        </a>
      </p>
    </>
  );
}

function CallerBadge({ token, development, onSignOut }: { token: string; development: boolean; onSignOut: () => void }) {
  const caller = callerOf(token);
  return (
    <p className="caller">
      {caller ? `${caller.name}${caller.org ? `（${caller.org}）` : ''}` : '已登录'}
      {development ? (
        <span className="badge badge-warn" title="npm start 的开发令牌，仅用于开发环境">
          开发令牌
        </span>
      ) : (
        <button type="button" className="link-button" onClick={onSignOut}>
          退出
        </button>
      )}
    </p>
  );
}

function SignInForm({ reason, onToken }: { reason: string | null; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    if (trimmed) onToken(trimmed);
  };
  return (
    <form className="sign-in" onSubmit={submit} aria-labelledby="page-title">
      <h1 tabIndex={-1} id="page-title">
        登录
      </h1>
      {reason && (
        <p className="alert" role="alert">
          {reason}
        </p>
      )}
      <p>
        此页面没有配置统一身份认证登录。请粘贴访问令牌（JWT）：开发环境中 <code>npm start</code> 会打印一个开发令牌，或用 <code>npm run token</code> 生成。
      </p>
      <label htmlFor="token">访问令牌</label>
      <textarea id="token" rows={4} value={token} onChange={(e) => setToken(e.target.value)} spellCheck={false} autoComplete="off" required />
      <button type="submit">登录</button>
    </form>
  );
}
