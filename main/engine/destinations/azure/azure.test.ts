import { runConformanceSuite } from '../testing/conformance.js';
import { azureHarness } from '../testing/azure-harness.js';

runConformanceSuite('azure (azurite)', azureHarness());
