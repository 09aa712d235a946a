import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import {
  EVENT_STORE,
  type EventStore,
  type ExpectedRevision,
  type Json,
  WrongExpectedRevisionError,
} from '#event-store/event-store.port.js';
import type { EctCommand } from '#induction/induction/ect.commands.js';
import type { EctEvent, EctPersonalData } from '#induction/induction/ect.events.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { DomainError } from '#induction/shared/domain-error.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { canSeeSchool, type Principal } from '../auth/principal.js';
import { CLOCK } from '../domain/clock.token.js';
import { LEDGER_DOMAIN, ectStreamId, schoolStreamId, type LedgerDomain } from '../domain/ledger-domain.js';
import { PersonIdentity } from '../domain/person-identity.js';
import { toCsv } from '../http/csv.js';
import {
  BulkUploadEntity,
  type BulkUploadKind,
  type BulkUploadRecord,
  type BulkUploadRowError,
} from './bulk-upload.entity.js';
import { parseCsvRecords } from './csv-upload.js';
import { OUTCOME_COLUMNS, readOutcomeRow } from './outcome-rows.js';
import {
  REGISTRATION_COLUMNS,
  REGISTRATION_EXTRA_COLUMNS,
  readRegistrationRow,
} from './registration-rows.js';

/** Namespace for the event ids of an applied upload row: a repeated confirm finds its own events. */
const BULK_EVENT_NAMESPACE = '5d7c0a3e-1b8f-4f7e-9a51-2e6b0c9d4f13';

const COLUMNS: Record<BulkUploadKind, string[]> = {
  registrations: [...REGISTRATION_COLUMNS, ...REGISTRATION_EXTRA_COLUMNS],
  outcomes: OUTCOME_COLUMNS,
};
const REQUIRED: Record<BulkUploadKind, string[]> = {
  registrations: REGISTRATION_COLUMNS,
  outcomes: OUTCOME_COLUMNS,
};

interface PreparedRow {
  row: number;
  trn: string | null;
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: EctEvent[];
}
type RowResult = PreparedRow | BulkUploadRowError;
const isError = (result: RowResult): result is BulkUploadRowError => 'messages' in result;

export interface BulkUploadView {
  id: string;
  kind: BulkUploadKind;
  status: BulkUploadRecord['status'];
  uploadedBy: string;
  uploadedAt: string;
  rowCount: number;
  validRowCount: number;
  errorCount: number;
  appliedRowCount: number;
  appliedAt: string | null;
  errors: BulkUploadRowError[];
  links: { self: string; errorsCsv: string; confirm: string };
}

/**
 * Bulk CSV uploads as the DfE service takes them. Each row becomes the same domain command the single-ECT
 * route would send, decided against the ECT's current stream WITHOUT appending (synchronous validation). The
 * user then confirms by upload id, and the rows are applied all or nothing:
 *
 * 1. every not-yet-applied row is decided again against the streams as they are now; if any row fails (the
 *    state changed since validation) nothing is appended and the upload shows the new errors;
 * 2. otherwise the events are appended stream by stream, each with the revision the decision was made on.
 *
 * The event store has no multi-stream transaction, so one window remains: a write to one of the upload's ECTs
 * between step 1 and its append in step 2. That append then fails on its expected revision; the rows before it
 * are already written, the rest are not. The upload is marked `partially-applied` with the rows applied, and
 * confirming again re-validates and applies only the rest (event ids derive from upload and row, so nothing
 * is written twice).
 */
@Injectable()
export class BulkUploadService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: PersonIdentity,
  ) {}

  async upload(kind: BulkUploadKind, text: string, principal: Principal): Promise<BulkUploadView> {
    const rows = parseCsvRecords(text, REQUIRED[kind]);
    const results = await this.prepareAll(kind, rows, principal, new Set());
    const errors = results.filter(isError);
    const record: BulkUploadRecord = {
      id: randomUUID(),
      kind,
      status: errors.length === 0 ? 'validated' : 'rejected',
      uploadedBy: principal.userId,
      uploadedByRole: principal.role,
      uploadedAt: this.clock.now(),
      rowCount: rows.length,
      errorCount: errors.length,
      rows,
      errors,
      appliedRows: [],
      appliedBy: null,
      appliedAt: null,
    };
    await this.dataSource.getRepository(BulkUploadEntity).insert(record);
    return view(record);
  }

  async get(id: string, principal: Principal): Promise<BulkUploadView> {
    return view(await this.find(id, principal));
  }

  /** The rows with errors as a CSV to fix and upload again: the row's own cells, then what is wrong. */
  async errorsCsv(id: string, principal: Principal): Promise<string> {
    const record = await this.find(id, principal);
    const columns = COLUMNS[record.kind];
    const cells = (row: number) => record.rows?.[row - 2] ?? {};
    return toCsv(
      [
        { header: 'Row', value: (e: BulkUploadRowError) => e.row },
        ...columns.map((column) => ({
          header: column,
          value: (e: BulkUploadRowError) => cells(e.row)[column.toLowerCase()] ?? '',
        })),
        { header: 'Errors', value: (e: BulkUploadRowError) => e.messages.join('; ') },
      ],
      record.errors,
    );
  }

  async confirm(
    id: string,
    principal: Principal,
    correlationId: string,
  ): Promise<{ view: BulkUploadView; logPosition: bigint | null }> {
    const record = await this.find(id, principal);
    if (record.status === 'applied') return { view: view(record), logPosition: null };
    if (record.status === 'rejected' || record.rows === null) {
      throw new ConflictException([
        'This upload has rows with errors and cannot be applied: fix them and upload the file again',
      ]);
    }
    const repository = this.dataSource.getRepository(BulkUploadEntity);
    const applied = new Set(record.appliedRows);
    const results = await this.prepareAll(record.kind, record.rows, principal, applied);
    const errors = results.filter(isError);
    if (errors.length > 0) {
      await repository.update(record.id, {
        errors,
        errorCount: errors.length,
        status: record.status === 'partially-applied' ? 'partially-applied' : 'rejected',
      });
      throw new ConflictException([
        `Nothing was applied: ${errors.length} row(s) no longer pass because the records changed since the upload was checked`,
        ...errors.map((e) => `Row ${e.row}: ${e.messages.join('; ')}`),
      ]);
    }
    let logPosition: bigint | null = null;
    for (const prepared of results as PreparedRow[]) {
      try {
        const result = await this.store.append(
          prepared.streamId,
          prepared.events.map((event, index) => ({
            eventId: uuidv5(`${record.id}|${prepared.row}|${index}`, BULK_EVENT_NAMESPACE),
            type: event.type,
            schemaVersion: event.schemaVersion,
            data: event.data as { [key: string]: Json },
            metadata: {
              actor: principal.userId,
              actorRole: principal.role,
              correlationId,
              causationId: correlationId,
              bulkUploadId: record.id,
              bulkUploadRow: prepared.row,
            },
          })),
          { expectedRevision: prepared.expectedRevision },
        );
        logPosition = result.globalPosition;
        applied.add(prepared.row);
      } catch (error) {
        await repository.update(record.id, { status: 'partially-applied', appliedRows: [...applied] });
        if (error instanceof WrongExpectedRevisionError) {
          throw new ConflictException([
            `Row ${prepared.row}'s ECT changed while the upload was being applied: ${applied.size} row(s) were applied, the others were not. Confirm again to check and apply the rest.`,
          ]);
        }
        throw error;
      }
    }
    const done: Partial<BulkUploadRecord> = {
      status: 'applied',
      appliedRows: [...applied],
      appliedBy: principal.userId,
      appliedAt: this.clock.now(),
      rows: null,
    };
    await repository.update(record.id, done);
    return { view: view({ ...record, ...done }), logPosition };
  }

  /** The upload, for its uploader or hub staff; anyone else gets 404, as for another school's ECT. */
  private async find(id: string, principal: Principal): Promise<BulkUploadRecord> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const record = uuid
      ? await this.dataSource.getRepository(BulkUploadEntity).findOne({ where: { id: id.toLowerCase() } })
      : null;
    if (!record || (record.uploadedBy !== principal.userId && principal.role !== 'hub_staff')) {
      throw new NotFoundException([`No upload with id ${id}`]);
    }
    return record;
  }

  private async prepareAll(
    kind: BulkUploadKind,
    rows: readonly Record<string, string>[],
    principal: Principal,
    skip: ReadonlySet<number>,
  ): Promise<RowResult[]> {
    const today = londonDate(this.clock.now());
    const firstRowOfTrn = new Map<string, number>();
    const results: RowResult[] = [];
    for (const [index, cells] of rows.entries()) {
      const row = index + 2;
      if (skip.has(row)) continue;
      const trn = /^\d{7}$/.test(cells['trn']?.trim() ?? '') ? cells['trn']!.trim() : null;
      const earlier = trn === null ? undefined : firstRowOfTrn.get(trn);
      if (trn !== null && earlier !== undefined) {
        results.push({ row, trn, messages: [`TRN ${trn} is also on row ${earlier}: one row per ECT`] });
        continue;
      }
      if (trn !== null) firstRowOfTrn.set(trn, row);
      results.push(
        kind === 'registrations'
          ? await this.prepareRegistration(row, cells, principal, today)
          : await this.prepareOutcome(row, cells, principal, today),
      );
    }
    return results;
  }

  private async prepareRegistration(
    row: number,
    cells: Record<string, string>,
    principal: Principal,
    today: string,
  ): Promise<RowResult> {
    const { fields, problems } = readRegistrationRow(cells);
    if (fields === null) return { row, trn: cells['trn']?.trim() || null, messages: problems };
    if (!canSeeSchool(principal, fields.schoolUrn)) {
      return {
        row,
        trn: fields.trn,
        messages: [`School URN ${fields.schoolUrn} is not one of your schools`],
      };
    }
    if ((await this.store.readStream(schoolStreamId(fields.schoolUrn))).length === 0) {
      return {
        row,
        trn: fields.trn,
        messages: [`School URN ${fields.schoolUrn} is not on the AB's register`],
      };
    }
    const ectId = await this.identity.ectIdForTrn(fields.trn);
    const command: EctCommand = {
      type: 'RegisterEct',
      data: {
        ...fields,
        ectId,
        mentor: { personId: await this.identity.contactIdForEmail(fields.mentor.email), ...fields.mentor },
        inductionTutor: {
          personId: await this.identity.contactIdForEmail(fields.inductionTutor.email),
          ...fields.inductionTutor,
        },
        on: today,
      },
    };
    return this.decide(row, fields.trn, ectId, command);
  }

  private async prepareOutcome(
    row: number,
    cells: Record<string, string>,
    principal: Principal,
    today: string,
  ): Promise<RowResult> {
    const { fields, problems } = readOutcomeRow(cells);
    if (fields === null) return { row, trn: cells['trn']?.trim() || null, messages: problems };
    const ectId = await this.identity.ectIdForTrn(fields.trn);
    const { state } = await this.load(ectId);
    const person = state.people[ectId] as EctPersonalData | null | undefined;
    if (
      state.phase === 'unregistered' ||
      !state.leadSchoolUrn ||
      !canSeeSchool(principal, state.leadSchoolUrn)
    ) {
      return { row, trn: fields.trn, messages: [`No ECT with TRN ${fields.trn} is registered with this AB`] };
    }
    if (person?.dateOfBirth !== fields.dateOfBirth) {
      return {
        row,
        trn: fields.trn,
        messages: [`Date of birth does not match our record for TRN ${fields.trn}`],
      };
    }
    const command: EctCommand =
      fields.outcome === 'release'
        ? {
            type: 'TransferEct',
            data: { leftOn: fields.endDate, reason: 'Released (bulk outcome upload)', on: today },
          }
        : {
            type: 'DecideOutcome',
            data: {
              decision: fields.outcome,
              decidedOn: today,
              rationale: `Outcome uploaded in bulk: induction period ended ${fields.endDate} after ${fields.terms} terms`,
              decidedBy: {
                personId: principal.userId,
                ...(principal.schoolUrns[0] ? { schoolUrn: principal.schoolUrns[0] } : {}),
              },
              on: today,
            },
          };
    return this.decide(row, fields.trn, ectId, command);
  }

  /** The domain's decision on the stream as it is now, without appending: the events or the rule's message. */
  private async decide(row: number, trn: string, ectId: string, command: EctCommand): Promise<RowResult> {
    const { state, revision } = await this.load(ectId);
    try {
      const events = this.domain.ect.decide(command, state);
      return { row, trn, streamId: ectStreamId(ectId), expectedRevision: revision, events };
    } catch (error) {
      if (error instanceof DomainError) return { row, trn, messages: [error.message] };
      throw error;
    }
  }

  private async load(ectId: string): Promise<{ state: EctState; revision: ExpectedRevision }> {
    const recorded = await this.store.readStream(ectStreamId(ectId));
    const state = recorded
      .map(this.domain.toEctEvent)
      .reduce(this.domain.ect.evolve, this.domain.ect.initialState());
    return { state, revision: recorded.at(-1)?.streamRevision ?? 'no_stream' };
  }
}

function view(record: BulkUploadRecord): BulkUploadView {
  const self = `/api/v1/bulk-uploads/${record.id}`;
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    uploadedBy: record.uploadedBy,
    uploadedAt: new Date(record.uploadedAt).toISOString(),
    rowCount: record.rowCount,
    validRowCount: record.rowCount - record.errorCount,
    errorCount: record.errorCount,
    appliedRowCount: record.appliedRows.length,
    appliedAt: record.appliedAt ? new Date(record.appliedAt).toISOString() : null,
    errors: record.errors,
    links: { self, errorsCsv: `${self}/errors.csv`, confirm: `${self}/confirm` },
  };
}
