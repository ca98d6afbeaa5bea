import { outcomeOf } from '../../outcome';
import { failed, notChecked, passed } from '../../setupChecks/finding';
import { GraphApiError } from '../../transport/graphErrors';
import { adviseGraphError } from '../graphAdvice';
import { probeMailbox, probeScope } from '../probes';
import { probeRead } from '../readProbe';
import type { SetupCheck } from './run';
import { skippedAfterSignIn } from './signIn';
import { graphUnreachable } from './unanswered';

/**
 * The sender probe: Exchange accepts a message without recipients from the mailbox, so nothing is
 * delivered.
 */
export const senderProbeCheck: SetupCheck = {
	id: 'senderProbe',
	local: (input) => input.sender.problem,
	run: async (run) => {
		const { graph } = await run.signedIn();
		const settings = run.settings;
		if (!graph || !settings) return skippedAfterSignIn('senderProbe', run);
		const mailbox = run.input.sender.mailbox;
		const probed = await outcomeOf(() => probeMailbox(graph, mailbox));
		if (probed.ok)
			return passed(
				'senderProbe',
				`${mailbox} can send: Exchange accepted a probe message without recipients (nothing was delivered).`,
			);
		if (!(probed.error instanceof GraphApiError))
			return graphUnreachable('senderProbe', settings.graphEndpoint, probed.error);
		run.senderRefusal = probed.error;
		const advice = adviseGraphError(probed.error, {
			mailbox,
			clientId: settings.clientId,
			permission: 'Mail.Send',
		});
		const fix =
			'Exchange changes can take up to 2 hours; then save the credential or run Check Setup again.';
		return {
			...failed('senderProbe', 'error', advice.message, fix),
			reason: advice.reason,
			fixInDetail: true,
		};
	},
};

const SCOPE_EMPTY = notChecked(
	'scopeProbe',
	"Mailbox Outside the App's Scope is empty in the credential, so whether Exchange limits the app to its sending mailboxes was not checked.",
	"Enter a mailbox the app must not send from (e.g. an executive's) in the credential's Mailbox Outside the App's Scope.",
);

/**
 * A mailbox the app must NOT reach. A refusal proves the scoping only after the app was shown to be
 * able to send at all, so the check needs a sender and waits for the sender probe.
 */
export const scopeProbeCheck: SetupCheck = {
	id: 'scopeProbe',
	local: ({ read, sender }) => {
		const outside = read.ok ? read.value.scopeCheckMailbox : undefined;
		if (!outside) return undefined;
		if (!sender.mailbox)
			return {
				...failed(
					'scopeProbe',
					'error',
					`Mailbox Outside the App's Scope needs a ${sender.label}: the check first proves the app can send from that one, so that a refusal for the other mailbox can only come from the Exchange scoping.`,
					`Fill in the ${sender.label}, or leave Mailbox Outside the App's Scope empty.`,
				),
				reason: 'invalid:senderMailbox',
			};
		if (outside.toLowerCase() === sender.mailbox.toLowerCase())
			return {
				...failed(
					'scopeProbe',
					'error',
					`The ${sender.label} ${sender.mailbox} is the credential's Mailbox Outside the App's Scope.`,
					`Use a different ${sender.label}, or a different mailbox outside the scope.`,
				),
				reason: 'invalid:scopeCheckMailbox',
			};
		return undefined;
	},
	run: async (run) => {
		const { graph } = await run.signedIn();
		const settings = run.settings;
		if (!graph || !settings) return skippedAfterSignIn('scopeProbe', run);
		const outside = settings.scopeCheckMailbox;
		if (!outside) return SCOPE_EMPTY;
		if (!(await run.result('senderProbe')).ok)
			return notChecked(
				'scopeProbe',
				`Not checked: the scoping of ${outside} can only be proven once the sender probe passes.`,
				'Fix the sender probe first, then run the checks again.',
			);
		const scoped = await outcomeOf(() => probeScope(graph, settings, outside));
		return scoped.ok
			? scoped.value
			: graphUnreachable('scopeProbe', settings.graphEndpoint, scoped.error);
	},
};

/**
 * Whether the app can read the sender mailbox (the Mail Trigger's need): a note, never a failure.
 */
export const mailReadCheck: SetupCheck = {
	id: 'mailRead',
	run: async (run) => {
		const { graph } = await run.signedIn();
		const settings = run.settings;
		if (!graph || !settings) return skippedAfterSignIn('mailRead', run);
		if (run.input.sender.problem)
			return notChecked('mailRead', 'Not checked: no usable sender mailbox.');
		return probeRead(graph, settings, run.input.sender.mailbox);
	},
};
