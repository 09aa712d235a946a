import { Inject, NotFoundException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { statutory } from '#induction/shared/domain-error.js';
import { KEY_VAULT, type KeyVault } from '#platform/personal-data/key-vault.js';
import type { CommandContext } from '../../http/command-context.js';
import { EctWrites } from '../shared/ect-writes.js';
import type { ErasePersonalDataRequestDto } from './erase-personal-data.request.dto.js';

export interface ErasureDone {
  subjectId: string;
  erasedAt: string;
  erasedBy: string;
}

/**
 * R23 crypto-shredding: deletes the person's key, so every copy of their fields in the log (backups included)
 * reads back as null. Only after an erasure request is on the ECT's record, because the request is where the
 * domain checks the 6-year retention. The domain has no "erased" event: the key vault's tombstone (who,
 * when, why) is the record of the erasure itself.
 */
export class ErasePersonalDataCommand extends Command<ErasureDone> {
  constructor(
    readonly subjectId: string,
    readonly body: ErasePersonalDataRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand> {
  constructor(
    private readonly writes: EctWrites,
    @Inject(KEY_VAULT) private readonly keyVault: KeyVault,
  ) {}

  async execute({ subjectId: rawSubjectId, body, context }: ErasePersonalDataCommand): Promise<ErasureDone> {
    if (!UUID.test(rawSubjectId)) throw new NotFoundException([`No person with id ${rawSubjectId}`]);
    const subjectId = rawSubjectId.toLowerCase();
    const { state } = await this.writes.load(context.principal, body.ectId);
    if (!state.erasureRequests.some((request) => request.subjectId === subjectId)) {
      throw statutory(
        'R23',
        'no erasure request for this person is recorded on this ECT’s record',
        'subjectId',
      );
    }
    await this.keyVault.erase(subjectId, { erasedBy: context.principal.userId, reason: body.reason });
    const tombstone = await this.keyVault.tombstone(subjectId);
    return {
      subjectId,
      erasedAt: (tombstone?.erasedAt ?? new Date()).toISOString(),
      erasedBy: tombstone?.erasedBy ?? context.principal.userId,
    };
  }
}
