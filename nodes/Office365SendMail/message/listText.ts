import { InputError } from '../../shared/text/inputError';
import { MAX_LIST_TEXT_CHARS } from './limits';

/**
 * The entries of a list field: an array as given, or comma-separated text (bounded before it is
 * split); undefined when the value is neither, so the caller can say what it expected.
 */
export function listEntries(value: unknown, field: string): unknown[] | undefined {
	if (typeof value === 'string' && value.length > MAX_LIST_TEXT_CHARS)
		throw new InputError(
			field,
			`Is ${value.length} characters long; the limit is ${MAX_LIST_TEXT_CHARS}.`,
		);
	if (Array.isArray(value)) return value;
	return typeof value === 'string' ? value.split(',') : undefined;
}
