/**
 * Deferred (scheduled) send: a draft carrying PidTagDeferredSendTime (SystemTime 0x3FEF) that is
 * sent with `POST …/messages/{id}/send` is held until that time, then delivered like any sent
 * draft.
 * - "Indicates a time when a client would like to defer sending a message … If
 *   PR_DEFERRED_SEND_TIME value is earlier than the current time (in UTC), the message is sent
 *   immediately."
 *   (https://learn.microsoft.com/office/client-developer/outlook/mapi/pidtagdeferredsendtime-canonical-property)
 * - Until then it stays in Drafts with its id, and deleting it cancels the send (validated on a
 *   live mailbox: https://github.com/openonion/connectonion/pull/1221; Drafts seen in
 *   https://github.com/OfficeDev/office-js/issues/4847).
 * Assumptions without a public source are listed in README.md (held draft answers GET/DELETE; a
 * second /send of a held draft is accepted and keeps one delivery).
 */
import type { SimulatorCore } from './context';
import type { Draft } from './state';

/** setTimeout's longest delay (about 24.8 days); longer holds re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Hold {
	at: number;
	timer: NodeJS.Timeout;
}

const holds = new WeakMap<Draft, Hold>();

function propertyId(p: unknown): string {
	const id = (p as { id?: unknown } | null)?.id;
	return typeof id === 'string' ? id.replace(/\s+/g, ' ').trim().toLowerCase() : '';
}

/** The deferred send time of a draft (epoch ms), when it carries one. */
export function deferredSendTime(message: Record<string, unknown>): number | undefined {
	const props = message.singleValueExtendedProperties;
	if (!Array.isArray(props)) return undefined;
	const found = props.find((p) => propertyId(p) === 'systemtime 0x3fef') as
		| { value?: unknown }
		| undefined;
	const at = typeof found?.value === 'string' ? Date.parse(found.value) : NaN;
	return Number.isNaN(at) ? undefined : at;
}

/** When a held draft goes out, or undefined when it is not held. */
export function heldUntil(draft: Draft): string | undefined {
	const hold = holds.get(draft);
	return hold ? new Date(hold.at).toISOString() : undefined;
}

function arm(core: SimulatorCore, draft: Draft, at: number, send: () => void): NodeJS.Timeout {
	const delay = Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS);
	const timer = setTimeout(() => {
		const hold = holds.get(draft);
		// Deleted (cancelled) or the simulator was reset meanwhile: nothing goes out.
		if (!hold || core.state.drafts.get(draft.id) !== draft) return;
		if (Date.now() < at) {
			hold.timer = arm(core, draft, at, send);
			return;
		}
		holds.delete(draft);
		send();
	}, delay);
	timer.unref();
	return timer;
}

/**
 * Holds a sent draft whose deferred send time is still ahead; `send` delivers it then. Returns
 * false when the draft is due now (no time, or a past time), so the caller delivers at once.
 */
export function holdIfDeferred(core: SimulatorCore, draft: Draft, send: () => void): boolean {
	const at = deferredSendTime(draft.message);
	if (at === undefined || at <= Date.now()) return false;
	const earlier = holds.get(draft);
	if (earlier) clearTimeout(earlier.timer);
	holds.set(draft, { at, timer: arm(core, draft, at, send) });
	return true;
}
