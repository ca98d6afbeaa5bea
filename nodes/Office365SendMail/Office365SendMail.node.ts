import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { nodeDescription } from './description/node.description';
import { executeSendMail } from './execute/router';

/** Shell: the description is data, the behaviour lives in execute/ (habit 3). */
export class Office365SendMail implements INodeType {
	description: INodeTypeDescription = nodeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeSendMail.call(this);
	}
}
