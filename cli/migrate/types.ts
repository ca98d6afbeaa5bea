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
}

export const EMAIL_SEND_TYPE = 'n8n-nodes-base.emailSend';
export const TARGET_TYPE = 'n8n-nodes-office365-send-mail.office365SendMail';
export const TARGET_VERSION = 1;
export const TARGET_CREDENTIAL = 'Microsoft Graph Client Credentials';
