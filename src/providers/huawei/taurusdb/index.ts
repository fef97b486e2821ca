export { TaurusDbProvider, type TaurusDbProviderOptions } from './adapter.js';
