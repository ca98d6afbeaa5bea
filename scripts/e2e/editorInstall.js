'use strict';
/**
 * The way most users install: Settings › Community Nodes › Install in the editor. Our packed
 * tarball is published to a real npm registry on 127.0.0.1 (Verdaccio); n8n reaches it as
 * registry.npmjs.org through an HTTPS proxy (registryProxy.js says why); Chromium installs the
 * package through the editor; then the node is used (Reply).
 */
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { startRegistry } = require('./registry');
const { startRegistryProxy } = require('./registryProxy');
const { runReplySection } = require('./reply');

/**
 * Environment that sends n8n's and npm's registry traffic through the proxy and trusts both test
 * CAs.
 */
function proxiedEnv(dir, sim, proxy) {
	const bundle = path.join(dir, 'ca-bundle.pem');
	fs.writeFileSync(
		bundle,
		`${fs.readFileSync(sim.caCertFile, 'utf8')}\n${fs.readFileSync(proxy.caFile, 'utf8')}`,
	);
	return {
		NODE_EXTRA_CA_CERTS: bundle,
		HTTPS_PROXY: proxy.url,
		https_proxy: proxy.url,
		NO_PROXY: '127.0.0.1,localhost,::1',
		no_proxy: '127.0.0.1,localhost,::1',
		// npm run by n8n under another Node.js would read no global npmrc; say it plainly
		npm_config_cafile: bundle,
	};
}

/**
 * Publishes the tarball to a fresh Verdaccio and starts the proxy; returns { registry, proxy,
 * version }.
 */
async function startRegistryStack({ cacheRoot, ctx, logs }) {
	const registry = await startRegistry({ cacheRoot, logFile: logs('verdaccio') });
	const version = await registry.publish(ctx.tarball);
	const proxy = await startRegistryProxy({ registryUrl: registry.url, logFile: logs('proxy') });
	return { registry, proxy, version };
}

/**
 * In the editor: Settings › Community nodes › Install a community node, name, the risk checkbox,
 * Install.
 */
async function installThroughEditor(page, baseUrl, shot) {
	// the editor's bundle is large: on a loaded machine its first paint takes well over the default
	// 30 s
	page.setDefaultTimeout(120000);
	await page.goto(`${baseUrl}/settings/community-nodes`, { waitUntil: 'domcontentloaded' });
	const open = page.locator('button:has-text("Install a community node")').first();
	await open.waitFor({ state: 'visible' });
	await shot('01-community-nodes');
	await open.click();
	const modal = page.locator('[data-test-id="communityPackageInstall-modal"]');
	await modal.waitFor({ state: 'visible' });
	await modal.locator('[data-test-id="package-name-input"]').fill(rt.PACKAGE_NAME);
	await modal.locator('[data-test-id="user-agreement-checkbox"]').click();
	await shot('02-install-dialog');
	await modal.locator('[data-test-id="install-community-package-button"]').click();
	await modal.waitFor({ state: 'hidden', timeout: 300000 });
	const card = page.locator('[data-test-id="community-package-card"]').filter({
		hasText: rt.PACKAGE_NAME,
	});
	await card.first().waitFor({ state: 'visible' });
	await shot('03-installed');
	return (await card.first().innerText()).replace(/\s+/g, ' ').trim();
}

async function runEditorInstallSection({ R, leg, runtime, install, sim, ctx, cacheRoot }) {
	if (ctx.skip.has('editorinstall')) return;
	const steps = R.steps(`[${leg.id}] editor install:`);
	const logs = (n) => path.join(ctx.logsDir, `${leg.id}-editor-install-${n}.log`);
	const shot = (n) => path.join(ctx.artifactsDir, `${leg.id}-editor-install-${n}.png`);
	const userFolder = rt.makeTempDir(`e2e-${leg.id}-ei-uf`);
	const owner = { ...rt.DEFAULT_OWNER };
	let stack;
	let n8n;
	let client;
	let browser;
	try {
		await steps.req('Verdaccio on 127.0.0.1 with the packed tarball published', async () => {
			stack = await startRegistryStack({ cacheRoot, ctx, logs });
			return `${stack.registry.url} serves ${rt.PACKAGE_NAME}@${stack.version}; proxy ${stack.proxy.url}`;
		});
		await steps.req(
			'n8n starts without the package, registry traffic through the proxy',
			async () => {
				({ n8n } = await c.startN8nFor(
					{ runtime, install, leg, sim },
					{
						userFolder,
						name: `n8n-${leg.id}-editor-install`,
						logFile: logs('n8n'),
						extra: proxiedEnv(userFolder, sim, stack.proxy),
					},
				));
				client = new rt.N8nClient(n8n.baseUrl);
				await client.setupOwner(owner);
				const pkgDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', rt.PACKAGE_NAME);
				assert(!fs.existsSync(pkgDir), `${pkgDir} exists before the install`);
				return n8n.baseUrl;
			},
		);
		await steps.req(
			'browser: Settings › Community nodes › Install installs the package',
			async () => {
				const { launchBrowser, signIn } = require('./browser');
				browser = await launchBrowser();
				await signIn(browser.page, n8n.baseUrl, owner);
				const card = await installThroughEditor(browser.page, n8n.baseUrl, (n) =>
					browser.page.screenshot({ path: shot(n) }),
				);
				const fetched = stack.proxy.requests.filter((l) => l.includes(`/${rt.PACKAGE_NAME}`));
				assert(
					fetched.length,
					`n8n never asked the registry for the package:\n${stack.proxy.requests.join('\n')}`,
				);
				return `card "${card.slice(0, 120)}"; ${fetched.length} registry requests for it`;
			},
		);
		await steps.req('node type listed without a restart (/types/nodes.json)', async () => {
			// n8n rewrites its types files after an install; on a loaded machine a request meanwhile is
			// dropped
			const r = await rt.waitFor(
				'the node type in /types/nodes.json',
				() => c.checkTypesListed(client, `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`),
				{ timeoutMs: 180000, intervalMs: 2000 },
			);
			const list = await client.request('GET', '/rest/community-packages');
			const pkgs = (list && list.data) || list;
			const ours = Array.isArray(pkgs) && pkgs.find((p) => p.packageName === rt.PACKAGE_NAME);
			assert(ours, `GET /rest/community-packages: ${JSON.stringify(list).slice(0, 300)}`);
			assert(
				ours.installedVersion === stack.version,
				`installed ${ours.installedVersion}, published ${stack.version}`,
			);
			return `"${r.displayName}" v${r.typeVersion}; installed ${ours.installedVersion}`;
		});
	} finally {
		if (browser) await browser.close().catch(() => undefined);
	}
	try {
		// use it: the Reply operation through a webhook workflow in this n8n
		if (n8n && client) await runReplySection({ R, leg, sim, shared: { n8n, client } });
	} finally {
		if (n8n) await n8n.stop();
		if (stack) {
			await stack.proxy.stop();
			await stack.registry.stop();
		}
	}
}

module.exports = { runEditorInstallSection, startRegistryStack, proxiedEnv };
