export { VbsProvider, type VbsProviderOptions } from './adapter.js';
export { startVbsSimulator, type VbsSimulator, type VbsSimulatorOptions, type VbsJobFailure } from './simulator/index.js';
