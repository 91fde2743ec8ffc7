/**
 * Schema 9: what each file was shot with (make, model, body serial, lens) and its pixel size, read
 * with its capture time, for the wedding analysis; and when a wedding was last opened in Keepsake.
 * Null for files read before this schema until they are read again.
 */
export default `
ALTER TABLE files ADD COLUMN camera_make TEXT;
ALTER TABLE files ADD COLUMN camera_model TEXT;
ALTER TABLE files ADD COLUMN camera_serial TEXT;
ALTER TABLE files ADD COLUMN lens TEXT;
ALTER TABLE files ADD COLUMN pixel_width INTEGER;
ALTER TABLE files ADD COLUMN pixel_height INTEGER;
ALTER TABLE weddings ADD COLUMN opened_at INTEGER;
`;
