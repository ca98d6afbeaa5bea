/** Jest runs TypeScript sources directly (ts-jest); the simulator's test CA is set up by scripts/with-test-ca.js. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 120000,
	maxWorkers: 2,
};
