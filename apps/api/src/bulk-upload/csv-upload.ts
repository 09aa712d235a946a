import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import type { Request, Response } from 'express';
import multer from 'multer';

/** The DfE service's limits for one upload. */
export const MAX_ROWS = 1000;
export const MAX_BYTES = 2 * 1024 * 1024;

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_BYTES, files: 1 } }).single(
  'file',
);

/**
 * The CSV text of an upload: a multipart form with the file in `file`, or the CSV itself as a `text/csv` body.
 * Anything over 2 MB is refused (413) before it is parsed.
 */
export async function readCsvUpload(request: Request, response: Response): Promise<string> {
  if (request.is('multipart/form-data')) {
    await new Promise<void>((resolve, reject) =>
      upload(request, response, (error: unknown) => {
        if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') reject(tooLarge());
        else if (error instanceof multer.MulterError)
          reject(new BadRequestException([`file: ${error.message}`]));
        else if (error) reject(error as Error);
        else resolve();
      }),
    );
    const file = (request as Request & { file?: Express.Multer.File }).file;
    if (!file) throw new BadRequestException(['file: attach the CSV file in the form field "file"']);
    return decode(file.buffer);
  }
  if (request.is('text/csv') || request.is('text/plain')) {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BYTES) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
    return decode(Buffer.concat(chunks));
  }
  throw new UnsupportedMediaTypeException([
    'Send the CSV as a multipart form (field "file") or as a text/csv body',
  ]);
}

function decode(buffer: Buffer): string {
  return buffer.toString('utf8').replace(/^\uFEFF/, '');
}

function tooLarge() {
  return new PayloadTooLargeException([
    `The file is larger than 2 MB: split it into files of at most ${MAX_ROWS.toLocaleString('en-GB')} rows`,
  ]);
}

/** Lower-case, single-spaced header, so "Date of Birth " and "date of birth" name the same column. */
export const normaliseHeader = (header: string) => header.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Parses the CSV into records keyed by normalised header. Refuses (400) a file that is not CSV or lacks a
 * required column, and (413) one with more than 1,000 rows.
 */
export function parseCsvRecords(text: string, requiredHeaders: readonly string[]): Record<string, string>[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (headers: string[]) => headers.map(normaliseHeader),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      to: MAX_ROWS + 1,
    }) as Record<string, string>[];
  } catch (error) {
    throw new BadRequestException([`The file is not a CSV file we can read: ${(error as Error).message}`]);
  }
  const headers = text.split(/\r?\n/, 1)[0] ?? '';
  const present = new Set((parse(headers, { to: 1 }) as string[][])[0]?.map(normaliseHeader) ?? []);
  const missing = requiredHeaders.filter((h) => !present.has(normaliseHeader(h)));
  if (missing.length > 0) {
    throw new BadRequestException([
      `The file must have a header row with the columns ${requiredHeaders.join(', ')}; missing: ${missing.join(', ')}`,
    ]);
  }
  if (records.length > MAX_ROWS) {
    throw new PayloadTooLargeException([
      `The file has more than ${MAX_ROWS.toLocaleString('en-GB')} rows: split it into files of at most ${MAX_ROWS.toLocaleString('en-GB')} rows`,
    ]);
  }
  if (records.length === 0) throw new BadRequestException(['The file has a header row but no rows']);
  return records;
}
