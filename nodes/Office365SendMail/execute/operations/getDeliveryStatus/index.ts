import type { StandaloneOperationSpec } from '../types';
import { executeGetDeliveryStatus } from './run';

/**
 * Get Delivery Status: read-only, so it runs outside the delivery phases with its own trace budget.
 */
export const getDeliveryStatus: StandaloneOperationSpec = {
	kind: 'standalone',
	execute: executeGetDeliveryStatus,
};
