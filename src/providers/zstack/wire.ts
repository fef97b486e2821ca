import { TransportError } from '../../domain/errors.js';

/** How ZStack's answers read on the wire: the 202 job location and the error body. */

interface ZStackErrorBody {
  error?: { code?: string; description?: string; details?: string };
}

/** The job uuid ZStack's 202 `location` names. Its host is the management node's own and is ignored. */
export function jobUuidOfLocation(location: unknown, what: string): string {
  const match = typeof location === 'string' ? /\/v1\/api-jobs\/([^/?#]+)/.exec(location) : null;
  if (!match) throw new TransportError(`${what} answered 202 without an api-jobs location`, false);
  return decodeURIComponent(match[1]!);
}

export function stripQuery(path: string): string {
  const index = path.indexOf('?');
  return index < 0 ? path : path.slice(0, index);
}

/** ZStack's `{"error": {code, description, details}}`; `null` for a plain-text answer. */
export function zstackErrorOf(text: string): ZStackErrorBody['error'] | null {
  try {
    const error = (JSON.parse(text) as ZStackErrorBody | null)?.error;
    return error && typeof error === 'object' ? error : null;
  } catch {
    return null;
  }
}

export function zstackErrorCode(_status: number, text: string): string | null {
  return zstackErrorOf(text)?.code ?? null;
}
