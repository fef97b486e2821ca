import type { IamTokenSource } from './iam.js';
import { signRequest, type AkSkCredentials, type SignableRequest } from './signer.js';

/** How a Huawei provider proves who it is: AK/SK request signing, or an IAM password token. */
export type HuaweiAuth = AkSkCredentials | { iam: IamTokenSource };

/** The headers that authenticate `req`: the signature headers, or X-Auth-Token. */
export async function authorize(auth: HuaweiAuth, req: SignableRequest): Promise<Record<string, string>> {
  if ('iam' in auth) return { 'X-Auth-Token': await auth.iam.token() };
  return signRequest(req, auth);
}

/** Releases what the auth holds: the IAM connection pool, when there is one. */
export async function closeAuth(auth: HuaweiAuth): Promise<void> {
  if ('iam' in auth) await auth.iam.close();
}
