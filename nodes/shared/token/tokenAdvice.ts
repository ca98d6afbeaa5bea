import type { GraphSettings } from '../credential/settings';
import { isGuid } from '../credential/identifiers';
import type { TokenFailureReason } from './tokenErrors';

/**
 * What to tell an Entra admin about one AADSTS code: the stable reason, the words, the field to
 * fix.
 */
export interface TokenAdvice {
	reason: TokenFailureReason;
	text: string;
	field?: string;
}

const WHERE = 'Entra admin center › App registrations › your app';

type Advise = (settings: GraphSettings) => TokenAdvice;

const tenantNotFound: Advise = ({ tenantId, cloudLabel }) => ({
	reason: 'tenantNotFound',
	text:
		`Tenant "${tenantId}" was not found in the ${cloudLabel} cloud. Copy the Directory (tenant) ID from ${WHERE} › Overview` +
		`${isGuid(tenantId) ? '' : ' (or use a verified domain of your tenant)'}; if your tenant is in a national cloud (GCC High, DoD, China), choose that Cloud.`,
	field: 'tenantId',
});

const wrongSecret: Advise = ({ auth, clientId }) =>
	auth.kind === 'clientSecret' && isGuid(auth.clientSecret)
		? {
				reason: 'secretIdPasted',
				text: `The value pasted as Client Secret is probably the secret's ID, not its Value. In ${WHERE} › Certificates & secrets, the Value is shown only once, right after the secret is created: create a new client secret and paste its Value.`,
				field: 'clientSecret',
			}
		: {
				reason: 'wrongSecret',
				text: `The Client Secret is wrong for app ${clientId}. Paste the secret's Value (not its Secret ID) from ${WHERE} › Certificates & secrets, or create a new secret if the Value was not saved.`,
				field: 'clientSecret',
			};

const noCredential: Advise = () => ({
	reason: 'noCredential',
	text: 'Microsoft received neither a client secret nor a certificate assertion. Fill in Client Secret, or Certificate and Private Key.',
	field: 'authentication',
});

const certificateNotRegistered: Advise = ({ auth, clientId }) => {
	const cert = auth.kind === 'certificate' ? auth.certificate : undefined;
	const thumbprints = cert
		? ` (SHA-256 thumbprint ${cert.thumbprintSha256}, SHA-1 ${cert.thumbprintSha1})`
		: '';
	return {
		reason: 'certificateNotRegistered',
		text: `Microsoft rejected the certificate assertion: the certificate${thumbprints} is not uploaded to app ${clientId}, or the private key does not match it. Upload the public certificate (.cer/.pem) in ${WHERE} › Certificates & secrets › Certificates and compare the thumbprint shown there.`,
		field: 'certificate',
	};
};

const wrongCloud: Advise = ({ graphEndpoint }) => ({
	reason: 'wrongCloud',
	text: `The tenant does not know the Graph endpoint ${graphEndpoint}: the Cloud setting does not match the tenant's cloud (for example a US Government Graph endpoint with a global tenant). Choose the Cloud your tenant lives in.`,
	field: 'cloud',
});

const identityBusy: Advise = () => ({
	reason: 'identityBusy',
	text: "Microsoft's sign-in service is throttling or temporarily unavailable. Try again in a few minutes.",
});

/**
 * AADSTS codes with their own advice; other codes get a generic refusal with Microsoft's lookup
 * link. Codes: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
const ADVICE: Record<string, Advise> = {
	AADSTS90002: tenantNotFound,
	AADSTS900023: () => ({
		reason: 'tenantMalformed',
		text: "The Directory (tenant) ID is neither a GUID nor a valid domain. Copy it from the app registration's Overview page.",
		field: 'tenantId',
	}),
	AADSTS700016: ({ clientId, tenantId }) => ({
		reason: 'appNotFound',
		text: `No application with client ID ${clientId} exists in tenant "${tenantId}". Check the Application (client) ID on ${WHERE} › Overview, and that the tenant ID belongs to the same tenant and Cloud.`,
		field: 'clientId',
	}),
	AADSTS7000215: wrongSecret,
	AADSTS7000222: ({ clientId }) => ({
		reason: 'secretExpired',
		text: `The client secret of app ${clientId} has expired. Create a new secret in ${WHERE} › Certificates & secrets, paste its Value here and save: the next run and the next credential test use it at once.`,
		field: 'clientSecret',
	}),
	AADSTS7000218: noCredential,
	AADSTS7000216: noCredential,
	AADSTS700027: certificateNotRegistered,
	AADSTS700024: () => ({
		reason: 'clockSkew',
		text: 'Microsoft says the certificate assertion is outside its valid time range: the clock of this n8n server is wrong. Synchronise it (NTP).',
	}),
	AADSTS500011: wrongCloud,
	AADSTS1002012: wrongCloud,
	AADSTS70011: wrongCloud,
	AADSTS7000112: ({ clientId, tenantId }) => ({
		reason: 'appDisabled',
		text: `App ${clientId} is disabled in tenant "${tenantId}". Enable its enterprise application (Entra admin center › Enterprise applications › Properties › Enabled for users to sign-in).`,
	}),
	AADSTS53003: () => ({
		reason: 'conditionalAccess',
		text: "A Conditional Access policy for workload identities blocked the token request. Ask your Entra admin to allow this app from this server's IP address.",
	}),
	AADSTS90055: identityBusy,
	AADSTS90006: identityBusy,
};

/** The advice for a known AADSTS code, or undefined. */
export function adviceForCode(code: string, settings: GraphSettings): TokenAdvice | undefined {
	return Object.hasOwn(ADVICE, code) ? ADVICE[code](settings) : undefined;
}
