import type { GraphSettings } from '../../credential/settings';
import type { Outcome } from '../../outcome';
import type { Finding } from '../../setupChecks/finding';
import type { AccessToken } from '../../token/tokenProvider';
import type { GraphClient } from '../../transport/graphClient';
import type { GraphApiError } from '../../transport/graphErrors';
import type { HttpClient } from '../../transport/httpClient';

/** The mailbox the checks probe, or the finding that says why there is none to probe. */
export interface SenderChoice {
	/** The mailbox as entered; its domain is checked even when it may not be probed. */
	mailbox: string;
	/** Where it came from, as the editor names the field: "Default Sender Mailbox" or "Sender". */
	label: string;
	/**
	 * Why the mailbox must not be probed (missing, malformed, not in Allowed Senders); undefined when
	 * it may.
	 */
	problem?: Finding;
}

export interface CheckInput {
	/** The credential as read, or why it could not be read (the signIn finding says so). */
	read: Outcome<GraphSettings>;
	/**
	 * The credential's fields as stored: the certificate's expiry is told even when the credential is
	 * unusable.
	 */
	raw: Record<string, unknown>;
	sender: SenderChoice;
	http: HttpClient;
}

/** Sign-in's outcome, shared by every check that asks Microsoft. */
export interface Session {
	finding: Finding;
	token?: AccessToken;
	graph?: GraphClient;
}

/**
 * One check: its id (the `check` of its finding), what the input alone tells before any request (a
 * finding there settles the check), and what it asks Microsoft otherwise.
 */
export interface SetupCheck {
	id: string;
	local?: (input: CheckInput) => Finding | undefined;
	run: (run: CheckRun) => Promise<Finding>;
}

/**
 * One run of the checks: each check's finding is computed once, whoever asks first (permissions
 * reads the probes' findings), and sign-in happens once for all.
 */
export class CheckRun {
	/** Graph's refusal of the sender probe, for telling a missing permission from other refusals. */
	senderRefusal?: GraphApiError;
	private readonly results = new Map<string, Promise<Finding>>();
	private session?: Promise<Session>;

	constructor(
		readonly input: CheckInput,
		private readonly checks: SetupCheck[],
		private readonly signIn: (input: CheckInput) => Promise<Session>,
	) {}

	get settings(): GraphSettings | undefined {
		return this.input.read.ok ? this.input.read.value : undefined;
	}

	/**
	 * The finding of check `id`: its local one when there is one, else the outcome of its requests.
	 */
	result(id: string): Promise<Finding> {
		let found = this.results.get(id);
		if (!found) {
			const check = this.checks.find((c) => c.id === id);
			if (!check) throw new Error(`no check ${id}`);
			const local = check.local?.(this.input);
			found = local ? Promise.resolve(local) : check.run(this);
			this.results.set(id, found);
		}
		return found;
	}

	signedIn(): Promise<Session> {
		this.session ??= this.signIn(this.input);
		return this.session;
	}

	/** The findings the input alone settles, in catalogue order: nothing here sends a request. */
	localFindings(): Finding[] {
		return this.checks.flatMap((check) => {
			const local = check.local?.(this.input);
			if (local) this.results.set(check.id, Promise.resolve(local));
			return local ? [local] : [];
		});
	}

	/** Every other finding, in catalogue order; stopping the iteration stops the requests. */
	async *remoteFindings(): AsyncGenerator<Finding> {
		for (const check of this.checks)
			if (!check.local?.(this.input)) yield await this.result(check.id);
	}

	/** Every finding in catalogue order (Check Setup). */
	async all(): Promise<Finding[]> {
		const findings: Finding[] = [];
		for (const check of this.checks) findings.push(await this.result(check.id));
		return findings;
	}
}
