/** Configuration of one backup destination, as kept in the config file. */
export type DestinationKind = 'local' | 's3' | 'b2' | 'wasabi' | 'gcs' | 'azure';

export interface DestinationSummary {
  name: string;
  kind: DestinationKind;
  /** Human-readable location: a folder, or `s3://bucket/prefix`. Never contains credentials. */
  location: string;
  enabled: boolean;
}
