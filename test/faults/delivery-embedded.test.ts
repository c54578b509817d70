import { deliverySuite } from './delivery-suite.ts';

deliverySuite('embedded');
