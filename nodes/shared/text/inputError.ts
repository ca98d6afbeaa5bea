/**
 * Invalid input for one item, found before any request. `field` is the parameter's display name so
 * the message reads "Item 3, To: …"; the executor adds the item number.
 */
export class InputError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}
