import { memoryQueue } from '../../../agent/buffer/memory-queue.ts';
import { queueContract } from './queue-contract.ts';

queueContract('memory queue', async (opts) => memoryQueue({ ...opts }));
