/**
 * The drafts control endpoint: what a mailbox's Drafts folder holds, as tests and the e2e scripts
 * inspect it (GET /_sim/drafts.json?mailbox=…). Held scheduled sends are listed too, with the time
 * they go out, since Exchange keeps them in Drafts until then (scheduled.ts).
 */
import { draftIdentity } from './drafts';
import { heldUntil } from './scheduled';
import type { SimState } from './state';

export interface DraftView {
	id: string;
	mailbox: string;
	subject: string;
	internetMessageId: string;
	webLink: string;
	conversationId: string;
	createdDateTime: string;
	/** The message properties as Graph received them (no attachment bytes). */
	message: Record<string, unknown>;
	attachments: {
		name: string;
		size: number;
		contentType?: string;
		isInline: boolean;
		sha256: string;
	}[];
	/** Set once the draft was sent with a deferred send time: when Exchange delivers it. */
	scheduledFor?: string;
}

/**
 * Drafts of one mailbox (UPN, mail or object id, case-insensitive), oldest first; all drafts
 * without one.
 */
export function draftsOf(state: SimState, mailbox?: string): DraftView[] {
	const wanted = mailbox?.toLowerCase();
	const views: DraftView[] = [];
	for (const draft of state.drafts.values()) {
		const user = state.findUserAnywhere(draft.userId);
		if (!user) continue;
		const names = [user.id, user.userPrincipalName, user.mail].map((n) => n.toLowerCase());
		if (wanted && !names.includes(wanted)) continue;
		const view: DraftView = {
			id: draft.id,
			mailbox: user.userPrincipalName,
			subject: typeof draft.message.subject === 'string' ? draft.message.subject : '',
			...draftIdentity(draft, user),
			conversationId: draft.conversationId,
			createdDateTime: draft.createdDateTime,
			message: draft.message,
			attachments: draft.attachments.map((a) => ({
				name: a.name,
				size: a.size,
				contentType: a.contentType,
				isInline: a.isInline,
				sha256: a.sha256,
			})),
		};
		const scheduledFor = heldUntil(draft);
		if (scheduledFor) view.scheduledFor = scheduledFor;
		views.push(view);
	}
	return views;
}
