/**
 * A wedding's compliance level from what is configured and stored:
 * - enhanced: every file is protected with a copy off the laptop, and every destination holding its
 *   files is encrypted;
 * - enterprise: enhanced, plus a residency region the copies are held to, plus a retention period;
 * - standard: otherwise. Each requirement is reported with the reason it is or is not met.
 */
import type { ComplianceCheck, WeddingCompliance } from '../../../shared/model/analysis.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';

export function complianceOf(status: WeddingStatus, encrypted: ReadonlySet<string>): WeddingCompliance {
  const holders = Object.entries(status.copies)
    .filter(([, n]) => n > 0)
    .map(([d]) => d);
  const plain = holders.filter((d) => !encrypted.has(d));
  const residency = status.policy?.residency ?? null;
  const offLaptop: ComplianceCheck = {
    requirement: 'every file has a copy off the laptop',
    met: status.files > 0 && status.protected === status.files,
    detail:
      status.files === 0
        ? 'no files yet'
        : `${status.protected} of ${status.files} files are protected off the laptop`,
  };
  const encryption: ComplianceCheck = {
    requirement: 'every destination holding its files is encrypted',
    met: holders.length > 0 && plain.length === 0,
    detail:
      holders.length === 0
        ? 'no copies stored yet'
        : plain.length === 0
          ? `all of ${holders.join(', ')} encrypted`
          : `not encrypted: ${plain.join(', ')}`,
  };
  const region: ComplianceCheck = {
    requirement: 'its copies are held to a residency region',
    met: residency !== null,
    detail: residency ? `only on destinations tagged ${residency}` : 'no residency set for this wedding',
  };
  const retention: ComplianceCheck = {
    requirement: 'a retention period is set',
    met: false,
    detail: 'Keepsake cannot set a retention period yet (it never deletes a stored copy)',
  };
  const checks = [offLaptop, encryption, region, retention];
  const enhanced = offLaptop.met && encryption.met;
  const level = enhanced && region.met && retention.met ? 'enterprise' : enhanced ? 'enhanced' : 'standard';
  return { level, checks };
}
