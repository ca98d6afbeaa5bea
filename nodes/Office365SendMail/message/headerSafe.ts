/** The header-safe text rule lives in the shared text leaf (nodes/shared/text). */
export { excerpt, headerSafe, unsafeCharOf } from '../../shared/text/headerSafe';
