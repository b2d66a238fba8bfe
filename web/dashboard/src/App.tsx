import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { IntakePage } from './IntakePage';
import { ProjectList } from './ProjectList';
import { ProjectPage } from './ProjectPage';
import { BASE, followLink, routeOf, useLocation } from './router';
import { callerOf, forgetToken, loadConfig, storedToken, storeToken, type DashboardConfig } from './session';
import { SessionContext, type Session } from './use-graphql';

type SignIn = { state: 'starting' } | { state: 'signed-out'; config: DashboardConfig; reason: string | null } | { state: 'signed-in'; config: DashboardConfig; token: string; development: boolean };

export function App() {
  const [signIn, setSignIn] = useState<SignIn>({ state: 'starting' });

  useEffect(() => {
    void loadConfig(BASE).then((config) => {
      const token = config.developmentToken ?? storedToken();
      setSignIn(token ? { state: 'signed-in', config, token, development: token === config.developmentToken } : { state: 'signed-out', config, reason: null });
    });
  }, []);

  const signOut = useCallback((reason: string | null) => {
    forgetToken();
    setSignIn((current) => (current.state === 'starting' ? current : { state: 'signed-out', config: { ...current.config, developmentToken: null }, reason }));
  }, []);

  const session = useMemo<Session | null>(
    () => (signIn.state === 'signed-in' ? { endpoint: signIn.config.endpoint, token: signIn.token, signOut } : null),
    [signIn, signOut],
  );

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
        {signIn.state === 'signed-in' && <CallerBadge token={signIn.token} development={signIn.development} onSignOut={() => signOut(null)} />}
      </header>
      <main id="main">
        {signIn.state === 'starting' && <p aria-busy="true">正在连接数据网关…</p>}
        {signIn.state === 'signed-out' && (
          <SignInForm
            reason={signIn.reason}
            onToken={(token) => {
              storeToken(token);
              setSignIn({ state: 'signed-in', config: signIn.config, token, development: false });
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
  const main = useRef<string | null>(null);

  // A new page (not a new filter) takes the focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    if (main.current !== null && main.current !== pageKey) document.getElementById('page-title')?.focus();
    main.current = pageKey;
  }, [pageKey]);

  useEffect(() => {
    document.title = pageKey.startsWith('project:')
      ? `项目 ${pageKey.slice('project:'.length)} · 联审工作台`
      : pageKey === 'intake'
        ? '综合窗口受理 · 联审工作台'
        : '项目列表 · 联审工作台';
  }, [pageKey]);

  if (route.page === 'list') {
    const previousCursors = (state as { previousCursors?: (string | null)[] } | null)?.previousCursors ?? [];
    return <ProjectList search={route.search} previousCursors={previousCursors} />;
  }
  if (route.page === 'project') return <ProjectPage key={route.code} code={route.code} />;
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
        统一身份认证（SSO）登录尚未接入。请粘贴访问令牌（JWT）：开发环境中 <code>npm start</code> 会打印一个开发令牌，或用 <code>npm run token</code>{' '}
        生成。
      </p>
      <label htmlFor="token">访问令牌</label>
      <textarea id="token" rows={4} value={token} onChange={(e) => setToken(e.target.value)} spellCheck={false} autoComplete="off" required />
      <button type="submit">登录</button>
    </form>
  );
}
