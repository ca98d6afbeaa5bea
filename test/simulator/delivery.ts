/** Puts an accepted message into the outbox (the simulator's stand-in for Exchange transport). */
import * as crypto from 'node:crypto';
import type { RequestContext } from './context';
import type { User } from './state';
import type { MimeSummary } from './mime';
import type { DeliveredAttachment, DeliveredMessage, InternetMessageHeader } from './types';
import type { DecodedAttachment } from './validation';

/** Attachments up to this size keep their bytes in the outbox; larger ones only size + sha256. */
export const KEEP_BYTES_LIMIT = 256 * 1024;

/** An attachment that came inside a request (not an upload session), as the outbox keeps it. */
export function requestAttachment(
	a: Pick<
		DecodedAttachment,
		'name' | 'contentType' | 'bytes' | 'isInline' | 'contentId' | 'sha256'
	>,
): DeliveredAttachment {
	return {
		name: a.name,
		contentType: a.contentType,
		size: a.bytes.length,
		isInline: a.isInline,
		contentId: a.contentId,
		sha256: a.sha256,
		via: 'request',
		bytes: a.bytes.length <= KEEP_BYTES_LIMIT ? a.bytes : undefined,
	};
}

export interface Delivery {
	user: User;
	clientId: string;
	via: DeliveredMessage['via'];
	message: Record<string, unknown>;
	saveToSentItems: boolean;
	attachments: DeliveredAttachment[];
	internetMessageHeaders: InternetMessageHeader[];
	/** The Message-ID the client set; Exchange makes one when there is none. */
	internetMessageId?: string;
	mime?: MimeSummary;
	/**
	 * The Graph id the Sent Items copy keeps (a sent draft keeps its immutable id); default a new
	 * one.
	 */
	itemId?: string;
}

/**
 * The Message-ID the sent message carries. A draft's was settled when it was created (drafts.ts),
 * so it is kept; any other client-set one is dropped when the simulated Exchange overwrites
 * ([MS-OXCMAIL] 2.1.3.2.11).
 */
function sentMessageId(ctx: RequestContext, d: Delivery): string {
	const keep = d.via === 'draft' || ctx.core.settings.messageIds === 'keep';
	return (keep ? d.internetMessageId : undefined) ?? exchangeMessageId();
}

/**
 * Exchange Online's own Message-IDs name the mailbox server, e.g.
 * <DM6PR11MB4691…@DM6PR11MB4691.namprd11.prod.outlook.com> (visible in the headers of any message
 * sent from Microsoft 365; the exact format is not documented).
 */
export function exchangeMessageId(): string {
	const server = `SIM${crypto.randomBytes(6).toString('hex').toUpperCase()}`;
	return `<${server}${crypto.randomBytes(8).toString('hex').toUpperCase()}@${server}.namprd00.prod.outlook.com>`;
}

export function deliver(ctx: RequestContext, d: Delivery): DeliveredMessage {
	const delivered: DeliveredMessage = {
		mailbox: d.user.userPrincipalName,
		userId: d.user.id,
		clientId: d.clientId,
		via: d.via,
		message: d.message,
		saveToSentItems: d.saveToSentItems,
		requestId: ctx.requestId,
		clientRequestId: ctx.clientRequestId,
		deliveredAt: new Date().toISOString(),
		attachments: d.attachments,
		internetMessageHeaders: d.internetMessageHeaders,
		internetMessageId: sentMessageId(ctx, d),
	};
	if (d.mime) delivered.mime = d.mime;
	if (d.saveToSentItems) {
		// Sent Items shows the copy only after a while (assumption: no published figure;
		// learn.microsoft.com /graph/outlook-immutable-id says the move to Sent Items "may not succeed
		// immediately").
		const visibleAt = Date.now() + ctx.core.settings.sentItemsDelayMs;
		delivered.sentItemId = d.itemId ?? `AAMkAG${crypto.randomBytes(60).toString('base64url')}AAA=`;
		delivered.sentItemVisibleAt = new Date(visibleAt).toISOString();
	}
	ctx.core.state.outbox.push(delivered);
	return delivered;
}

/**
 * PidTagInternetMessageId ([MS-OXPROPS] 2.739, tag 0x1035, PT_UNICODE) set as a single-value
 * extended property "String 0x1035"
 * (learn.microsoft.com/graph/api/resources/singlevaluelegacyextendedproperty). The simulator
 * honours it on sendMail, as Graph Explorer did in microsoftgraph/msgraph-sdk-dotnet#2320; whether
 * Graph always does is not settled (README, assumptions).
 */
export function extendedMessageIdOf(message: Record<string, unknown>): string | undefined {
	const props = message.singleValueExtendedProperties;
	if (!Array.isArray(props)) return undefined;
	const found = props.find(
		(p: { id?: unknown }) =>
			typeof p?.id === 'string' &&
			p.id.replace(/\s+/g, ' ').trim().toLowerCase() === 'string 0x1035',
	) as { value?: unknown } | undefined;
	return typeof found?.value === 'string' && found.value ? found.value : undefined;
}
