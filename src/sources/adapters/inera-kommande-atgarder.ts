/** Inera's "Kommande åtgärder": planned service windows and other maintenance. */
import { parseHtmlPage } from './html-common.js';
import type { Adapter } from './types.js';

const NAME = 'inera-kommande-atgarder';

/** Items are maintenance, planned unless their badge says otherwise ("Inställd"). */
export const ineraKommandeAtgarder: Adapter = {
  name: NAME,
  async parse(body, ctx) {
    return parseHtmlPage(body, ctx, { name: NAME, defaultKind: 'maintenance' });
  },
};
