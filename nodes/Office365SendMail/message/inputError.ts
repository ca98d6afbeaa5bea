/** InputError lives in the shared text leaf (nodes/shared/text), which the credential code imports too. */
export { InputError } from '../../shared/text/inputError';
