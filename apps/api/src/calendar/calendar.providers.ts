import { CalendarHttpController } from './calendar.http-controller.js';
import { SetAcademicYearTermDatesHandler, SetFteTermDaysHandler } from './calendar.handlers.js';
import { CalendarService } from './calendar.service.js';

/** R1: hub staff configure the AB's term calendar (issue 4). */
export const CALENDAR_CONTROLLERS = [CalendarHttpController];
export const CALENDAR_PROVIDERS = [CalendarService, SetAcademicYearTermDatesHandler, SetFteTermDaysHandler];
