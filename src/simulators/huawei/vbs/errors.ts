import type { SimResponse } from '../../kit/index.js';

/** VBS's error body (huawei.md A.6). */
export function vbsError(status: number, code: string, message: string): SimResponse {
  return { status, body: { error: { message, code } } };
}

/** The native (Cinder) API's fault body: `{"<fault>": {"message", "code"}}`. */
export function cinderFault(status: number, fault: string, message: string): SimResponse {
  return { status, body: { [fault]: { message, code: status } } };
}
