import { runConformanceSuite } from '../testing/conformance.js';
import { s3Harness } from '../testing/s3-harness.js';

runConformanceSuite('s3 (s3rver)', s3Harness());
