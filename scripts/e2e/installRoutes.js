'use strict';
/**
 * What N8N_UNVERIFIED_PACKAGES_ENABLED=false (n8n 3's default) does to each way of installing this
 * package, measured on the leg's n8n: the editor's install button (its REST call),
 * N8N_COMMUNITY_PACKAGES (managed by env, without and with a pinned checksum), a tarball installed
 * into ~/.n8n/nodes, and N8N_CUSTOM_EXTENSIONS. Each check states the behaviour docs/E2E.md
 * documents, so a change in n8n shows up here.
 */
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { startRegistryStack, proxiedEnv } = require('./editorInstall');

const UNVERIFIED_OFF = { N8N_UNVERIFIED_PACKAGES_ENABLED: 'false' };
const COMMUNITY_TYPE = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;

async function typeListed(client, name) {
	const names = (await client.nodeTypes()).map((t) => t && t.name);
	return names.includes(name);
}

/**
 * Starts one n8n of the leg with `extra` env; returns { n8n, client } (owner set up) or throws with
 * its log.
 */
async function start(on, s, name, extra, userFolder = rt.makeTempDir(`e2e-routes-${name}`)) {
	const { n8n } = await c.startN8nFor(on, {
		userFolder,
		name: `n8n-${on.leg.id}-routes-${name}`,
		logFile: s.logs(`n8n-${name}`),
		extra: { ...proxiedEnv(userFolder, on.sim, s.stack.proxy), ...UNVERIFIED_OFF, ...extra },
	});
	s.running.push(n8n);
	const client = new rt.N8nClient(n8n.baseUrl);
	await client.setupOwner({ ...rt.DEFAULT_OWNER });
	return { n8n, client, userFolder };
}

async function stopAll(s) {
	for (const n of s.running.splice(0)) await n.stop();
}

/**
 * The install button's request (POST /rest/community-packages) and N8N_CUSTOM_EXTENSIONS, in one
 * n8n.
 */
async function buttonAndCustom(steps, on, s, pkgDir) {
	let client;
	await steps.req('n8n with N8N_CUSTOM_EXTENSIONS=<package folder> starts', async () => {
		({ client } = await start(on, s, 'custom', { N8N_CUSTOM_EXTENSIONS: pkgDir }));
	});
	await steps.opt(
		'N8N_CUSTOM_EXTENSIONS: the node still loads (CUSTOM.office365SendMail)',
		async () => {
			assert(await typeListed(client, `CUSTOM.${rt.NODE_TYPE}`), 'CUSTOM type not listed');
			return 'loads';
		},
	);
	await steps.opt('editor install button (POST /rest/community-packages): refused', async () => {
		const settings = await client.request('GET', '/rest/settings');
		const flag = (settings.data || settings).unverifiedCommunityNodesEnabled;
		const res = await client.request(
			'POST',
			'/rest/community-packages',
			{ name: rt.PACKAGE_NAME },
			{ raw: true },
		);
		assert(res.status >= 400, `HTTP ${res.status}: ${res.text.slice(0, 300)}`);
		assert(/unverified/i.test(res.text), `HTTP ${res.status}: ${res.text.slice(0, 300)}`);
		const asked = s.stack.proxy.requests.filter((l) => l.includes(rt.PACKAGE_NAME));
		assert(!asked.length, `the registry was asked anyway: ${asked.join('; ')}`);
		return `HTTP ${res.status} ${JSON.parse(res.text).message}; settings unverifiedCommunityNodesEnabled=${flag}`;
	});
	await stopAll(s);
}

async function tarballRoute(steps, on, s) {
	await steps.opt('tarball in ~/.n8n/nodes (npm i <tarball>): the node still loads', async () => {
		const userFolder = rt.makeTempDir('e2e-routes-tarball');
		await rt.installCommunityPackage(userFolder, on.ctx.tarball, on.runtime, {
			logFile: s.logs('npm-i-tarball'),
		});
		const { client } = await start(on, s, 'tarball', {}, userFolder);
		assert(await typeListed(client, COMMUNITY_TYPE), `${COMMUNITY_TYPE} not listed`);
		await stopAll(s);
		return 'loads';
	});
}

async function envRoutes(steps, on, s) {
	const spec = (extra) =>
		JSON.stringify([{ name: rt.PACKAGE_NAME, version: s.stack.version, ...extra }]);
	const managed = (packages) => ({
		N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
		N8N_COMMUNITY_PACKAGES: packages,
	});
	await steps.opt('N8N_COMMUNITY_PACKAGES without a checksum: n8n refuses to start', async () => {
		const err = await start(on, s, 'env', managed(spec({}))).then(
			() => undefined,
			(e) => e,
		);
		await stopAll(s);
		assert(err, 'n8n started');
		const line = /no checksum available[^\n]*/i.exec(err.message);
		assert(line, `n8n did not say why: ${err.message.slice(0, 600)}`);
		return line[0];
	});
	await steps.opt(
		'N8N_COMMUNITY_PACKAGES with its checksum (dist.integrity): installs and loads',
		async () => {
			const meta = await (await fetch(new URL(rt.PACKAGE_NAME, s.stack.registry.url))).json();
			const integrity = meta.versions[s.stack.version].dist.integrity;
			const { client } = await start(on, s, 'env-checksum', managed(spec({ checksum: integrity })));
			assert(await typeListed(client, COMMUNITY_TYPE), `${COMMUNITY_TYPE} not listed`);
			await stopAll(s);
			return `checksum ${integrity.slice(0, 20)}…`;
		},
	);
}

async function runInstallRoutesSection({ R, leg, runtime, install, sim, ctx, cacheRoot }) {
	if (ctx.skip.has('routes')) return;
	const steps = R.steps(`[${leg.id}] N8N_UNVERIFIED_PACKAGES_ENABLED=false:`);
	const s = { running: [], logs: (n) => path.join(ctx.logsDir, `${leg.id}-routes-${n}.log`) };
	const on = { runtime, install, leg, sim, ctx };
	try {
		let pkgDir;
		await steps.req(
			'registry with the package, and the package unpacked for custom extensions',
			async () => {
				s.stack = await startRegistryStack({ cacheRoot, ctx, logs: s.logs });
				({ pkgDir } = await rt.installCommunityPackage(
					rt.makeTempDir('e2e-routes-pkg'),
					ctx.tarball,
					runtime,
					{ logFile: s.logs('npm-i-custom') },
				));
				return `${s.stack.registry.url} ${rt.PACKAGE_NAME}@${s.stack.version}`;
			},
		);
		if (steps.blocked) return;
		await buttonAndCustom(steps, on, s, pkgDir);
		await tarballRoute(steps, on, s);
		await envRoutes(steps, on, s);
	} finally {
		await stopAll(s);
		if (s.stack) {
			await s.stack.proxy.stop();
			await s.stack.registry.stop();
		}
	}
}

module.exports = { runInstallRoutesSection };
