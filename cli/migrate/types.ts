/** The parts of an n8n workflow export (`n8n export:workflow`) the converter reads and writes. */
export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position?: [number, number];
	parameters?: Record<string, unknown>;
	credentials?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Workflow {
	id?: string;
	name?: string;
	nodes: WorkflowNode[];
	connections?: Record<string, unknown>;
	[key: string]: unknown;
}

/** What happened to one Send Email node. */
export interface NodeReport {
	workflow: string;
	node: string;
	fromVersion: number;
	converted: boolean;
	/** Parameters mapped, as "old → new". */
	mapped: string[];
	/** What could not be mapped or needs the user's attention. */
	notes: string[];
	/**
	 * Parameters with no place in the new node, each with its value: never dropped without a word.
	 */
	dropped: Dropped[];
	/** What makes the result doubtful: no recipient, no body, an unknown type version. */
	warnings: string[];
	/** Expressions in other nodes that read this node's old SMTP result. */
	downstream: DownstreamUse[];
}

export interface Dropped {
	/** Path in the node's parameters, e.g. `options.priority`. */
	parameter: string;
	value: unknown;
	/** Why it has no place, when the converter knows the parameter. */
	reason?: string;
}

export interface DownstreamUse {
	node: string;
	/** Path in that node's parameters, e.g. `conditions.conditions[0].leftValue`. */
	parameter: string;
	/** The SMTP result field read, e.g. `accepted`. */
	field: string;
	/** True when the expression was rewritten (a field that maps one to one). */
	rewritten: boolean;
	/** What to use instead. */
	advice: string;
}

export const EMAIL_SEND_TYPE = 'n8n-nodes-base.emailSend';
export const TARGET_TYPE = 'n8n-nodes-office365-send-mail.office365SendMail';
export const TARGET_VERSION = 1;
export const TARGET_CREDENTIAL = 'Microsoft Graph Client Credentials';
