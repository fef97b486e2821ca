import { request } from 'undici';

/**
 * ZStack's webhook call (RestServer#callWebHook, zstack.md §3): POST the job's poll body with X-Job-UUID
 * and X-Job-Success; a non-2xx answer or an I/O error is retried, 15 attempts in all
 * (`@RetryCondition(times = 15, interval = 2)`: 2 s apart on a real server; configurable here so tests
 * stay fast).
 */

export const WEBHOOK_ATTEMPTS = 15;

export interface WebhookCall {
  url: string;
  jobUuid: string;
  success: boolean;
  body: unknown;
}

export interface WebhookTransport {
  retryIntervalMs: number;
  /** Waits `ms`, unless the simulator closes first (then never resolves). */
  wait(ms: number): Promise<void>;
  signal: AbortSignal;
}

/** This simulator only ever talks to its own machine: any other target is dropped without a word. */
export function isLocalTarget(url: string): boolean {
  try {
    const target = new URL(url);
    return target.protocol === 'http:' && (target.hostname === '127.0.0.1' || target.hostname === 'localhost');
  } catch {
    return false;
  }
}

async function attempt(call: WebhookCall, payload: string, signal: AbortSignal): Promise<boolean> {
  try {
    const response = await request(call.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-job-uuid': call.jobUuid,
        'x-job-success': String(call.success),
      },
      body: payload,
      signal,
    });
    await response.body.dump();
    return response.statusCode >= 200 && response.statusCode < 300;
  } catch {
    return false;
  }
}

/** Resolves with whether the receiver accepted the call within the attempts. */
export async function deliverWebhook(call: WebhookCall, transport: WebhookTransport): Promise<boolean> {
  if (!isLocalTarget(call.url)) return false;
  const payload = JSON.stringify(call.body);
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    if (await attempt(call, payload, transport.signal)) return true;
    if (attemptNumber === WEBHOOK_ATTEMPTS || transport.signal.aborted) return false;
    await transport.wait(transport.retryIntervalMs);
  }
}
