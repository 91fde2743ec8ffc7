import m001 from './001-initial.js';
import m002 from './002-uploads.js';
import m003 from './003-audit.js';
import m004 from './004-ciphertexts.js';
import m005 from './005-protection.js';
import m006 from './006-queue-order.js';
import m007 from './007-manifested.js';
import m008 from './008-capture-source.js';
import m009 from './009-camera.js';
import m010 from './010-replica-class.js';

/** Migrations in order; schema version N is reached by applying the first N. Never edit a shipped one. */
export const migrations: readonly string[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010];
