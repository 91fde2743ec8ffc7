import { runConformanceSuite } from '../testing/conformance.js';
import { gcsHarness } from '../testing/gcs-harness.js';

runConformanceSuite('gcs (firebase storage emulator)', gcsHarness());
