import { runConformanceSuite } from '../testing/conformance.js';
import { localHarness } from '../testing/local-harness.js';

runConformanceSuite('local folder', localHarness());
