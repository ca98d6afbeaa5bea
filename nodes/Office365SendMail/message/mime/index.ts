export { buildMime, type BuildOptions } from './compose';
export { newMessageId } from '../messageId';
export { base64Length, estimateEncodedSize } from './size';
export { validateMimeInput } from './validate';
export type { BuiltMime, MimeAddress, MimeAttachment, MimeHeader, MimeMessageInput } from './types';
