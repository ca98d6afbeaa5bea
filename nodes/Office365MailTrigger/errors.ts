import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { CredentialConfigError } from '../shared/credential/errors';
import { adviseGraphError } from '../shared/diagnostics/graphAdvice';
import { TokenError } from '../shared/token/tokenErrors';
import { GraphApiError, NetworkError } from '../shared/transport/graphErrors';
import { sayNetworkCodes } from '../shared/transport/networkWords';
import { InputError } from '../shared/text/inputError';
import type { TriggerConfig } from './config';

/**
 * A poll failure as an n8n error that names the field or Microsoft's code and the fix. Reading
 * needs Mail.Read; Mark as Read needs Mail.ReadWrite.
 */
export function pollError(
	node: INode,
	error: unknown,
	config?: TriggerConfig,
	step?: 'markAsRead',
): Error {
	if (error instanceof InputError)
		return new NodeOperationError(node, `${error.field}: ${error.message}`);
	if (error instanceof CredentialConfigError)
		return new NodeOperationError(node, `Credential › ${error.field}: ${error.message}`);
	if (error instanceof TokenError)
		return new NodeOperationError(
			node,
			`Could not sign in to Microsoft Entra ID. ${error.message}`,
			{
				description: 'Open the credential and Save it (or press Retry) for a full diagnosis.',
			},
		);
	if (error instanceof GraphApiError) {
		const permission = step === 'markAsRead' ? 'Mail.ReadWrite' : 'Mail.Read';
		const advice = adviseGraphError(error, {
			mailbox: config?.mailbox ?? '(unknown)',
			clientId: config?.settings.clientId ?? '',
			permission,
		});
		const response: JsonObject = {
			code: error.code,
			message: error.graphMessage,
			requestId: error.requestId ?? null,
			clientRequestId: error.clientRequestId,
		};
		return new NodeApiError(node, response, {
			message: advice.message,
			description: `Step: ${error.operation}. request-id ${error.requestId ?? 'n/a'}, client-request-id ${error.clientRequestId}.`,
			httpCode: String(error.status),
		});
	}
	if (error instanceof NetworkError)
		return new NodeApiError(
			node,
			{ code: 'NetworkError', networkCode: error.code, message: sayNetworkCodes(error.message) },
			{
				message: `Cannot reach ${error.host} (${sayNetworkCodes(error.code)}) during ${error.operation}. Check the network, proxy (HTTPS_PROXY) and the credential's Cloud.`,
			},
		);
	return new NodeOperationError(node, error instanceof Error ? error.message : String(error));
}
