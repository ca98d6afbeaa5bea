/** Public contract: saved workflows and credentials refer to these names. */
export const CREDENTIAL_TYPE = 'microsoftGraphClientCredentialsApi';
export const NODE_TYPE = 'office365SendMail';
