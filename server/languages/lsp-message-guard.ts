import {
  JSON_RPC_INVALID_PARAMS,
  JSON_RPC_METHOD_NOT_FOUND,
  LANGUAGE_MAX_MESSAGE_BYTES,
  workspacePathOfUri,
} from '../protocol/languages';

/** What to do with one frame a client sent to a language server. */
export type ClientMessageVerdict =
  /** Pass `text` (the message re-serialised from what was checked) to the language server. */
  | { kind: 'forward'; text: string }
  /** A refused request: send `text` (a JSON-RPC error) back to the client, nothing to the server. */
  | { kind: 'reply'; text: string }
  /** A refused notification: nothing to answer, nothing to forward. */
  | { kind: 'drop'; reason: string }
  /** Not a JSON-RPC message at all: end the connection. */
  | { kind: 'close'; reason: string };

/** Methods no client may call: pyright's commands write files and restart analysis on request. */
const REFUSED_METHODS = new Set(['workspace/executeCommand']);

type JsonRpcId = number | string;

/**
 * Checks a client frame before it reaches a language server: valid JSON of at most
 * LANGUAGE_MAX_MESSAGE_BYTES, one JSON-RPC 2.0 request, notification or response, no refused
 * method, every URI (`uri`, `…Uri`) inside `file:///workspace/` and `rootPath` the workspace.
 * The language server is sandboxed anyway; this keeps a client from pointing it at the sandbox's
 * own system files and keeps the protocol surface to what the editor uses.
 */
export function checkClientMessage(text: string): ClientMessageVerdict {
  if (Buffer.byteLength(text, 'utf8') > LANGUAGE_MAX_MESSAGE_BYTES)
    return { kind: 'close', reason: 'message too large' };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'close', reason: 'invalid JSON' };
  }
  if (!isRecord(message) || message.jsonrpc !== '2.0') return { kind: 'close', reason: 'not a JSON-RPC 2.0 message' };
  const hasId = 'id' in message;
  if (hasId && !isId(message.id)) return { kind: 'close', reason: 'invalid JSON-RPC id' };
  const id = message.id as JsonRpcId;

  if (typeof message.method === 'string') {
    if (REFUSED_METHODS.has(message.method)) {
      return hasId
        ? reply(id, JSON_RPC_METHOD_NOT_FOUND, `${message.method} is not available`)
        : { kind: 'drop', reason: `${message.method} is not available` };
    }
    const foreign = findForeignLocation(message.params);
    if (foreign !== undefined) {
      const reason = `only files inside the workspace are served (${foreign.slice(0, 200)})`;
      return hasId ? reply(id, JSON_RPC_INVALID_PARAMS, reason) : { kind: 'drop', reason };
    }
    return { kind: 'forward', text: JSON.stringify(message) };
  }
  if (message.method !== undefined) return { kind: 'close', reason: 'invalid JSON-RPC method' };
  if (!hasId || !('result' in message || 'error' in message)) {
    return { kind: 'close', reason: 'neither a request, a notification nor a response' };
  }
  // A response to one of the language server's requests: a foreign URI becomes an error answer,
  // so the server is never left waiting for a reply that will not come.
  if (findForeignLocation(message.result) !== undefined) {
    const error = { code: JSON_RPC_INVALID_PARAMS, message: 'only files inside the workspace are served' };
    return { kind: 'forward', text: JSON.stringify({ jsonrpc: '2.0', id, error }) };
  }
  return { kind: 'forward', text: JSON.stringify(message) };
}

function reply(id: JsonRpcId, code: number, message: string): ClientMessageVerdict {
  return { kind: 'reply', text: JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is JsonRpcId {
  return (
    (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && value.length <= 100)
  );
}

/** LSP names its URI fields `uri`, `rootUri`, `scopeUri`, `targetUri`, `baseUri`, `newUri`… */
function isUriKey(key: string): boolean {
  return key === 'uri' || key.endsWith('Uri');
}

/**
 * The first URI (or `rootPath`) outside the workspace anywhere in `value`, walked with an explicit
 * stack: a 1 MiB message can nest deeper than the call stack allows.
 */
function findForeignLocation(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (Array.isArray(current)) {
      for (const item of current) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    if (!isRecord(current)) continue;
    for (const [key, child] of Object.entries(current)) {
      if (typeof child === 'string') {
        if (isUriKey(key) && workspacePathOfUri(child) === null) return child;
        if (key === 'rootPath' && child !== '/workspace' && child !== '/workspace/') return child;
      } else if (typeof child === 'object' && child !== null) {
        pending.push(child);
      }
    }
  }
  return undefined;
}
