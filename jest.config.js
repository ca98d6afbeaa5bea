/** Jest runs TypeScript sources directly (ts-jest); the simulator's test CA is set up by scripts/with-test-ca.js. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 120000,
	maxWorkers: 2,
	// n8n-core keeps process-wide services (DI container, binary data) alive after a test file ends.
	forceExit: true,
};
