/**
 * What a command starts before it loads the library, on the core that would otherwise idle while
 * the modules load: the fingerprints of a fresh project's files (`store/early-fingerprints.ts`).
 */
export { startEarlyFingerprints } from './store/early-fingerprints.js';
