import { canaryRunbookTests } from './support/canary-suite.js';

// Half of the shipped runbooks (the other half is in canary-runbooks-b), so each file stays short.
canaryRunbookTests(0, 2);
