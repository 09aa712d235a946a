import { EntitySchema } from 'typeorm';

export type BulkUploadKind = 'registrations' | 'outcomes';
/**
 * validated: every row passed and waits for the user's confirmation; rejected: some rows have errors (fix the
 * file and upload it again); applied: confirmed and written; partially-applied: a concurrent change stopped
 * the apply part way (see bulk-upload.service.ts): confirming again finishes it or reports what changed.
 */
export type BulkUploadStatus = 'validated' | 'rejected' | 'applied' | 'partially-applied';

export interface BulkUploadRowError {
  /** Spreadsheet row number: the header is row 1. */
  row: number;
  trn: string | null;
  messages: string[];
}

export interface BulkUploadRecord {
  id: string;
  kind: BulkUploadKind;
  status: BulkUploadStatus;
  uploadedBy: string;
  uploadedByRole: string;
  uploadedAt: Date;
  rowCount: number;
  errorCount: number;
  /** The parsed rows, kept only until they are applied (they hold personal data outside the key vault). */
  rows: Record<string, string>[] | null;
  errors: BulkUploadRowError[];
  appliedRows: number[];
  appliedBy: string | null;
  appliedAt: Date | null;
}

/** Bulk CSV uploads (registrations and outcomes, as the DfE service takes them): a platform table, not a projection. */
export const BulkUploadEntity = new EntitySchema<BulkUploadRecord>({
  name: 'BulkUpload',
  tableName: 'bulk_uploads',
  columns: {
    id: { type: 'uuid', primary: true, primaryKeyConstraintName: 'bulk_uploads_pkey' },
    kind: { type: 'text' },
    status: { type: 'text' },
    uploadedBy: { name: 'uploaded_by', type: 'text' },
    uploadedByRole: { name: 'uploaded_by_role', type: 'text' },
    uploadedAt: { name: 'uploaded_at', type: 'timestamptz' },
    rowCount: { name: 'row_count', type: 'int' },
    errorCount: { name: 'error_count', type: 'int' },
    rows: { type: 'jsonb', nullable: true },
    errors: { type: 'jsonb' },
    appliedRows: { name: 'applied_rows', type: 'jsonb' },
    appliedBy: { name: 'applied_by', type: 'text', nullable: true },
    appliedAt: { name: 'applied_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'bulk_uploads_uploaded_by', columns: ['uploadedBy', 'uploadedAt'] }],
});
