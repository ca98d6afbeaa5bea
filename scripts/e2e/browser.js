'use strict';
/**
 * Browser section: Debian's Chromium driven by playwright-core (never downloads a browser) logs in
 * to the real n8n editor, creates a "Microsoft Graph Client Credentials" credential pointing at the
 * simulator, saves it (n8n saves + runs the credential Test) and sees the success banner; then
 * enters a wrong secret and sees our actionable message. Screenshots:
 * test-artifacts/e2e/<leg>-browser-*.png.
 */
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function loadPlaywright() {
	try {
		return require('playwright-core');
	} catch {
		throw new Error(
			'playwright-core is not installed: it is a devDependency of this repo (npm ci). It never downloads a browser; Debian chromium is used.',
		);
	}
}

/** Launches Debian chromium with a fresh user-data-dir. Returns { context, page, close }. */
async function launchBrowser() {
	await rt.ensureDebianPackages({ [CHROMIUM]: 'chromium' });
	const { chromium } = loadPlaywright();
	const userDataDir = rt.makeTempDir('e2e-chromium-profile');
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1400, height: 900 },
		timeout: 60000,
	});
	const page = context.pages()[0] || (await context.newPage());
	page.setDefaultTimeout(30000);
	return { context, page, close: () => context.close() };
}

async function fillParam(page, name, value) {
	const box = page.locator(`[data-test-id="parameter-input-${name}"]`).first();
	await box.waitFor({ state: 'visible', timeout: 15000 }).catch(() => {
		throw new Error(`credential form has no visible field "${name}"`);
	});
	const input = box.locator('input, textarea').first();
	// type like a person: fill('') followed by fill(v) can lose the second value to n8n's debounced
	// v-model
	await input.click();
	await input.press('Control+a');
	await input.pressSequentially(value, { delay: 2 });
	const got = await input.inputValue();
	if (got !== value)
		throw new Error(
			`field "${name}" shows ${JSON.stringify(got)} after typing ${JSON.stringify(value)}`,
		);
}

async function selectOption(page, name, optionText) {
	const box = page.locator(`[data-test-id="parameter-input-${name}"]`).first();
	await box.waitFor({ state: 'visible', timeout: 15000 }).catch(() => {
		throw new Error(`credential form has no visible field "${name}"`);
	});
	await box.click();
	const option = page
		.locator('.el-select-dropdown__item:visible, [role="option"]:visible')
		.filter({ hasText: optionText })
		.first();
	await option.waitFor({ state: 'visible', timeout: 10000 }).catch(async () => {
		const texts = await page.locator('.el-select-dropdown__item:visible').allInnerTexts();
		throw new Error(
			`no option matching ${optionText} for "${name}" (visible options: ${JSON.stringify(texts)})`,
		);
	});
	await option.click();
}

/**
 * Waits until the Save button is no longer "Saving"/"Testing" and a test banner shows in the
 * credential dialog: success = [data-test-id=credentials-config-container-test-success]; error =
 * the visible danger banner (its details sit behind "More details", which is clicked). Scrolls the
 * banner into view for the screenshot.
 */
async function waitForBanner(page, timeoutMs = 45000) {
	const container = page.locator('[data-test-id="credential-edit-dialog"]');
	const saveButton = page.locator('[data-test-id="credential-save-button"]');
	const start = Date.now();
	while (Date.now() - start < timeoutMs) {
		const busy = /saving|testing/i.test(await saveButton.innerText().catch(() => ''));
		if (!busy) {
			const ok = container.locator(
				'[data-test-id="credentials-config-container-test-success"]:visible',
			);
			if (await ok.count()) {
				await ok
					.first()
					.scrollIntoViewIfNeeded()
					.catch(() => undefined);
				return { ok: true, text: (await ok.first().innerText()).trim() };
			}
			const err = container.locator('.el-tag--danger:visible');
			if (await err.count()) {
				const bannerEl = err.first();
				const more = bannerEl.locator('text=/More details/i');
				if (await more.count()) {
					await more.first().click();
					await page.waitForTimeout(300);
				}
				await bannerEl.scrollIntoViewIfNeeded().catch(() => undefined);
				const text = (await bannerEl.innerText()).trim();
				if (text) return { ok: false, text };
			}
		}
		await page.waitForTimeout(300);
	}
	throw new Error('neither a success nor an error banner appeared in the credential dialog');
}

/**
 * Signs the owner in on the editor's sign-in page; `beforeSubmit` runs with the form filled (a
 * screenshot).
 */
async function signIn(page, baseUrl, owner, beforeSubmit = async () => undefined) {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page
		.locator('input[name="emailOrLdapLoginId"], input[name="email"]')
		.first()
		.fill(owner.email);
	await page.locator('input[name="password"]').first().fill(owner.password);
	await beforeSubmit();
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((u) => !/\/signin/.test(u.pathname), { timeout: 30000 });
}

/**
 * Opens the create-credential dialog of "Microsoft Graph Client Credentials" from the credentials
 * page; `beforePick` runs while the type is shown in the search (a screenshot).
 */
async function openNewCredentialDialog(page, baseUrl, beforePick = async () => undefined) {
	await page.goto(`${baseUrl}/home/credentials`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="add-resource-credential"]').first().click();
	const search = page
		.locator(
			'[data-test-id="new-credential-type-select"] input, input[placeholder*="Search for app"]',
		)
		.first();
	await search.waitFor({ state: 'visible' });
	await search.fill('Microsoft Graph Client');
	const opt = page
		.locator('[data-test-id="new-credential-type-select-option"]')
		.filter({ hasText: 'Microsoft Graph Client Credentials' })
		.first();
	await opt.waitFor({ state: 'visible', timeout: 15000 });
	await beforePick();
	await opt.click();
	await page.locator('[data-test-id="new-credential-type-button"]').click();
	await page.locator('[data-test-id="credential-edit-dialog"]').waitFor({ state: 'visible' });
}

async function runBrowserChecks({ steps, leg, baseUrl, owner, sim, ctx }) {
	const shot = (n) => path.join(ctx.artifactsDir, `${leg.id}-browser-${n}.png`);
	let b;
	try {
		await steps.req('browser: Debian chromium + playwright-core launch', async () => {
			b = await launchBrowser();
			return `${CHROMIUM} ${b.context.browser() ? b.context.browser().version() : ''}`.trim();
		});

		await steps.req('browser: owner signs in to the editor', async () => {
			const { page } = b;
			await signIn(page, baseUrl, owner, () => page.screenshot({ path: shot('01-signin') }));
			return new URL(page.url()).pathname;
		});

		await steps.req(
			'browser: "Microsoft Graph Client Credentials" found in the create-credential dialog',
			async () => {
				const { page } = b;
				await openNewCredentialDialog(page, baseUrl, () =>
					page.screenshot({ path: shot('02-select-type') }),
				);
			},
		);

		await steps.req(
			'browser: fill the form (cloud Custom → simulator) and Save → success banner',
			async () => {
				const { page } = b;
				await selectOption(page, 'cloud', /custom/i);
				await fillParam(page, 'authorityHost', sim.url);
				await fillParam(page, 'graphEndpoint', sim.url);
				await fillParam(page, 'tenantId', rt.DEMO.tenantId);
				await fillParam(page, 'clientId', rt.DEMO.clientId);
				await fillParam(page, 'clientSecret', rt.DEMO.clientSecret);
				await fillParam(page, 'senderMailbox', rt.DEMO.sender);
				await page
					.locator('[data-test-id="parameter-input-cloud"]')
					.first()
					.scrollIntoViewIfNeeded();
				await page.screenshot({ path: shot('03-form-filled-top') });
				await page
					.locator('[data-test-id="parameter-input-senderMailbox"]')
					.first()
					.scrollIntoViewIfNeeded();
				await page.screenshot({ path: shot('03-form-filled-bottom') });
				await page.locator('[data-test-id="credential-save-button"]').click();
				const banner = await waitForBanner(page);
				await page.screenshot({ path: shot('04-test-success') });
				assert(
					banner.ok,
					`expected the success banner, got: "${banner.text}" (screenshot ${path.relative(rt.REPO_DIR, shot('04-test-success'))})`,
				);
				return `"${banner.text.replace(/\s+/g, ' ')}"`;
			},
		);

		await steps.opt('browser: wrong secret → Save shows our actionable message', async () => {
			const { page } = b;
			await fillParam(page, 'clientSecret', 'this-is-the-wrong-secret');
			await page.locator('[data-test-id="credential-save-button"]').click();
			// the old success banner may still be on screen for a moment: wait until it is replaced
			const start = Date.now();
			let banner;
			do {
				await page.waitForTimeout(500);
				banner = await waitForBanner(page);
			} while (banner.ok && Date.now() - start < 30000);
			await page.screenshot({ path: shot('05-wrong-secret') });
			assert(!banner.ok, 'still shows the success banner after saving a wrong secret');
			assert(
				/AADSTS7000215|secret is wrong|wrong (client )?secret|invalid client secret/i.test(
					banner.text,
				),
				`error banner does not name the cause (a wrong client secret): "${banner.text}"`,
			);
			return `"${banner.text.replace(/\s+/g, ' ').slice(0, 200)}"`;
		});

		if (ctx.cliWorkflow) {
			await steps.opt(
				'browser: the imported 3-mail workflow runs from the editor (Execute workflow)',
				async () => {
					const { page } = b;
					const { id, tag, plan } = ctx.cliWorkflow;
					const before = rt.outboxMessages(await sim.outbox()).length;
					await page.goto(`${baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
					const run = page.locator('[data-test-id="execute-workflow-button"]').first();
					await run.waitFor({ state: 'visible', timeout: 30000 });
					await page.screenshot({ path: shot('06-workflow') });
					await run.click();
					const all = await rt.waitFor(
						'3 more messages in the simulator outbox',
						async () => {
							const list = rt.outboxMessages(await sim.outbox());
							return list.length >= before + 3 ? list : null;
						},
						{ timeoutMs: 60000, intervalMs: 500 },
					);
					await page.waitForTimeout(1000);
					await page.screenshot({ path: shot('07-workflow-executed') });
					assert(all.length === before + 3, `outbox grew by ${all.length - before}, expected 3`);
					return c.assertDelivered(all.slice(before), plan, tag);
				},
			);
		}
	} finally {
		if (b) await b.close().catch(() => undefined);
		const pngs = fs.existsSync(ctx.artifactsDir)
			? fs.readdirSync(ctx.artifactsDir).filter((f) => f.startsWith(`${leg.id}-browser-`))
			: [];
		if (pngs.length)
			rt.log(
				`screenshots: ${pngs.map((f) => path.join(path.relative(rt.REPO_DIR, ctx.artifactsDir), f)).join(', ')}`,
			);
	}
}

module.exports = {
	runBrowserChecks,
	launchBrowser,
	signIn,
	openNewCredentialDialog,
	CHROMIUM,
	CHROMIUM_ARGS,
};
