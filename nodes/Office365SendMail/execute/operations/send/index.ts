import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../../shared/credential/settings';
import { InputError } from '../../../../shared/text/inputError';
import { messageIdFor } from '../../../delivery/identity';
import { draftPatchOf, mimeContentOf, type MimeOptions } from '../../../delivery/mime';
import { planDelivery, type DeliveryPlan, type PlanIdentity } from '../../../delivery/plan';
import { scheduled } from '../../../delivery/schedule';
import { sendAtOf } from '../../../delivery/sendAt';
import type { AttachmentSource } from '../../../message/attachments';
import { buildGraphMessage, type MessageInput } from '../../../message/build';
import { asBoolean, asText, messageIdListOf, messageIdOf } from '../../../message/fields';
import { MAX_LIST_TEXT_CHARS } from '../../../message/limits';
import {
	assertOneLine,
	checkUnsubscribeUris,
	ONE_CLICK_NEEDS_HTTPS,
} from '../../../message/mime/guards';
import {
	attachmentsOf,
	commonInput,
	confirmedIfAsked,
	contentOf,
	isGiven,
	itemFlags,
	optionsAndSender,
	recipientsOf,
} from '../sharedReaders';
import type { MessageOperationSpec, PreparedItem } from '../types';

/** Send's fields, read and checked: everything its plan is made from. */
export interface SendFields {
	index: number;
	sender: string;
	input: MessageInput;
	mime: MimeOptions;
	attachments: AttachmentSource[];
	/** Send At, in UTC; Create Draft does not read it. */
	/**
	 * The item's Options: Send At, Confirm Message-ID and the run flags are checked after the
	 * message, in plan.
	 */
	options: IDataObject;
	/**
	 * The workflow's time zone, for a Send At without an offset; absent where Send At does not apply.
	 */
	timezone?: string;
}

const UNSUBSCRIBE = 'List-Unsubscribe';
const ONE_CLICK = 'List-Unsubscribe One-Click';

/** List-Unsubscribe: https: and/or mailto: URIs separated by commas, bounded before it is split. */
function unsubscribeOf(
	options: IDataObject,
): Pick<MimeOptions, 'listUnsubscribe' | 'listUnsubscribeOneClick'> {
	const raw = asText(options.listUnsubscribe, UNSUBSCRIBE);
	// Checked whole, before trimming, so a line break anywhere is refused rather than silently cut
	// off.
	const text =
		raw === '' || raw.length > MAX_LIST_TEXT_CHARS ? raw : assertOneLine(raw, UNSUBSCRIBE).trim();
	const oneClick = asBoolean(options.listUnsubscribeOneClick, ONE_CLICK) ?? false;
	if (text.length > MAX_LIST_TEXT_CHARS)
		throw new InputError(
			UNSUBSCRIBE,
			`Is ${text.length} characters long; the limit is ${MAX_LIST_TEXT_CHARS}.`,
		);
	const uris = text
		? text
				.split(',')
				.map((u) => u.trim())
				.filter(Boolean)
		: [];
	if (!uris.length) {
		if (oneClick) throw new InputError(ONE_CLICK, ONE_CLICK_NEEDS_HTTPS);
		return {};
	}
	const listUnsubscribe = checkUnsubscribeUris(uris, oneClick, UNSUBSCRIBE);
	return oneClick ? { listUnsubscribe, listUnsubscribeOneClick: true } : { listUnsubscribe };
}

/**
 * The threading and unsubscribe options (In-Reply-To, References, List-Unsubscribe), checked before
 * any request. References defaults to In-Reply-To (RFC 5322 §3.6.4).
 */
export function mimeOptionsOf(options: IDataObject): MimeOptions {
	const given = asText(options.inReplyTo, 'In-Reply-To').trim();
	const inReplyTo = given ? messageIdOf(given, 'In-Reply-To') : undefined;
	const listed = isGiven(options.references)
		? messageIdListOf(options.references, 'References')
		: [];
	const references = listed.length ? listed : inReplyTo ? [inReplyTo] : [];
	return {
		...(inReplyTo ? { inReplyTo } : {}),
		...(references.length ? { references } : {}),
		...unsubscribeOf(options),
	};
}

/** Send's fields (and Create Draft's, which has no Send At). */
export async function readSend(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
	readSendAt = true,
): Promise<SendFields> {
	const { options, sender } = optionsAndSender(ctx, index, settings);
	// Fields are checked in the editor's order, so the first problem reported is the first one on
	// screen.
	const recipients = recipientsOf(ctx, index, options);
	const input: MessageInput = {
		...recipients,
		...contentOf(ctx, index),
		...commonInput(options, sender, settings),
	};
	const mime = mimeOptionsOf(options);
	const attachments = await attachmentsOf(ctx, index, options);
	return {
		index,
		sender,
		input,
		mime,
		attachments,
		options,
		...(readSendAt ? { timezone: ctx.getTimezone() } : {}),
	};
}

/**
 * Standard headers (In-Reply-To, References, List-Unsubscribe) and multipart bodies exist only in
 * MIME.
 */
function needsMime(input: MessageInput, options: MimeOptions): boolean {
	return (
		input.bodyContentType === 'htmlAndText' ||
		!!options.inReplyTo ||
		!!options.references?.length ||
		!!options.listUnsubscribe?.length
	);
}

/**
 * The Message-ID to stamp and, when the message needs MIME, the MIME content and what a draft PATCH
 * adds.
 */
export function identityOf(input: MessageInput, extras: MimeOptions, sender: string): PlanIdentity {
	const messageId = messageIdFor(input, sender);
	if (!needsMime(input, extras)) return { messageId };
	const mime = mimeContentOf(input, extras, sender, messageId);
	return { messageId, mime, patch: draftPatchOf(input) };
}

/** The plan that sends the message now: one sendMail, or a draft with its attachments and send. */
export function planSendNow(fields: SendFields): DeliveryPlan {
	const { sender, input, attachments } = fields;
	const identity = identityOf(input, fields.mime, sender);
	const message = buildGraphMessage(input);
	return planDelivery(sender, message, input.saveToSentItems, attachments, identity);
}

/** Send: a new message to the item's recipients, now or at Send At. */
export function planSend(fields: SendFields): PreparedItem {
	const now = planSendNow(fields);
	// A time without an offset is in the workflow's time zone, which n8n's date picker shows.
	const { timezone, options } = fields;
	const sendAt =
		timezone && isGiven(options.sendAt) ? sendAtOf(options.sendAt, timezone) : undefined;
	const plan = sendAt ? scheduled(now, sendAt) : now;
	const { index, sender, input, attachments } = fields;
	return {
		index,
		operation: 'send',
		sender,
		input,
		attachments,
		plan: confirmedIfAsked(plan, options),
		...itemFlags(options),
	};
}

export const send: MessageOperationSpec<SendFields> = {
	kind: 'message',
	read: (ctx, index, settings) => readSend(ctx, index, settings),
	plan: planSend,
};
