/** Test-only: runs a CGI template the way RFC 3875 describes, one process per request; other paths are static files. */
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { expect } from 'vitest';
import type { AppManifest } from '../protocol/app-manifest';
import { python, type AppRequest, type AppResponse, type AppUnderTest } from './template-test-drivers';
import { run } from './template-test-processes';

/** Runs a CGI app: one script process per request; other paths are read as static files. */
export function cgiApp(appDir: string, dataDir: string, manifest: AppManifest): AppUnderTest {
  return {
    dataDir,
    request: (target, init) => cgiRequest(appDir, dataDir, manifest, target, init),
    restart: async () => {}, // nothing outlives a request
    stop: async () => {},
  };
}

async function cgiRequest(
  appDir: string,
  dataDir: string,
  manifest: AppManifest,
  target: string,
  init: AppRequest = {},
): Promise<AppResponse> {
  const url = new URL(target, 'http://app.test');
  if (!url.pathname.startsWith(`/${manifest.entry}`)) {
    const file = join(appDir, url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname);
    const body = await readFile(file);
    return {
      status: 200,
      headers: { 'content-type': extname(file) === '.html' ? 'text/html' : 'text/css' },
      body,
      text: body.toString('utf8'),
    };
  }
  const script = join(appDir, url.pathname);
  const body = Buffer.from(init.body ?? '');
  const env: Record<string, string> = {
    ...manifest.env,
    SLIPWAY_APP_DATA_DIR: dataDir,
    PATH: '/usr/bin:/bin',
    PYTHONDONTWRITEBYTECODE: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'slipway-template-test',
    SERVER_NAME: 'app.test',
    SERVER_PORT: '80',
    REMOTE_ADDR: '127.0.0.1',
    REQUEST_METHOD: init.method ?? 'GET',
    SCRIPT_NAME: url.pathname,
    PATH_INFO: '',
    QUERY_STRING: url.search.slice(1),
    HTTP_HOST: 'app.test',
    ...(body.length > 0 ? { CONTENT_LENGTH: String(body.length) } : {}),
    ...(init.contentType ? { CONTENT_TYPE: init.contentType } : {}),
  };
  const { stdout } = await run(python, ['-W', 'error', script], {
    cwd: dirname(script),
    env,
    input: body,
    replaceEnv: true,
  });
  return parseCgiResponse(stdout);
}

/** Splits a CGI response into its header block and body, checking the header syntax on the way. */
function parseCgiResponse(output: Buffer): AppResponse {
  const text = output.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  expect(end, 'a CGI response needs an empty line after its headers').not.toBeNull();
  const headerLines = text.slice(0, end!.index).split(/\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const field = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    expect(field, `malformed CGI header line ${JSON.stringify(line)}`).not.toBeNull();
    headers[field![1]!.toLowerCase()] = field![2]!;
  }
  expect(headers['content-type'] ?? headers['location'], 'a CGI response needs Content-Type or Location').toBeDefined();
  const status = headers['status'] ?? (headers['location'] ? '302 Found' : '200 OK');
  expect(status).toMatch(/^\d{3} [^\r\n]+$/);
  const body = output.subarray(end!.index + end![0].length);
  return { status: Number(status.slice(0, 3)), headers, body, text: body.toString('utf8') };
}
