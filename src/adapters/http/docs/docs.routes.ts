import type Router from '@koa/router';
import type { Context } from 'koa';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as t from 'io-ts';
import { decodeOrThrow, Str } from '../decode';
import { replyError } from '../envelope';
import { buildOpenApiDocument } from '../openapi/document';
import { createRouter } from '../routing';

/**
 * The content-security policy of the docs page: its own scripts, styles and the document, nothing
 * else (no CDN, no inline script or style, no eval, no frames, no forms). Swagger UI (React)
 * styles elements through the CSSOM, which CSP does not govern, so `style-src 'self'` suffices
 * (checked in headless Chromium: no violation rendering, expanding and trying out operations).
 * Its stylesheet draws icons as SVG `data:` URIs (`img-src data:`). `connect-src 'self'` lets it
 * fetch /openapi.json and send "Try it out" requests to this API only.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Our page: no inline script (CSP), every URL relative, so the page also works under a proxy's prefix. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nexus API reference</title>
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<noscript>The API reference needs JavaScript; the description itself is at <a href="openapi.json">openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI on the document of this server. `validatorUrl: null`: no badge fetched from
 * validator.swagger.io (the CSP would refuse it anyway).
 */
const INIT = `'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', document.baseURI).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/** Files of the swagger-ui-dist package served under /docs/assets (nothing else of it is reachable). */
const PACKAGE_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

let packageDir: string | undefined;
/** Where swagger-ui-dist is, found on first use: its JavaScript never runs in this process. */
const assetPath = (file: string): string => {
  packageDir ??= dirname(require.resolve('swagger-ui-dist/package.json'));
  return join(packageDir, file);
};

/** `/docs/assets/:file`: any name is looked up in the list below (others are 404). */
export const DocsAssetParams = t.type({ file: Str(100) });

const noStore = (ctx: Context) => ctx.set('Cache-Control', 'no-cache');

/**
 * `GET /openapi.json` (the API description, built from the route table on first request) and
 * `GET /docs` (Swagger UI on it, with its assets from the npm package under /docs/assets). Public.
 */
export const docsRoutes = (options: { version?: string } = {}): Router => {
  const router = createRouter();
  let document: string | undefined;

  router.get('/openapi.json', (ctx) => {
    document ??= JSON.stringify(buildOpenApiDocument({ version: options.version ?? '0.1.0' }));
    noStore(ctx);
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = document;
  });

  router.get('/docs', (ctx) => {
    noStore(ctx);
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });

  router.get('/docs/assets/:file', async (ctx) => {
    const { file } = decodeOrThrow(DocsAssetParams, ctx.params);
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.set('Cache-Control', 'public, max-age=3600');
    if (file === 'init.js') {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.body = INIT;
      return;
    }
    const type = Object.hasOwn(PACKAGE_ASSETS, file) ? PACKAGE_ASSETS[file] : undefined;
    if (!type) return replyError(ctx, 404, `No route for ${ctx.method} ${ctx.path}`);
    ctx.type = type;
    // HEAD: the length only (a stream opened for nothing would hold a file descriptor until collected).
    if (ctx.method === 'HEAD') {
      ctx.status = 200;
      ctx.length = (await stat(assetPath(file))).size;
      return;
    }
    ctx.body = createReadStream(assetPath(file));
  });

  return router;
};
