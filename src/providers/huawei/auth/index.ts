export { authorize, closeAuth, type HuaweiAuth } from './authorize.js';
export { IamTokenSource, IamError, type IamTokenSourceOptions } from './iam.js';
export { signRequest, type SignableRequest, type AkSkCredentials } from './signer.js';
export { huaweiIdentity, huaweiRequest, parseHuaweiError, type HuaweiCall, type HuaweiResponse } from './request.js';
