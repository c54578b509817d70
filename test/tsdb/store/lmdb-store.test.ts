import { openLmdbStore } from '../../../aggregator/store/lmdb-store.ts';
import { storageContract } from './storage-contract.ts';

storageContract('openLmdbStore', openLmdbStore);
