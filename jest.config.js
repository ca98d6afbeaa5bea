/**
 * Jest runs TypeScript sources directly (ts-jest); the simulator's test CA is set up by
 * scripts/with-test-ca.js.
 */

// n8n-core logs the errors our webhook and node tests provoke on purpose; the tests assert them,
// the log only adds noise. Workers inherit this environment. Set N8N_LOG_LEVEL to see n8n's log
// while debugging.
process.env.N8N_LOG_LEVEL ??= 'silent';

module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 120000,
	maxWorkers: 2,
};
