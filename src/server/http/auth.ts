import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../../engine/access-tokens.js';
import { SqlState } from '../../errors.js';
import { CONTENT_TYPES } from './formats.js';

/** Routes anyone may call: liveness and the API description. */
const PUBLIC_ROUTES = new Set(['/health', '/api/v1/openapi.json']);

/** Routes that also take the token as `?access_token=` (browsers cannot set WebSocket headers). */
const QUERY_TOKEN_ROUTES = new Set(['/api/v1/live']);

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function bearer(request: FastifyRequest, route: string): string | undefined {
  const header = request.headers.authorization;
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (m) return m[1];
  if (QUERY_TOKEN_ROUTES.has(route)) {
    const q = (request.query as { access_token?: unknown } | undefined)?.access_token;
    if (typeof q === 'string') return q;
  }
  return undefined;
}

/**
 * Bearer-token authentication of the HTTP API. A request passes with:
 * - the secret of a token made by `SELECT liveview_create_token('name')`, or
 * - LIVEVIEWDB_PASSWORD (`password`) as the bearer, when it is set, or
 * - nothing at all, only while no token exists and no password is set, and only from the loopback
 *   interface (the same trust the pg server gives without a password, limited to this machine).
 * Anything else gets 401 before any SQL runs.
 */
export function bearerAuth(tokens: AccessTokens, password: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = request.routeOptions.url ?? request.url.split('?')[0]!;
    if (PUBLIC_ROUTES.has(route)) return;
    const secret = bearer(request, route);
    if (secret !== undefined) {
      if (tokens.verify(secret) !== undefined) return;
      if (password !== undefined && sameSecret(secret, password)) return;
    } else if (tokens.size === 0 && password === undefined && isLoopback(request.socket.remoteAddress)) {
      return;
    }
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="liveviewdb"')
      .header('content-type', CONTENT_TYPES.json)
      .send({
        error: {
          code: SqlState.invalidAuthorizationSpecification,
          message: secret === undefined ? 'authentication required' : 'invalid bearer token',
          hint: "Send 'Authorization: Bearer <token>'; create one with SELECT liveview_create_token('name').",
        },
      });
  };
}
