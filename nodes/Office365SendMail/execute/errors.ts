import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

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
import { DraftMayExistError } from '../delivery/draftError';
import { InputError } from '../../shared/text/inputError';

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
	json: IDataObject;
}

interface RequestIds {
	requestId?: string;
	clientRequestId: string;
}

/**
 * What every translator gets: the node, the item's context, "Item N" and the fields every failure
 * carries.
 */
interface Scope {
	node: INode;
	ctx: ItemContext;
	itemIndex: number;
	prefix: string;
	base: IDataObject;
}

function operationFailure(scope: Scope, message: string, json: IDataObject = scope.base) {
	const { node, itemIndex } = scope;
	const error = new NodeOperationError(node, message, { itemIndex });
	return { status: 'failed' as const, error, json };
}

function tokenFailure(scope: Scope, error: TokenError): ItemFailure {
	const message = `${scope.prefix}: could not sign in to Microsoft Entra ID. ${error.message}`;
	return {
		status: 'failed',
		error: new NodeOperationError(scope.node, message, {
			itemIndex: scope.itemIndex,
			description: 'Open the credential and Save it (or press Retry) for a full diagnosis.',
		}),
		json: { ...scope.base, errorCode: error.microsoftCode ?? error.reason },
	};
}

function graphFailure(scope: Scope, error: GraphApiError): ItemFailure {
	const { ctx } = scope;
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
	const response = apiResponse(error.code, error.graphMessage, error);
	return {
		status: 'failed',
		error: new NodeApiError(scope.node, response, {
			message: `${scope.prefix}: ${advice.message}`,
			description: `Step: ${error.operation}. request-id ${error.requestId ?? 'n/a'}, client-request-id ${error.clientRequestId}.`,
			httpCode: String(error.status),
			itemIndex: scope.itemIndex,
		}),
		json: { ...scope.base, ...ids, reason: advice.reason },
	};
}

/** What NodeApiError keeps of Microsoft's answer: a code, its words and both request ids. */
function apiResponse(code: string, message: string, ids: RequestIds): JsonObject {
	return { code, message, requestId: ids.requestId ?? null, clientRequestId: ids.clientRequestId };
}

function idsDescription(ids: RequestIds): string {
	return `client-request-id ${ids.clientRequestId}${ids.requestId ? `, request-id ${ids.requestId}` : ''}`;
}

function unknownFailure(scope: Scope, error: DeliveryUnknownError): ItemFailure {
	const message =
		`${scope.prefix}: delivery unknown — ${error.operation} got ${sayNetworkCodes(error.reason)}. Microsoft may or may not have sent the message; ` +
		`it was NOT sent again, to avoid a duplicate. Check Sent Items of ${scope.ctx.sender ?? 'the sender'} before resending.`;
	const response = apiResponse('DeliveryUnknown', error.reason, error);
	return {
		status: 'deliveryUnknown',
		error: new NodeApiError(scope.node, response, {
			message,
			description: `${idsDescription(error)}: quote these to Microsoft support or search the mailbox's message trace.`,
			itemIndex: scope.itemIndex,
		}),
		json: {
			...scope.base,
			errorCode: 'DeliveryUnknown',
			requestId: error.requestId,
			clientRequestId: error.clientRequestId,
		},
	};
}

function draftFailure(scope: Scope, error: DraftMayExistError): ItemFailure {
	const message =
		`${scope.prefix}: creating the draft got ${sayNetworkCodes(error.reason)}, so Microsoft may have created it. Nothing was sent. ` +
		`Look in the Drafts folder of ${error.mailbox} for a draft with subject ${JSON.stringify(error.subject)} and delete it before resending.`;
	const response = apiResponse('DraftMayExist', error.reason, error);
	return {
		status: 'failed',
		error: new NodeApiError(scope.node, response, {
			message,
			description: idsDescription(error),
			itemIndex: scope.itemIndex,
		}),
		json: {
			...scope.base,
			errorCode: 'DraftMayExist',
			draftSubject: error.subject,
			requestId: error.requestId,
			clientRequestId: error.clientRequestId,
		},
	};
}

function networkFailure(scope: Scope, error: NetworkError): ItemFailure {
	const message = `${scope.prefix}: cannot reach ${error.host} (${sayNetworkCodes(error.code)}) during ${error.operation}; nothing was sent for this step. Check the network, proxy (HTTPS_PROXY) and the credential's Cloud.`;
	// Not `code: error.code`: n8n would replace the whole message for a code such as ECONNREFUSED
	// (networkWords.ts).
	const response: JsonObject = {
		code: 'NetworkError',
		networkCode: error.code,
		message: sayNetworkCodes(error.message),
	};
	return {
		status: 'failed',
		error: new NodeApiError(scope.node, response, { message, itemIndex: scope.itemIndex }),
		json: { ...scope.base, errorCode: error.code, clientRequestId: error.clientRequestId },
	};
}

/**
 * Every failure becomes an n8n error that names the item and, for input, the field, and says how to
 * fix it. Input problems are NodeOperationError; Microsoft's answers are NodeApiError and keep
 * Graph's code and request-id.
 */
export function toItemFailure(node: INode, error: unknown, ctx: ItemContext): ItemFailure {
	const itemIndex = ctx.index;
	const prefix = `Item ${itemIndex}`;
	const scope: Scope = { node, ctx, itemIndex, prefix, base: { itemIndex, sender: ctx.sender } };
	if (error instanceof InputError) {
		const json = { ...scope.base, field: error.field };
		return operationFailure(scope, `${prefix} › ${error.field}: ${error.message}`, json);
	}
	if (error instanceof CredentialConfigError) {
		const json = { ...scope.base, field: `credential.${error.field}` };
		return operationFailure(scope, `Credential › ${error.field}: ${error.message}`, json);
	}
	if (error instanceof TokenError) return tokenFailure(scope, error);
	if (error instanceof GraphApiError) return graphFailure(scope, error);
	if (error instanceof DeliveryUnknownError) return unknownFailure(scope, error);
	if (error instanceof DraftMayExistError) return draftFailure(scope, error);
	if (error instanceof NetworkError) return networkFailure(scope, error);
	if (error instanceof UploadSessionError)
		return operationFailure(scope, `${prefix}: ${error.message}`);
	return operationFailure(
		scope,
		`${prefix}: ${error instanceof Error ? error.message : String(error)}`,
	);
}
