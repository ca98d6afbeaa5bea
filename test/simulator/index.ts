/**
 * Local Microsoft 365 simulator: a real HTTPS server (test CA) that plays the Microsoft identity
 * platform token endpoint and the Microsoft Graph mail API for app-only (client credentials)
 * callers. Wire facts follow Microsoft's public documentation and public traces, cited beside each
 * behaviour in the modules (README.md).
 *
 * This is the module's one import entry point for tests and scripts; `cli.ts` runs it as its own
 * process.
 */
export { M365Simulator, startSimulator } from './simulator';
export type {
	AppConfig,
	AppPatch,
	DeliveredAttachment,
	DeliveredMessage,
	ExchangeBehaviour,
	FaultAction,
	FaultKind,
	FaultSpec,
	MessageIdPolicy,
	RecordedRequest,
	RestrictionConfig,
	SimulatorCounters,
	SimulatorOptions,
	TenantConfig,
	UserConfig,
} from './types';
export type { DeliverMessageConfig, MessageChange } from './inbox';
export type { SeedMessageConfig } from './replies';

// Control: the HTTP client of the control API, and the named directories.
export { SimulatorClient } from './client';
export { DEMO, loadDemoScenario } from './scenarios';

// Certificates and the test CA, for clients that must trust the simulator or sign in with a
// certificate.
export { createTestCa, loadOrCreateCa, type TestCa } from './ca';
export {
	buildCertificate,
	generateRsaKey,
	makeTestCertificate,
	thumbprintsOf,
	type TestCertificate,
} from './certs';

// Views of the simulator's state and Microsoft's error bodies, for assertions.
export { draftsOf, type DraftView } from './draftsView';
export { threadOf } from './replies';
export { AadError, aadErrorBody } from './errors';

// Jest helpers: raw HTTPS calls, tokens, and a bare simulator per test file.
export {
	call,
	decodePayload,
	form,
	getToken,
	graph,
	lateBound,
	makeAssertion,
	simpleMessage,
	tokenUrl,
	useSimulator,
	type RawRequest,
	type RawResponse,
	type SimulatorWorldOptions,
} from './testkit';
