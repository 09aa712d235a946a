import { Inject, NotFoundException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ErasePersonalData } from '#induction/induction/ect.commands.js';
import { KEY_VAULT, type KeyVault } from '#platform/personal-data/key-vault.js';
import { LEDGER_DOMAIN, type LedgerDomain } from '../../domain/ledger-domain.js';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ErasePersonalDataRequestDto } from './erase-personal-data.request.dto.js';

/**
 * R23 crypto-shredding, carried out by hub staff once an erasure request is on the ECT's record (where the
 * domain checks the 6-year retention):
 * 1. the domain decides first (422 `R23: …` without a recorded request), so nothing is shredded in error;
 * 2. the person's key is deleted: every copy of their fields in the log (backups included) reads back as null;
 * 3. `PersonalDataErased` is appended to the ECT's stream, so every read model redacts its own copies.
 * Steps 2 and 3 are idempotent (the vault keeps its first tombstone; the domain decides nothing once the
 * erasure is recorded), so a retry after a failure between them completes the erasure.
 */
export class ErasePersonalDataCommand extends Command<CommandAccepted> {
  constructor(
    readonly subjectId: string,
    readonly body: ErasePersonalDataRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

class RecordErasureCommand extends EctRequestCommand<{ subjectId: string }> {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand> {
  constructor(
    private readonly writes: EctWrites,
    @Inject(KEY_VAULT) private readonly keyVault: KeyVault,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
  ) {}

  async execute({
    subjectId: rawSubjectId,
    body,
    context,
  }: ErasePersonalDataCommand): Promise<CommandAccepted> {
    if (!UUID.test(rawSubjectId)) throw new NotFoundException([`No person with id ${rawSubjectId}`]);
    const subjectId = rawSubjectId.toLowerCase();
    const { ectId, state } = await this.writes.load(context.principal, body.ectId);
    const command: ErasePersonalData = {
      type: 'ErasePersonalData',
      data: { subjectId, on: this.writes.today() },
    };
    this.domain.ect.decide(command, state); // throws R23 when no erasure is requested
    await this.keyVault.erase(subjectId, { erasedBy: context.principal.userId, reason: body.reason });
    return this.writes.run(new RecordErasureCommand(ectId, { subjectId }, context), (_c, _s, on) => ({
      type: 'ErasePersonalData',
      data: { subjectId, on },
    }));
  }
}
