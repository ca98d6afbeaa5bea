import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../../shared/credential/settings';
import { asBoolean, messageIdOf, senderOf } from '../../../message/fields';
import { InputError } from '../../../../shared/text/inputError';
import { MAX_RECIPIENTS } from '../../../../shared/address/limits';

export const MAX_WAIT_SECONDS = 600;
/**
 * A subject longer than this is not put into the filter (a header line is 998 characters, RFC
 * 5322).
 */
const MAX_FILTER_SUBJECT_CHARS = 998;
const MAX_ADDRESS_CHARS = 320;
const MAX_LIST_CHARS = MAX_RECIPIENTS * MAX_ADDRESS_CHARS;

/** What finds the message in the trace: its Message-ID, and what the Send output says about it. */
export interface TraceLookup {
	index: number;
	sender: string;
	/** Empty when the item gives none: then only the search can find it. */
	internetMessageId: string;
	/** The input item's `internetMessageIdConfirmed`; undefined when it has none (unknown). */
	confirmed?: boolean;
	subject?: string;
	/** Lower-case SMTP addresses of To, CC and BCC of the input item. */
	recipients: string[];
	/** The input item's `sentAt`, epoch ms. */
	sentAt?: number;
	waitSeconds: number;
	dryRun: boolean;
}

function waitSecondsOf(value: unknown): number {
	const n = typeof value === 'string' && value.trim() ? Number(value) : value;
	if (n === undefined || n === null || n === '') return 0;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_WAIT_SECONDS)
		throw new InputError(
			'Wait Seconds',
			`Must be a number from 0 to ${MAX_WAIT_SECONDS} (message trace allows 100 requests per 5 minutes per tenant); for longer waits put a Wait node before this one.`,
		);
	return n;
}

/**
 * `Jane <jane@contoso.com>`, `jane@contoso.com` or {address}: the address, lower-case; anything
 * else is skipped.
 */
function addressOf(entry: unknown): string | undefined {
	const raw =
		typeof entry === 'string'
			? entry
			: entry && typeof entry === 'object'
				? (entry as { address?: unknown }).address
				: undefined;
	if (typeof raw !== 'string' || raw.length > MAX_ADDRESS_CHARS * 2) return undefined;
	const bracketed = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(raw);
	const address = (bracketed ? bracketed[1] : raw).trim();
	return /^[^\s@<>"]+@[^\s@<>"]+$/.test(address) && address.length <= MAX_ADDRESS_CHARS
		? address.toLowerCase()
		: undefined;
}

/** The recipients Send output for the item; bounded before anything is parsed. */
function recipientsOf(json: IDataObject): string[] {
	const found = new Set<string>();
	for (const field of ['toRecipients', 'ccRecipients', 'bccRecipients']) {
		const value = json[field];
		const text = typeof value === 'string' && value.length <= MAX_LIST_CHARS ? value : '';
		const list = Array.isArray(value) ? value : text.split(/[,;]/);
		for (const entry of list.slice(0, MAX_RECIPIENTS)) {
			const address = addressOf(entry);
			if (address) found.add(address);
		}
	}
	return [...found].slice(0, MAX_RECIPIENTS);
}

function sentAtOf(value: unknown): number | undefined {
	if (typeof value !== 'string' || value.length > 40) return undefined;
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : at;
}

/**
 * One item's parameters, checked before any request; the search hints come from the input item
 * (Send's output).
 */
export function readLookup(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): TraceLookup {
	const sender = senderOf(ctx.getNodeParameter('sender', index, ''), settings);
	const rawId = ctx.getNodeParameter('internetMessageId', index, '') as unknown;
	const internetMessageId =
		rawId === undefined || rawId === null || rawId === ''
			? ''
			: messageIdOf(rawId, 'Internet Message ID');
	const waitSeconds = waitSecondsOf(ctx.getNodeParameter('waitSeconds', index, 0));
	const options = ctx.getNodeParameter('deliveryStatusOptions', index, {}) as IDataObject;
	const json = ctx.getInputData()[index]?.json ?? {};
	const subject =
		typeof json.subject === 'string' && json.subject.length <= MAX_FILTER_SUBJECT_CHARS
			? json.subject
			: undefined;
	const lookup: TraceLookup = {
		index,
		sender,
		internetMessageId,
		confirmed:
			typeof json.internetMessageIdConfirmed === 'boolean'
				? json.internetMessageIdConfirmed
				: undefined,
		subject,
		recipients: recipientsOf(json),
		sentAt: sentAtOf(json.sentAt),
		waitSeconds,
		dryRun: asBoolean(options.dryRun, 'Dry Run') ?? false,
	};
	if (!internetMessageId && !(lookup.subject && lookup.recipients.length))
		throw new InputError(
			'Internet Message ID',
			'Is empty, and the input item has no subject and recipients to search by. Map the internetMessageId output of a Send (the default expression does this when this node follows Send).',
		);
	return lookup;
}
