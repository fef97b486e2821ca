import type { Plugin } from 'graphql-yoga';

/**
 * Only `application/json` POSTs run operations. A browser sends form-urlencoded, multipart and
 * text/plain bodies cross-site without asking (no CORS preflight), so those are what a forged
 * request would use; `application/graphql` is refused too, as no client of this API needs it.
 * This is the equivalent of @graphql-yoga/plugin-csrf-prevention for an API whose every client
 * already sends a preflight-forcing header (Authorization): that plugin would let an
 * `application/graphql` body through, which the issue that brought this in wants refused.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type === 'application/json') return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message: 'Send operations as a POST with Content-Type: application/json', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] }),
          { status: 415, headers: { 'content-type': 'application/json; charset=utf-8' } },
        ),
      );
    },
  };
}
