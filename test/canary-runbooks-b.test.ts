import { canaryRunbookTests } from './support/canary-suite.js';

// The other half of the shipped runbooks (see canary-runbooks-a).
canaryRunbookTests(1, 2);
