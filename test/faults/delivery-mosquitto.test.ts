import { deliverySuite } from './delivery-suite.ts';

deliverySuite('mosquitto');
