/** The per-item readers live with the operations (operations/readers.ts); the run phases use these types. */
export * from './operations/readers';
