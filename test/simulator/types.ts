/**
 * Public types of the local Microsoft 365 simulator (identity platform token endpoint + the Graph
 * mail surface). Other test code, the demo, the benchmark and the e2e suite code against these
 * names: keep them stable.
 */
import type { MimeSummary } from './mime';

export interface SimulatorOptions {
	/** TCP port; 0 (default) picks a free one. */
	port?: number;
	/** Bind address; default 127.0.0.1. */
	host?: string;
	/**
	 * TCP port of the Outlook upload host (uploadUrl origin); 0 (default) picks a free one. Real
	 * upload URLs are on outlook.office.com, not on Graph
	 * (https://learn.microsoft.com/graph/outlook-large-attachments), so the simulator serves them
	 * elsewhere.
	 */
	uploadPort?: number;
	/**
	 * Host name put in the simulator's URLs (default: the bind address). 'localhost' keeps clients
	 * from sending an IP address as TLS server name (SNI allows host names only, RFC 6066 §3; Node
	 * warns with DEP0123).
	 */
	publicHost?: string;
	/** Delay added to every Graph call and upload PUT before the response is written (default 0). */
	graphLatencyMs?: number;
	/** Delay added to the token endpoint (default 0). */
	tokenLatencyMs?: number;
	/** Outlook allows 4 concurrent requests per app ID + mailbox (default 4). */
	mailboxConcurrencyLimit?: number;
	/**
	 * Retry-After sent with ApplicationThrottled 429s, in seconds, fractional allowed (default 1).
	 */
	throttleRetryAfterSeconds?: number;
	/** Outlook upload budget per mailbox per 5 minutes; undefined (default) = not enforced. */
	uploadBytesPer5MinPerMailbox?: number;
	/** Seed of the RNG used for probabilistic faults (default 1). */
	seed?: number;
	/** expires_in of issued access tokens (default 3599). */
	accessTokenLifetimeSeconds?: number;
	/** What Exchange does with a client-set Message-ID (default 'keep'); see ExchangeBehaviour. */
	messageIds?: MessageIdPolicy;
	/** How long after a send its copy appears in Sent Items, in ms (default 0). */
	sentItemsDelayMs?: number;
}

/**
 * [MS-OXCMAIL] 2.1.3.2.11: "Servers MAY overwrite the PidTagInternetMessageId property from a
 * client before submitting the message". 'keep' honours a client-set Message-ID (MIME header, draft
 * property, String 0x1035); 'overwrite' ignores every one of them and Exchange makes its own.
 */
export type MessageIdPolicy = 'keep' | 'overwrite';

/** Exchange behaviours a test can switch at run time (control API `setExchangeBehaviour`). */
export interface ExchangeBehaviour {
	messageIds?: MessageIdPolicy;
	sentItemsDelayMs?: number;
	/**
	 * Values an extended-property filter may `or` together before 400 (default 1000; an assumption,
	 * see README).
	 */
	maxFilterValues?: number;
}

export interface TenantConfig {
	/** Directory (tenant) ID, a GUID. */
	id: string;
	/**
	 * Verified domains, e.g. contoso.onmicrosoft.com; usable instead of the GUID in authority URLs.
	 */
	domains?: string[];
}

export interface AppSecretConfig {
	/** The Secret ID (GUID) shown in Entra; sending it instead of the value gives AADSTS7000215. */
	id: string;
	value: string;
	expiresAt?: Date;
}

export interface AppCertificateConfig {
	/** Public certificate PEM. */
	pem: string;
}

export interface AppConfig {
	tenantId: string;
	clientId: string;
	displayName?: string;
	secrets?: AppSecretConfig[];
	certificates?: AppCertificateConfig[];
	/** Application permissions requested, e.g. ['Mail.Send', 'Mail.ReadWrite']. */
	permissions?: string[];
	/** Default true; false => tokens are issued WITHOUT a roles claim. */
	adminConsent?: boolean;
}

export type AppPatch = Partial<Omit<AppConfig, 'clientId'>>;

export interface UserConfig {
	tenantId: string;
	/** Object ID (GUID). */
	id: string;
	userPrincipalName: string;
	/** Primary SMTP address; default = UPN. */
	mail?: string;
	/** Default true; false => MailboxNotEnabledForRESTAPI. */
	licensed?: boolean;
	/** true => MailboxNotEnabledForRESTAPI (mailbox hosted on-premises). */
	onPremises?: boolean;
	/** Addresses this mailbox may put in `from`/`sender` besides its own. */
	sendAs?: string[];
	/** Default 35 MiB like Exchange Online. */
	maxSendSizeBytes?: number;
}

export interface RestrictionConfig {
	clientId: string;
	kind: 'applicationAccessPolicy' | 'rbac';
	/** UPNs, SMTP addresses or object IDs. */
	allowedMailboxes: string[];
	/**
	 * RBAC for Applications only: permissions Exchange grants for the allowed mailboxes (e.g.
	 * ['Mail.Send'] for the "Application Mail.Send" role). They are not in the token
	 * (learn.microsoft.com/exchange/permissions-exo/application-rbac).
	 */
	roles?: string[];
}

export type FaultKind = 'token' | 'graph' | 'upload';

export type FaultAction =
	| 'respond'
	| 'processThenRespond'
	| 'resetBeforeProcessing'
	| 'processThenReset'
	| 'hang'
	| 'processThenHang';

export interface FaultSpec {
	match: {
		method?: string;
		/** Regex (or regex source) matched against the request pathname (raw and percent-decoded). */
		path?: RegExp | string;
		/** UPN, SMTP address or object ID of the mailbox addressed by the request. */
		mailbox?: string;
		/**
		 * 'token' = POST …/oauth2/v2.0/token only; 'graph' = /v1.0/…; 'upload' = the uploadUrl.
		 * Identity metadata (openid-configuration, keys, instance discovery) has no kind here: match it
		 * by path.
		 */
		kind?: FaultKind;
	};
	/** How many matching requests to affect (default Infinity). */
	times?: number;
	/** Let this many matching requests through before the fault starts (default 0). */
	after?: number;
	/** 0..1, drawn from the seeded RNG (default 1). */
	probability?: number;
	/** Default 503 for 'respond', 504 for 'processThenRespond'. */
	status?: number;
	/**
	 * JSON body; a string is sent verbatim; null => empty body; undefined => a Microsoft-shaped
	 * default for the status.
	 */
	body?: unknown;
	headers?: Record<string, string>;
	/** Extra delay before answering. */
	delayMs?: number;
	action?: FaultAction;
}

export interface DeliveredAttachment {
	name: string;
	contentType?: string;
	size: number;
	isInline: boolean;
	contentId?: string;
	/** Hex SHA-256 of the decoded bytes. */
	sha256: string;
	via: 'request' | 'uploadSession';
	/** Only kept when the attachment is <= 256 KiB. */
	bytes?: Buffer;
}

export interface InternetMessageHeader {
	name: string;
	value: string;
}

export interface DeliveredMessage {
	/** The user's UPN as configured. */
	mailbox: string;
	userId: string;
	clientId: string;
	via: 'sendMail' | 'draft' | 'reply';
	/**
	 * Graph message JSON as received (sendMail) or as built by draft + attachments; fileAttachment
	 * contentBytes removed.
	 */

	message: any;
	saveToSentItems: boolean;
	requestId: string;
	clientRequestId?: string;
	deliveredAt: string;
	attachments: DeliveredAttachment[];
	internetMessageHeaders: InternetMessageHeader[];
	/**
	 * The Message-ID recipients see: the one the client set (MIME header, draft property, String
	 * 0x1035) or Exchange's.
	 */
	internetMessageId: string;
	/** Present when the message arrived as MIME (sendMail or a draft created from MIME). */
	mime?: MimeSummary;
	/** Graph id of the copy in Sent Items (when one is kept). */
	sentItemId?: string;
	/** When the Sent Items copy becomes visible to Graph (ISO time; Sent Items lags the send). */
	sentItemVisibleAt?: string;
}

export interface SimulatorCounters {
	tokenRequests: number;
	tokenRequestsByClient: Record<string, number>;
	tokenErrors: number;
	graphRequests: number;
	sendMailCalls: number;
	draftsCreated: number;
	draftsDeleted: number;
	uploadChunks: number;
	throttled: number;
	faultsInjected: number;
	inFlightByMailbox: Record<string, number>;
	maxInFlightByMailbox: Record<string, number>;
	maxInFlight: number;
}

export type RequestKind = FaultKind | 'metadata' | 'control' | 'other';

export interface RecordedRequest {
	method: string;
	/** Pathname only: query strings (authtoken, client-request-id) are never recorded. */
	path: string;
	kind: RequestKind;
	/** UPN of the addressed mailbox when resolved, else the raw path segment. */
	mailbox?: string;
	clientId?: string;
	/** HTTP status; 0 while pending or when the socket was reset / left hanging. */
	status: number;
	/** Graph error code or AADSTS `error` of the answer, when it was an error. */
	errorCode?: string;
	/** Request body bytes received (Content-Length when the body was not read). */
	bodyBytes: number;
	hasAuthorization: boolean;
	clientRequestId?: string;
	requestId: string;
	/** Id of the fault that affected this request. */
	faultId?: string;
	outcome?: 'responded' | 'reset' | 'hang';
	/** Epoch milliseconds. */
	startedAt: number;
	finishedAt?: number;
}
