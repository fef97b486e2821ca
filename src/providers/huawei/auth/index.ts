export { authorize, closeAuth, type HuaweiAuth } from './authorize.js';
export { IamTokenSource, IamError, type IamTokenSourceOptions } from './iam.js';
export { signRequest, type SignableRequest, type AkSkCredentials } from './signer.js';
export { huaweiIdentity, huaweiRequest, orNullOn404, parseHuaweiError, type HuaweiCall, type HuaweiResponse } from './request.js';
