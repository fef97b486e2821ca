export { SimulatedIam, startIamSimulator, type SimulatedIamOptions, type SimulatedIamUser, type TokenCheck, type TokenValidator } from './iam.js';
export { checkGatewayAuth, gatewayError, withGatewayAuth, type GatewayAuthOptions } from './gateway.js';
export { type AccessKeyPair } from './signature.js';
