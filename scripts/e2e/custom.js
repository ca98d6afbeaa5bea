'use strict';
/**
 * Custom-extensions section: the package is NOT installed as a community package; n8n loads it from
 * N8N_CUSTOM_EXTENSIONS (CustomDirectoryLoader → types CUSTOM.*, no supportedNodes). The credential
 * Test must still work, which is why the credential uses a declarative `test`.
 */
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');

async function runCustomExtensionsSection({ R, leg, runtime, install, sim, ctx }) {
	const steps = R.steps(`[${leg.id} custom-extensions]`);
	const userFolder = rt.makeTempDir(`e2e-${leg.id}-custom-uf`);
	const extRoot = rt.makeTempDir(`e2e-${leg.id}-custom-ext`);
	const logs = (n) => path.join(ctx.logsDir, `${leg.id}-custom-${n}.log`);
	let n8n;
	let client;
	let extDir;

	try {
		await steps.req(
			'package copied into an extensions folder (from the packed tarball, deps alongside)',
			async () => {
				// `npm i <tarball>` into a scratch folder = a copy of the built package with its runtime
				// deps next to it; N8N_CUSTOM_EXTENSIONS then points at the package folder itself.
				const { pkgDir } = await rt.installCommunityPackage(extRoot, ctx.tarball, runtime, {
					logFile: logs('npm-i-package'),
				});
				extDir = pkgDir;
				return extDir;
			},
		);

		await steps.req('n8n starts with N8N_CUSTOM_EXTENSIONS', async () => {
			({ n8n } = await c.startN8nFor(
				{ runtime, install, leg, sim },
				{
					userFolder,
					name: `n8n-${leg.id}-custom`,
					logFile: logs('n8n'),
					extra: { N8N_CUSTOM_EXTENSIONS: extDir },
				},
			));
			return n8n.baseUrl;
		});

		await steps.req('owner account set up over REST', async () => {
			client = new rt.N8nClient(n8n.baseUrl);
			await client.setupOwner(rt.DEFAULT_OWNER);
			assert(client.cookie, 'no n8n-auth cookie');
		});

		await steps.opt(`node type CUSTOM.${rt.NODE_TYPE} listed`, async () => {
			const r = await c.checkTypesListed(client, `CUSTOM.${rt.NODE_TYPE}`);
			return `"${r.displayName}" v${r.typeVersion}`;
		});
		await steps.opt(`credential type ${rt.CREDENTIAL_TYPE} listed`, async () => {
			await c.checkCredentialTypeListed(client);
		});

		let cred;
		await steps.req('credential created over REST', async () => {
			cred = await c.createCredential(client, c.CREDENTIAL_NAME, rt.simulatorCredentialData(sim));
			return `id ${cred.id}`;
		});
		const data = rt.simulatorCredentialData(sim);
		await steps.opt(
			'credential Test → status OK (declarative test works for custom loads)',
			async () => c.expectTestOk(await c.testCredential(client, cred, data)),
		);
		await steps.opt('credential Test with a wrong secret is actionable (AADSTS7000215)', async () =>
			c.expectTestError(
				await c.testCredential(client, cred, { ...data, clientSecret: 'this-is-the-wrong-secret' }),
				[/AADSTS7000215/],
				'a wrong client secret',
			),
		);
	} finally {
		if (n8n) await n8n.stop();
	}
}

module.exports = { runCustomExtensionsSection };
