import { toDatabaseError, type DatabaseError } from '../../errors.js';

/** The JSON body of every error the HTTP API returns. */
export interface ErrorBody {
  error: { code: string; message: string; detail?: string; hint?: string; position?: number };
}

/**
 * HTTP status for a SQLSTATE: 401 for class 28 (authorization), 409 for 40 (serialization
 * failure) and 55 (object in use, lock not available), 429 for 53300 (too many connections),
 * 503 for the rest of 53 (insufficient resources) and 57 (operator intervention: cancel, shutdown),
 * 500 for XX (internal errors), 400 for everything else a client caused (22, 23, 42, 0A, 08, 25 ...).
 */
export function httpStatus(code: string): number {
  if (code === '53300') return 429;
  switch (code.slice(0, 2)) {
    case '28':
      return 401;
    case '40':
    case '55':
      return 409;
    case '53':
    case '57':
      return 503;
    case 'XX':
      return 500;
    default:
      return 400;
  }
}

/** A DatabaseError as its JSON body. */
export function errorBody(e: DatabaseError): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
      ...(e.hint !== undefined ? { hint: e.hint } : {}),
      ...(e.position !== undefined ? { position: e.position } : {}),
    },
  };
}

/** Anything thrown, as the status and body to answer with. */
export function errorResponse(e: unknown): { status: number; body: ErrorBody } {
  const err = toDatabaseError(e);
  return { status: httpStatus(err.code), body: errorBody(err) };
}
