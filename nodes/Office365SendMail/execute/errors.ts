import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { CredentialConfigError } from '../../shared/credential/errors';
import { adviseGraphError } from '../../shared/diagnostics/graphAdvice';
import { TokenError } from '../../shared/token/tokenErrors';
import {
	DeliveryUnknownError,
	GraphApiError,
	NetworkError,
} from '../../shared/transport/graphErrors';
import { sayNetworkCodes } from '../../shared/transport/networkWords';
import { UploadSessionError } from '../../shared/transport/uploadSession';
import { InputError } from '../message/inputError';

export interface ItemContext {
	index: number;
	sender?: string;
	clientId: string;
	fromAddress?: string;
	/** The permission the failed step needed. */
	permission?: string;
}

export type ItemStatus = 'failed' | 'deliveryUnknown';

export interface ItemFailure {
	error: NodeApiError | NodeOperationError;
	status: ItemStatus;
	json: Record<string, unknown>;
}

/**
 * Every failure becomes an n8n error that names the item and, for input, the field, and says how to fix it.
 * Input problems are NodeOperationError; Microsoft's answers are NodeApiError and keep Graph's code and request-id.
 */
export function toItemFailure(node: INode, error: unknown, ctx: ItemContext): ItemFailure {
	const itemIndex = ctx.index;
	const prefix = `Item ${itemIndex}`;
	const base = { itemIndex, sender: ctx.sender };

	if (error instanceof InputError) {
		const message = `${prefix} › ${error.field}: ${error.message}`;
		return {
			status: 'failed',
			error: new NodeOperationError(node, message, { itemIndex }),
			json: { ...base, field: error.field },
		};
	}
	if (error instanceof CredentialConfigError) {
		const message = `Credential › ${error.field}: ${error.message}`;
		return {
			status: 'failed',
			error: new NodeOperationError(node, message, { itemIndex }),
			json: { ...base, field: `credential.${error.field}` },
		};
	}
	if (error instanceof TokenError) {
		const message = `${prefix}: could not sign in to Microsoft Entra ID. ${error.message}`;
		return {
			status: 'failed',
			error: new NodeOperationError(node, message, {
				itemIndex,
				description: 'Press Test on the credential for a full diagnosis.',
			}),
			json: { ...base, errorCode: error.microsoftCode ?? error.reason },
		};
	}
	if (error instanceof GraphApiError) {
		const advice = adviseGraphError(error, {
			mailbox: ctx.sender ?? '(unknown)',
			clientId: ctx.clientId,
			permission: ctx.permission ?? 'Mail.Send',
			fromAddress: ctx.fromAddress,
		});
		const ids = {
			errorCode: error.code,
			httpStatus: error.status,
			requestId: error.requestId,
			clientRequestId: error.clientRequestId,
		};
		const response: JsonObject = {
			code: error.code,
			message: error.graphMessage,
			requestId: error.requestId ?? null,
			clientRequestId: error.clientRequestId,
		};
		return {
			status: 'failed',
			error: new NodeApiError(node, response, {
				message: `${prefix}: ${advice.message}`,
				description: `Step: ${error.operation}. request-id ${error.requestId ?? 'n/a'}, client-request-id ${error.clientRequestId}.`,
				httpCode: String(error.status),
				itemIndex,
			}),
			json: { ...base, ...ids, reason: advice.reason },
		};
	}
	if (error instanceof DeliveryUnknownError) {
		const message =
			`${prefix}: delivery unknown — ${error.operation} got ${sayNetworkCodes(error.reason)}. Microsoft may or may not have sent the message; ` +
			`it was NOT sent again, to avoid a duplicate. Check Sent Items of ${ctx.sender ?? 'the sender'} before resending.`;
		const response: JsonObject = {
			code: 'DeliveryUnknown',
			message: error.reason,
			requestId: error.requestId ?? null,
			clientRequestId: error.clientRequestId,
		};
		return {
			status: 'deliveryUnknown',
			error: new NodeApiError(node, response, {
				message,
				description: `client-request-id ${error.clientRequestId}${error.requestId ? `, request-id ${error.requestId}` : ''}: quote these to Microsoft support or search the mailbox's message trace.`,
				itemIndex,
			}),
			json: {
				...base,
				errorCode: 'DeliveryUnknown',
				requestId: error.requestId,
				clientRequestId: error.clientRequestId,
			},
		};
	}
	if (error instanceof NetworkError) {
		const message = `${prefix}: cannot reach ${error.host} (${sayNetworkCodes(error.code)}) during ${error.operation}; nothing was sent for this step. Check the network, proxy (HTTPS_PROXY) and the credential's Cloud.`;
		return {
			status: 'failed',
			// Not `code: error.code`: n8n would replace the whole message for a code such as ECONNREFUSED (networkWords.ts).
			error: new NodeApiError(
				node,
				{
					code: 'NetworkError',
					networkCode: error.code,
					message: sayNetworkCodes(error.message),
				} as JsonObject,
				{ message, itemIndex },
			),
			json: { ...base, errorCode: error.code, clientRequestId: error.clientRequestId },
		};
	}
	if (error instanceof UploadSessionError) {
		return {
			status: 'failed',
			error: new NodeOperationError(node, `${prefix}: ${error.message}`, { itemIndex }),
			json: base,
		};
	}
	const message = `${prefix}: ${error instanceof Error ? error.message : String(error)}`;
	return {
		status: 'failed',
		error: new NodeOperationError(node, message, { itemIndex }),
		json: base,
	};
}
