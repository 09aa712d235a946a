// GOV.UK Frontend and MoJ Frontend components, started once the template has marked the page as supported.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';
import { initAll as initMoj } from '/assets/moj/moj-frontend.min.js';

initAll();
initMoj();
