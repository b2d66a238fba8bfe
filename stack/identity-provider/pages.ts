/**
 * The pages a person sees at the embedded identity provider, in Chinese: sign-in, the
 * sign-out question and its answer, and errors. Plain HTML with inline styles and no
 * script, so the page's CSP can forbid scripts entirely.
 */
import type { StaffMember } from '../../domain/staff';

const ROLE_NAMES: Record<StaffMember['role'], string> = { clerk: '综合窗口', reviewer: '审查人员', town: '乡镇工作人员', admin: '县级管理员' };

const STYLE = `
body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f3f5f8;color:#1d2633;margin:0}
main{max-width:30rem;margin:3rem auto;background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.15);padding:1.5rem 2rem}
h1{font-size:1.3rem;margin:0 0 .25rem}p.sub{color:#566;margin:0 0 1.25rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #99a;border-radius:4px}
button{margin-top:1.25rem;width:100%;padding:.6rem;font-size:1rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;cursor:pointer}
button.secondary{background:#e4e8ee;color:#1d2633}
.error{background:#fdecea;color:#8a1c12;padding:.6rem .8rem;border-radius:4px;margin:.5rem 0}
details{margin-top:1.5rem;font-size:.9rem}table{border-collapse:collapse;width:100%;margin-top:.5rem}
td,th{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #e4e8ee}code{font-size:.85rem}`;

export const PAGE_SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script on any page; forms post to this provider, which then redirects to the registered client.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function loginPage(options: { action: string; abort: string; clientName: string; username?: string; error?: string; demo?: { staff: readonly StaffMember[]; password: string } }): string {
  const demo = options.demo;
  return page(
    '统一身份认证 · 登录',
    `<h1>统一身份认证</h1><p class="sub">登录后进入「${escape(options.clientName)}」</p>
${options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : ''}
<form method="post" action="${escape(options.action)}">
<label for="username">账号</label><input id="username" name="username" autocomplete="username" required autofocus value="${escape(options.username ?? '')}">
<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录</button></form>
<form method="post" action="${escape(options.abort)}"><button type="submit" class="secondary">取消</button></form>
${
  demo
    ? `<details><summary>演示账号（仅本机演示环境，密码均为 <code>${escape(demo.password)}</code>）</summary><table><thead><tr><th>账号</th><th>姓名</th><th>部门</th><th>角色</th></tr></thead><tbody>${demo.staff
        .map((s) => `<tr><td><code>${escape(s.id)}</code></td><td>${escape(s.name)}</td><td>${escape(s.department)}</td><td>${ROLE_NAMES[s.role]}</td></tr>`)
        .join('')}</tbody></table></details>`
    : ''
}`,
  );
}

/** oidc-provider hands over its own form (hidden fields, id op.logoutForm); the buttons submit it. */
export function logoutPage(form: string): string {
  return page(
    '统一身份认证 · 退出登录',
    `<h1>退出登录</h1><p class="sub">退出后，联审工作台和数据浏览器都需要重新登录（单点登录的会话一并结束）。</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">退出登录</button>`,
  );
}

export function loggedOutPage(): string {
  return page('统一身份认证 · 已退出', '<h1>已退出登录</h1><p class="sub">可以关闭此页面，或重新打开联审工作台登录。</p>');
}

export function errorPage(message: string, detail: string): string {
  return page('统一身份认证 · 出错了', `<h1>登录未完成</h1><p class="error" role="alert">${escape(message)}</p><details><summary>详情</summary><p><code>${escape(detail)}</code></p></details>`);
}
