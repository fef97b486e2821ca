import { GraphQLError } from 'graphql';
import type { ProviderKey } from './provider.js';

/**
 * Errors that clients see. The first three are returned as data from mutations (union results);
 * UpstreamError is thrown from query fields, nulls the field and leaves the rest of the response.
 * Anything else that escapes a resolver is masked by yoga and logged with the request id.
 */

/** Input that breaks a rule; raised before any upstream call. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
    message: string,
    /** The code the vendor would have answered with, when the rule is the vendor's. */
    readonly vendorCode: string | null = null,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** The vendor refused or failed an operation and said why. */
export class VendorError extends Error {
  constructor(
    readonly providerKey: ProviderKey,
    readonly vendorCode: string | null,
    readonly httpStatus: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'VendorError';
  }
}

/** An id that does not name anything this tenant can see. */
export class NotFoundError extends Error {
  constructor(
    readonly id: string,
    message = `Nothing found with id ${id}`,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * UPSTREAM_BUSY: the provider's queue for this kind of call was full or the call waited in it past
 * the queue timeout; nothing was sent, and a retry later may pass. COST_LIMIT: the operation had
 * made every upstream request its cost allows (infrastructure/upstream-budget.ts); nothing more was sent.
 * RATE_LIMITED: a subscription event's read found its key's per-second budget spent.
 */
export type UpstreamErrorCode = 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_ERROR' | 'UPSTREAM_BUSY' | 'COST_LIMIT' | 'RATE_LIMITED';

/** A query field's upstream failed; the extensions tell which provider and what the vendor said. */
export class UpstreamError extends GraphQLError {
  constructor(
    readonly code: UpstreamErrorCode,
    readonly providerName: string,
    readonly vendorCode: string | null,
    message: string,
  ) {
    super(message, { extensions: { code, provider: providerName, vendorCode } });
    this.name = 'UpstreamError';
  }
}

/**
 * The gateway's shared state store (Redis: idempotency records, jobs) did not answer in time or is
 * not connected. Raised before anything is sent upstream, so a retry later is safe.
 */
export class StateStoreUnavailable extends GraphQLError {
  constructor(what: string) {
    super(`The gateway's state store is unavailable (${what}); nothing was sent upstream, so a retry is safe`, {
      extensions: { code: 'STATE_STORE_UNAVAILABLE' },
    });
    this.name = 'StateStoreUnavailable';
  }
}

/** Turns whatever a vendor call threw into the error a query field should raise. */
export function toUpstreamError(providerName: string, error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof VendorError) {
    return new UpstreamError('UPSTREAM_ERROR', providerName, error.vendorCode, `${providerName}: ${error.message}`);
  }
  if (error instanceof UpstreamRejection) {
    return new UpstreamError(error.code, providerName, null, `${providerName}: ${error.message}`);
  }
  if (error instanceof TransportError) {
    const code = error.timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
    // The detail (upstream URL, socket error) is for the log, not for clients.
    const what = error.timedOut ? 'did not answer in time' : 'could not be reached or answered outside its protocol';
    return new UpstreamError(code, providerName, null, `${providerName} ${what}`);
  }
  // Not a vendor or network failure: a bug. Rethrown as-is so that yoga masks and logs it.
  throw error;
}

/** The upstream could not be reached, timed out, or answered with something that is not its protocol. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown; maybeSent?: boolean; socketCode?: string },
  ) {
    super(message, options);
    this.name = 'TransportError';
    this.maybeSent = options?.maybeSent ?? true;
    this.socketCode = options?.socketCode;
  }

  /** The socket error's code (ECONNRESET, ECONNREFUSED ...) when there was one. */
  readonly socketCode: string | undefined;

  /**
   * False when the request certainly never reached the vendor (connection refused, rejected before
   * sending); true when it may have been read there, so a non-idempotent call's outcome is unknown.
   */
  readonly maybeSent: boolean;
}

export type RejectionReason = 'CIRCUIT_OPEN' | 'QUEUE_FULL' | 'QUEUE_TIMEOUT' | 'DEADLINE_EXCEEDED' | 'COST_LIMIT' | 'RATE_LIMITED';

const REJECTION_CODES: Record<RejectionReason, UpstreamErrorCode> = {
  CIRCUIT_OPEN: 'UPSTREAM_UNAVAILABLE',
  QUEUE_FULL: 'UPSTREAM_BUSY',
  QUEUE_TIMEOUT: 'UPSTREAM_BUSY',
  DEADLINE_EXCEEDED: 'UPSTREAM_TIMEOUT',
  COST_LIMIT: 'COST_LIMIT',
  RATE_LIMITED: 'RATE_LIMITED',
};

/** The gateway refused to send an upstream call (circuit open, queue full, deadline spent): nothing reached the vendor. */
export class UpstreamRejection extends TransportError {
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message, reason === 'DEADLINE_EXCEEDED', { maybeSent: false });
    this.name = 'UpstreamRejection';
  }

  get code(): UpstreamErrorCode {
    return REJECTION_CODES[this.reason];
  }
}
