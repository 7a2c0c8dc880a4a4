/**
 * The language-server contract shared by the browser and the server (no Node imports here).
 *
 * WebSocket `/ws/projects/:projectId/languages/python`: the Language Server Protocol, one
 * JSON-RPC 2.0 message per TEXT frame in both directions. The server adds and strips the
 * `Content-Length` framing of the language server's stdio, so the browser never sees headers.
 *
 * - The project appears to the language server at {@link LANGUAGE_WORKSPACE_URI}; every URI a
 *   client sends must lie inside it. A request that breaks this, or `workspace/executeCommand`,
 *   is answered with a JSON-RPC error and never reaches the language server; such a notification
 *   is dropped. A frame that is not a JSON-RPC message, or larger than
 *   {@link LANGUAGE_MAX_MESSAGE_BYTES}, closes the socket with {@link LANGUAGE_CLOSE_POLICY}.
 * - The server answers the language server's `workspace/configuration` requests itself (the
 *   interpreter is the platform's choice), so clients declare `workspace.configuration` but never
 *   see those requests.
 * - One language server process per connection: it starts with the socket and ends with it.
 */

/** Route pattern for the WebSocket router. */
export const PYTHON_LANGUAGE_SOCKET_ROUTE = '/ws/projects/:projectId/languages/python';
/** Largest message a client may send (a whole file in `didOpen`/`didChange` must fit). */
export const LANGUAGE_MAX_MESSAGE_BYTES = 1024 * 1024;
/** The project folder as the language server sees it. */
export const LANGUAGE_WORKSPACE_URI = 'file:///workspace';
/** WebSocket close code for a protocol violation (RFC 6455 "policy violation"). */
export const LANGUAGE_CLOSE_POLICY = 1008;
/** WebSocket close code when the language server exited or could not start; clients reconnect later. */
export const LANGUAGE_CLOSE_SERVER_GONE = 1011;
/** JSON-RPC error code for a refused method (`workspace/executeCommand`). */
export const JSON_RPC_METHOD_NOT_FOUND = -32601;
/** JSON-RPC error code for a refused parameter (a URI outside the workspace). */
export const JSON_RPC_INVALID_PARAMS = -32602;

/** Path of the Python language socket of a project. */
export function pythonLanguageSocketPath(projectId: string): string {
  return PYTHON_LANGUAGE_SOCKET_ROUTE.replace(':projectId', encodeURIComponent(projectId));
}

const WORKSPACE_PATH = '/workspace';

/**
 * The project-relative path of a `file:///workspace/…` URI (`''` for the folder itself), or null
 * for anything else: other schemes, hosts, queries, fragments, `..` segments (also encoded ones),
 * backslashes and NULs. Both sides use it: the server to refuse, the browser to filter results.
 */
export function workspacePathOfUri(uri: string): string | null {
  if (uri.includes('\\') || uri.includes('\0')) return null;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'file:' || url.host !== '' || url.search !== '' || url.hash !== '') return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path !== WORKSPACE_PATH && !path.startsWith(`${WORKSPACE_PATH}/`)) return null;
  const relative = path.slice(WORKSPACE_PATH.length + 1).replace(/\/+$/, '');
  // URL parsing already folded literal dot segments; these are the ones that were percent-encoded.
  if (relative.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  return relative;
}
