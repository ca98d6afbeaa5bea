// Lint with n8n's community-node rules. We use the "without n8n Cloud support"
// set: @azure/msal-node is a runtime dependency (Microsoft's own token library), so the package
// targets self-hosted community install and cannot be n8n Cloud-verified anyway; that set leaves
// out only no-restricted-imports/-globals, which exist for the Cloud sandbox.
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

const n8nRules = communityNodes.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'.build/**',
			'node_modules/**',
			'.cache/**',
			'coverage/**',
			'test-artifacts/**',
			'docs/**',
		],
	},
	{
		files: ['**/*.ts'],
		extends: [...tseslint.configs.recommended],
		plugins: n8nRules.plugins,
		rules: {
			...Object.fromEntries(Object.entries(n8nRules.rules)),
			'no-console': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: n8nRules.plugins,
		rules: {
			...Object.fromEntries(Object.entries(n8nRules.rules)),
			// The runtime dependencies are deliberate, one line each:
			// @azure/msal-node: Microsoft's token library (client credentials, certificate assertions,
			// token cache). email-addresses: a real RFC 5322/6532 address-list parser instead of a
			// hand-rolled regex. https-proxy-agent + proxy-from-env: HTTPS_PROXY/NO_PROXY support for our
			// HTTPS client, as n8n itself uses them. nodemailer: its MailComposer builds the MIME for
			// Graph's MIME send (RFC 2047/2045/2046 done right; n8n's Send Email node uses it too).
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// Tests, the simulator and scripts are not part of the published package: n8n's node rules do
		// not apply.
		files: ['test/**/*.ts', 'scripts/**/*.ts'],
		rules: Object.fromEntries(Object.keys(n8nRules.rules).map((rule) => [rule, 'off'])),
	},
	{
		files: ['test/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
);
