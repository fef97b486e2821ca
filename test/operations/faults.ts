import type { Stack } from '../support/stack.js';

export const VENDOR_CODE = 'SYS.1006';

/** ZStack answers the next volume listing with a 503 and its own error code, as it does under load. */
export function failNextVolumeListing(stack: Stack): void {
  stack.zstack!.server.injectFault({
    method: 'GET',
    pathIncludes: '/v1/volumes',
    times: 1,
    fault: { type: 'vendorError', status: 503, body: { error: { code: VENDOR_CODE, description: 'operation failure' } } },
  });
}
