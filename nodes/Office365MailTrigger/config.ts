import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { isDomain, isMailboxId, MAILBOX_HINT } from '../shared/credential/identifiers';
import { readGraphSettings, type GraphSettings } from '../shared/credential/settings';
import { asciiLower, describeSenderRules, isSenderAllowed } from '../shared/credential/senderRules';
import { InputError } from '../shared/text/inputError';
import { CREDENTIAL_TYPE } from '../Office365SendMail/description/constants';

/**
 * Well-known folder names
 * (https://learn.microsoft.com/graph/api/resources/mailfolder#well-known-folder-names).
 */
const WELL_KNOWN =
	/^(inbox|archive|junkemail|deleteditems|sentitems|drafts|outbox|clutter|conversationhistory|scheduled|searchfolders|serverfailures|syncissues|recoverableitemsdeletions)$/i;
// Exchange ids are base64 (either alphabet) with padding; nothing that could change a URL's path.
const FOLDER_ID = /^[A-Za-z0-9+/_=-]{16,512}$/;
const MAX_FROM_ENTRIES = 100;
const MAX_OPTION_CHARS = 10_000;

export interface SenderFilter {
	addresses: Set<string>;
	domains: string[];
}

export interface TriggerConfig {
	settings: GraphSettings;
	mailbox: string;
	folder: string;
	from?: SenderFilter;
	subjectContains?: string;
	unreadOnly: boolean;
	hasAttachments: boolean;
	downloadAttachments: boolean;
	maxAttachmentBytes: number;
	markAsRead: boolean;
	includeHeaders: boolean;
	includeExisting: boolean;
	maxMessagesPerPoll: number;
}

function text(value: unknown, field: string): string {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw new InputError(field, 'Must be text.');
	if (value.length > MAX_OPTION_CHARS)
		throw new InputError(field, `Is longer than ${MAX_OPTION_CHARS} characters; shorten it.`);
	return value.trim();
}

function mailboxOf(raw: unknown, settings: GraphSettings): string {
	const mailbox = text(raw, 'Mailbox') || settings.senderMailbox || '';
	if (!mailbox)
		throw new InputError(
			'Mailbox',
			'Is empty and the credential has no Default Sender Mailbox. Enter the mailbox to watch (e.g. support@contoso.com).',
		);
	if (!isMailboxId(mailbox))
		throw new InputError('Mailbox', `"${mailbox.slice(0, 80)}" is not a mailbox. ${MAILBOX_HINT}`);
	if (!isSenderAllowed(settings.allowedSenders, mailbox))
		throw new InputError(
			'Mailbox',
			`${mailbox} is not among the credential's Allowed Senders (${describeSenderRules(settings.allowedSenders)}), which also limit the mailboxes this credential may read. Add it there or watch another mailbox.`,
		);
	return mailbox;
}

function folderOf(raw: unknown): string {
	const folder = text(raw, 'Folder') || 'inbox';
	if (WELL_KNOWN.test(folder)) return folder.toLowerCase();
	if (FOLDER_ID.test(folder)) return folder;
	throw new InputError(
		'Folder',
		`"${folder.slice(0, 80)}" is neither a well-known folder name (inbox, archive, junkemail, …) nor a folder ID. Copy the folder's ID from Graph (GET /users/{mailbox}/mailFolders).`,
	);
}

function senderFilterOf(raw: unknown): SenderFilter | undefined {
	const entries = text(raw, 'From')
		.split(/[\s,;]+/)
		.filter(Boolean);
	if (!entries.length) return undefined;
	if (entries.length > MAX_FROM_ENTRIES)
		throw new InputError(
			'From',
			`Lists ${entries.length} senders; at most ${MAX_FROM_ENTRIES} are allowed.`,
		);
	const filter: SenderFilter = { addresses: new Set(), domains: [] };
	for (const entry of entries.map(asciiLower)) {
		const at = entry.lastIndexOf('@');
		const domain = entry.slice(at + 1);
		if (at < 0 || !isDomain(domain))
			throw new InputError(
				'From',
				`"${entry.slice(0, 80)}" is not an address or *@domain. Write e.g. ann@partner.example or *@partner.example.`,
			);
		if (entry.startsWith('*@')) filter.domains.push(domain);
		else filter.addresses.add(entry);
	}
	return filter;
}

function numberOf(raw: unknown, field: string, min: number, max: number, fallback: number): number {
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isFinite(value) || value < min || value > max)
		throw new InputError(field, `Must be a number from ${min} to ${max}.`);
	return value;
}

/** Reads and checks every parameter before any request; a bad value names its field and the fix. */
export async function readTriggerConfig(ctx: IPollFunctions): Promise<TriggerConfig> {
	const settings = readGraphSettings(await ctx.getCredentials(CREDENTIAL_TYPE));
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const maxMessages = numberOf(options.maxMessagesPerPoll, 'Max Messages per Poll', 1, 1000, 100);
	if (!Number.isInteger(maxMessages))
		throw new InputError('Max Messages per Poll', 'Must be a whole number from 1 to 1000.');
	return {
		settings,
		mailbox: mailboxOf(ctx.getNodeParameter('mailbox', ''), settings),
		folder: folderOf(ctx.getNodeParameter('folder', 'inbox')),
		from: senderFilterOf(options.from),
		subjectContains: text(options.subjectContains, 'Subject Contains').toLowerCase() || undefined,
		unreadOnly: options.unreadOnly === true,
		hasAttachments: options.hasAttachments === true,
		downloadAttachments: options.downloadAttachments === true,
		maxAttachmentBytes: Math.round(
			numberOf(options.maxAttachmentSizeMb, 'Max Attachment Size (MB)', 0.001, 150, 25) *
				1024 *
				1024,
		),
		markAsRead: options.markAsRead === true,
		includeHeaders: options.includeHeaders === true,
		includeExisting: options.includeExisting === true,
		maxMessagesPerPoll: maxMessages,
	};
}
