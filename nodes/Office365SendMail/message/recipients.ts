/** The address model lives in a leaf (nodes/shared/address) that the credential code imports too. */
export * from '../../shared/address/recipients';
