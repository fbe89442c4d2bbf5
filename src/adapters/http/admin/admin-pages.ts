import type { Context } from 'koa';

/**
 * The few HTML pages of /admin (sign-in, the second factor, refusals), served under a strict
 * content-security policy: no script at all, no inline style, forms post only to this origin,
 * and the page cannot be framed.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The policy of the bull-board page: its own scripts, styles, images, fonts, workers and API
 * calls, from this origin only (no inline script: its configuration is a JSON data block, which a
 * policy does not run). No inline style either, but for one: the `<style>` inside bull-board's
 * Redis logo (an SVG), allowed by its hash, so nothing else inline can ever apply.
 */
const REDIS_LOGO_STYLE = "'sha256-r2N1TB/gHbBtBZFKg7ejmq1acVSREzucTAEw6ga4hoU='";
export const BOARD_CSP = `default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self' ${REDIS_LOGO_STYLE}; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'`;

/** The pages' one stylesheet (the policy refuses inline styles, ours included). */
export const STYLESHEET_PATH = '/admin/assets/admin.css';
export const STYLESHEET = `body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f4f6;color:#1f2937;font:16px/1.5 system-ui,sans-serif}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);min-width:20rem;max-width:32rem}
h1{font-size:1.4rem;margin:0 0 1rem}
label{font-size:.9rem;color:#4b5563}
input{box-sizing:border-box;width:100%;padding:.5rem;margin-top:.25rem;border:1px solid #d1d5db;border-radius:4px;font:inherit}
button{padding:.5rem 1.25rem;border:0;border-radius:4px;background:#0f766e;color:#fff;font:inherit;cursor:pointer}
#error{color:#b91c1c;background:#fef2f2;padding:.5rem .75rem;border-radius:4px}
code{background:#f3f4f6;padding:0 .25rem;border-radius:3px}
`;

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const layout = (title: string, body: string): string => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Nexus</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;

/** Sends a page: HTML, never cached, under the page policy. */
export const sendPage = (ctx: Context, status: number, title: string, body: string, csp = PAGE_CSP): void => {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Content-Security-Policy', csp);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = layout(title, body);
};

const errorLine = (error: string | undefined): string => (error ? `<p role="alert" id="error">${escapeHtml(error)}</p>\n` : '');

/** The e-mail and password form. The password is never echoed back; the e-mail is, escaped. */
export const loginForm = (options: { email?: string; error?: string } = {}): string => `${errorLine(options.error)}<p>Sign in with your Nexus account to open the queue dashboard.</p>
<form method="post" action="/admin/login">
<p><label for="email">E-mail</label><br><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(options.email ?? '')}"></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>`;

/** The second step with TOTP on: the challenge travels in the form's body, never in a URL. */
export const mfaForm = (mfaToken: string, error?: string): string => `${errorLine(error)}<p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
<form method="post" action="/admin/login">
<input type="hidden" name="mfaToken" value="${escapeHtml(mfaToken)}">
<p><label for="code">Code</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"></p>
<p><label for="recoveryCode">Or a recovery code</label><br><input id="recoveryCode" name="recoveryCode" autocomplete="off"></p>
<p><button type="submit">Continue</button></p>
</form>`;

export const signOutForm = `<form method="post" action="/admin/logout"><button type="submit">Sign out</button></form>`;
