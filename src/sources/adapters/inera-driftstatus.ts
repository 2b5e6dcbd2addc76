/** Inera's driftstatus page: ongoing (and recently resolved) disruptions. */
import { parseHtmlPage } from './html-common.js';
import type { Adapter } from './types.js';

const NAME = 'inera-driftstatus';

/** Items are disruptions unless their badge says otherwise; incident times infer a missing year from the past. */
export const ineraDriftstatus: Adapter = {
  name: NAME,
  async parse(body, ctx) {
    return parseHtmlPage(body, ctx, { name: NAME, defaultKind: 'disruption' });
  },
};
