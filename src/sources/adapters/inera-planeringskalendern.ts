/** Inera's planning calendar: releases and introductions ("Införande"), grouped by month. */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { norm, parseHtmlPage } from './html-common.js';
import type { Adapter } from './types.js';

const NAME = 'inera-planeringskalendern';
const YEAR = /\b(?:19|20)\d{2}\b/;

/**
 * When an entry has no Tid/Datum label: its time paragraph (".calendar-time"), else its
 * date block ("8 dec") with the year taken from the month heading ("December 2026").
 */
export function calendarTime(item: Cheerio<Element>, $: CheerioAPI, sectionHeading: string | null): string | null {
  const time = item
    .find('[class*=time], time')
    .filter((_, el) => norm($(el).text()) !== '')
    .first();
  if (time.length) return norm(time.text());
  const date = norm(item.find('[class*=date]').first().text());
  if (!date) return null;
  const year = YEAR.exec(sectionHeading ?? '')?.[0];
  return year && !YEAR.test(date) ? `${date} ${year}` : date;
}

/** Items are releases, planned unless their badge says otherwise. */
export const ineraPlaneringskalendern: Adapter = {
  name: NAME,
  async parse(body, ctx) {
    return parseHtmlPage(body, ctx, { name: NAME, defaultKind: 'release', fallbackTime: calendarTime });
  },
};
