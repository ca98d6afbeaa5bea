/**
 * Runs a function and returns its outcome instead of throwing, so callers translate failures into
 * the package's typed errors outside any catch block (n8n's lint wants catch blocks to throw only
 * n8n errors; here the typed errors are turned into NodeApiError / NodeOperationError in one place,
 * execute/errors.ts).
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function outcomeOf<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await fn() };
	} catch (error) {
		return { ok: false, error };
	}
}

export function outcomeOfSync<T>(fn: () => T): Outcome<T> {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		return { ok: false, error };
	}
}
