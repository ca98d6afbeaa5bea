/**
 * One fixture builder for tests that need a simulator: call `useTenant()` / `useSimulator()` at the
 * top of a test file (or describe block). It registers the jest hooks itself: start in beforeAll,
 * reset observations, faults and the token cache before each test, close the simulator and run
 * registered cleanups in afterAll.
 */
import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { lateBound, type SimulatorOptions } from '../simulator';
import { startCredentialWorld, type CredentialWorld } from './credentialWorld';
import { startTenant, type TestTenant } from './fixtures';

export { useSimulator, type SimulatorWorldOptions } from '../simulator';

export interface WorldOptions {
	simulator?: SimulatorOptions;
	/** Application permissions of the tenant's app (default Mail.Send + Mail.ReadWrite). */
	permissions?: string[];
	/** Runs once after the tenant exists (add users, taps, files). */
	setup?: (t: TestTenant) => void | Promise<void>;
	/** Runs after the per-test reset (e.g. clear a tap). */
	eachTest?: (t: TestTenant) => void;
}

/** Cleanups run in afterAll, newest first, before the simulator closes. */
export type Cleanup = () => void | Promise<void>;

async function runCleanups(cleanups: Cleanup[]): Promise<void> {
	for (const fn of cleanups.splice(0).reverse()) await fn();
}

/**
 * A tenant (one app with a sentinel secret, a sender, another mailbox, an unlicensed one) on a
 * fresh simulator. The returned handle reads through to the live tenant, so it can be used in test
 * bodies and hooks alike.
 */
export function useTenant(
	options: WorldOptions = {},
): TestTenant & { onCleanup(fn: Cleanup): void } {
	let tenant: TestTenant | undefined;
	const cleanups: Cleanup[] = [];
	beforeAll(async () => {
		tenant = await startTenant(options.simulator, options.permissions);
		await options.setup?.(tenant);
	});
	beforeEach(() => {
		tenant?.sim.reset();
		clearTokenCache();
		if (tenant) options.eachTest?.(tenant);
	});
	afterAll(async () => {
		await runCleanups(cleanups);
		await tenant?.sim.close();
		clearTokenCache();
	});
	const handle = lateBound(() => tenant as TestTenant, 'The test tenant');
	return Object.assign(Object.create(handle) as TestTenant, {
		onCleanup: (fn: Cleanup) => void cleanups.push(fn),
	});
}

export interface CredentialWorldOptions {
	/**
	 * reset() (observations, faults, token cache) before each test; default false, as cases reset
	 * when they need.
	 */
	resetEachTest?: boolean;
	setup?: (w: CredentialWorld) => void | Promise<void>;
	eachTest?: (w: CredentialWorld) => void;
}

/**
 * The credential tests' world (two simulators, many apps, sentinel secrets), started and closed by
 * jest hooks.
 */
export function useCredentialWorld(
	options: CredentialWorldOptions = {},
): CredentialWorld & { onCleanup(fn: Cleanup): void } {
	let world: CredentialWorld | undefined;
	const cleanups: Cleanup[] = [];
	beforeAll(async () => {
		world = await startCredentialWorld();
		await options.setup?.(world);
	});
	beforeEach(() => {
		if (!world) return;
		if (options.resetEachTest) world.reset();
		options.eachTest?.(world);
	});
	afterAll(async () => {
		await runCleanups(cleanups);
		await world?.close();
	});
	const handle = lateBound(() => world as CredentialWorld, 'The credential world');
	return Object.assign(Object.create(handle) as CredentialWorld, {
		onCleanup: (fn: Cleanup) => void cleanups.push(fn),
	});
}
