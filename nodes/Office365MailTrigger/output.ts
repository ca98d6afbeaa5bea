import type { IBinaryKeyData, IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { GraphClient } from '../shared/transport/graphClient';
import type { TriggerConfig } from './config';
import { downloadAttachment, listAttachments, type GraphMessage } from './graph';

type GraphAddress = { emailAddress?: { name?: string; address?: string } } | null | undefined;

function address(value: unknown): IDataObject | null {
	const email = (value as GraphAddress)?.emailAddress;
	return email ? { name: email.name ?? '', address: email.address ?? '' } : null;
}

function addresses(value: unknown): IDataObject[] {
	return Array.isArray(value) ? value.map(address).filter((a): a is IDataObject => a !== null) : [];
}

/** The sender's address, lower case, for the From filter. */
export function senderOf(message: GraphMessage): string {
	return String(address(message.from)?.address ?? '').toLowerCase();
}

/** One output item's JSON: the public output fields, addresses as { name, address }. */
export function messageJson(message: GraphMessage, config: TriggerConfig): IDataObject {
	const body = (message.body ?? {}) as { contentType?: string; content?: string };
	const json: IDataObject = {
		id: message.id,
		internetMessageId: message.internetMessageId ?? null,
		conversationId: message.conversationId ?? null,
		subject: message.subject ?? '',
		from: address(message.from),
		toRecipients: addresses(message.toRecipients),
		ccRecipients: addresses(message.ccRecipients),
		replyTo: addresses(message.replyTo),
		receivedDateTime: message.receivedDateTime ?? null,
		bodyPreview: message.bodyPreview ?? '',
		body: { contentType: body.contentType ?? 'text', content: body.content ?? '' },
		hasAttachments: message.hasAttachments === true,
		attachments: [],
		webLink: message.webLink ?? null,
		mailbox: config.mailbox,
	};
	if (config.includeHeaders)
		json.internetMessageHeaders = (message.internetMessageHeaders ?? []) as IDataObject[];
	return json;
}

/**
 * Lists the attachments of a message that has any and, with Download Attachments, adds each file
 * attachment up to the size cap as binary `attachment_{n}`. Larger ones and item/reference
 * attachments stay listed with `skipped`.
 */
export async function withAttachments(
	ctx: IPollFunctions,
	graph: GraphClient,
	config: TriggerConfig,
	message: GraphMessage,
): Promise<INodeExecutionData> {
	const json = messageJson(message, config);
	if (message.hasAttachments !== true) return { json };
	const list = await listAttachments(graph, config.mailbox, message.id);
	const binary: IBinaryKeyData = {};
	const described: IDataObject[] = [];
	for (const a of list) {
		const entry: IDataObject = {
			name: a.name,
			size: a.size,
			contentType: a.contentType,
			isInline: a.isInline,
		};
		const isFile =
			(a['@odata.type'] ?? '#microsoft.graph.fileAttachment') === '#microsoft.graph.fileAttachment';
		if (config.downloadAttachments && !isFile)
			entry.skipped = 'not a file (an attached item or a link)';
		else if (config.downloadAttachments && a.size > config.maxAttachmentBytes)
			entry.skipped = `larger than Max Attachment Size (${a.size} bytes)`;
		else if (config.downloadAttachments) {
			const key = `attachment_${Object.keys(binary).length}`;
			const bytes = await downloadAttachment(graph, config.mailbox, message.id, a.id);
			binary[key] = await ctx.helpers.prepareBinaryData(bytes, a.name, a.contentType);
			entry.binaryProperty = key;
		}
		described.push(entry);
	}
	json.attachments = described;
	return Object.keys(binary).length ? { json, binary } : { json };
}
