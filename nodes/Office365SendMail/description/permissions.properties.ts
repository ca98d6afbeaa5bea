import type { INodeProperties } from 'n8n-workflow';

const SCOPE =
	"lets this app act on <b>any</b> mailbox in the tenant, unless an Exchange Online policy (RBAC for Applications or an application access policy) or the credential's Allowed Senders restricts it.";

/**
 * Each operation's own application permissions, shown above its parameters (README › Operations).
 */
export const permissionNotices: INodeProperties[] = [
	{
		displayName: `Send needs the <b>Mail.Send</b> application permission, and <b>Mail.ReadWrite</b> too for attachments of 3 MB or more and for Send At. Mail.Send ${SCOPE}`,
		name: 'mailSendNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['send'] } },
	},
	{
		displayName: `Reply needs the <b>Mail.Send</b> application permission, and <b>Mail.ReadWrite</b> too for large attachments. Mail.Send ${SCOPE}`,
		name: 'replyPermissionNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['reply'] } },
	},
	{
		displayName: `Create Draft needs the <b>Mail.ReadWrite</b> application permission (not Mail.Send). Mail.ReadWrite ${SCOPE}`,
		name: 'draftPermissionNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['createDraft'] } },
	},
	{
		displayName: `Send and Wait for Response needs the <b>Mail.Send</b> application permission. Mail.Send ${SCOPE}`,
		name: 'sendAndWaitPermissionNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['sendAndWait'] } },
	},
];
