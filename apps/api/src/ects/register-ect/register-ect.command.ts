import { Command } from '@nestjs/cqrs';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import type { RegisterEctRequestDto } from './register-ect.request.dto.js';

export class RegisterEctCommand extends Command<CommandAccepted> {
  constructor(
    readonly request: RegisterEctRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
