/**
 * The Swedish vocabulary of status pages: field labels, status and kind words, and the
 * status prefixes that titles carry ("Åtgärdat: …"). Shared by every adapter and by
 * identity (a prefix is never part of an item's key).
 */
import type { Kind, Status } from './types.js';

/** What a labelled value on a page means. */
export type Label =
  | 'title'
  | 'service'
  | 'start'
  | 'end'
  | 'time'
  | 'impact'
  | 'priority'
  | 'status'
  | 'updated'
  | 'type';

const LABELS: Record<string, Label> = {
  rubrik: 'title',
  titel: 'title',
  tjänst: 'service',
  tjänster: 'service',
  'berörd tjänst': 'service',
  'berörda tjänster': 'service',
  'påverkad tjänst': 'service',
  'påverkade tjänster': 'service',
  start: 'start',
  starttid: 'start',
  slut: 'end',
  sluttid: 'end',
  'beräknas klart': 'end',
  'beräknad sluttid': 'end',
  prognos: 'end',
  tid: 'time',
  datum: 'time',
  tidpunkt: 'time',
  påverkan: 'impact',
  konsekvens: 'impact',
  konsekvenser: 'impact',
  prioritet: 'priority',
  status: 'status',
  'senast uppdaterad': 'updated',
  uppdaterad: 'updated',
  typ: 'type',
};

/** The label a text names ("Berörda tjänster:", "STARTTID"), or undefined. */
export function labelOf(text: string): Label | undefined {
  const key = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*[:：]$/u, '')
    .toLocaleLowerCase('sv');
  return LABELS[key];
}

/** Splits "Tjänst: 1177 journal" into its label and value; undefined when the text has no known label. */
export function splitLabelled(text: string): { label: Label; value: string } | undefined {
  const m = /^\s*([\p{L} ]{2,25}?)\s*[:：]\s*([\s\S]*)$/u.exec(text);
  if (!m?.[1]) return undefined;
  const label = labelOf(m[1]);
  return label ? { label, value: m[2] ?? '' } : undefined;
}

/** Whole-word alternatives; \b does not know å/ä/ö, so edges use Unicode classes. */
function words(alternatives: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'iu');
}

/**
 * Status words by precedence: a later state beats an earlier one when a badge names two.
 * "Flyttad" and "Uppdaterad" are deliberately absent: they change no status.
 */
const STATUS_WORDS: [RegExp, Status][] = [
  [words('inställ(?:d|t|s|da)|avbokad|avbokat'), 'cancelled'],
  [words('åtgärda(?:d|t|de|des|ts)|löst|lösts|avslutad|avslutat|återställ(?:d|t|ts)'), 'resolved'],
  [words('pågående|pågår'), 'ongoing'],
  [words('planera(?:d|t|de)|kommande'), 'planned'],
];

const KIND_WORDS: [RegExp, Kind][] = [
  [words('release\\p{L}*|införande\\p{L}*|lansering\\p{L}*|ny version'), 'release'],
  [words('servicefönst\\p{L}*|underhåll\\p{L}*|planera(?:d|t|de) åtgärd\\p{L}*|uppgradering\\p{L}*'), 'maintenance'],
  [words('\\p{L}*störning\\p{L}*|incident\\p{L}*|\\p{L}*avbrott\\p{L}*'), 'disruption'],
];

/** Phrases in a disruption's text that say it is fixed. */
const FIXED = words(
  'felet (?:är|har) (?:åtgärdats?|rättats?|lösts?)|åtgärdades|(?:är|har) (?:nu )?(?:åtgärdat|åtgärdad|åtgärdats|löst|lösts|återställts?)|fungerar (?:nu |åter |igen )?(?:normalt|som vanligt)',
);

/** Phrases in a planned item's text that say it is called off. */
const CALLED_OFF = words('(?:är|har) (?:inställt|inställd|ställts in)|ställs in|har ställts in');

/** The status a short text (badge, label, category, prefix) names, or undefined. */
export function statusFromWords(text: string | null | undefined): Status | undefined {
  if (!text) return undefined;
  return STATUS_WORDS.find(([re]) => re.test(text))?.[1];
}

/** The kind a text names; the earliest kind word in the text wins. */
export function kindFromWords(text: string | null | undefined): Kind | undefined {
  if (!text) return undefined;
  let best: { kind: Kind; at: number } | undefined;
  for (const [re, kind] of KIND_WORDS) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { kind, at: m.index };
  }
  return best?.kind;
}

/** Words that say a problem is not over, whatever else the text says. */
const NOT_OVER = words('pågår|pågående|kvarstår|fortfarande|ännu inte|inte ännu|inte helt|delvis|felsökning');

/**
 * Whether free text says the problem is fixed ("Felet är åtgärdat", "fungerar normalt").
 * A text that also says it is not over ("… men inloggning fungerar ännu inte") is not
 * enough: a false "resolved" would tell every contact the problem is gone.
 */
export function saysFixed(text: string | null | undefined): boolean {
  return !!text && FIXED.test(text) && !NOT_OVER.test(text);
}

/** Whether free text says a planned item is called off ("Servicefönstret är inställt"). */
export function saysCalledOff(text: string | null | undefined): boolean {
  return !!text && CALLED_OFF.test(text);
}

/** The status an item has when nothing on the page says otherwise. */
export function defaultStatus(kind: Kind): Status {
  return kind === 'disruption' ? 'ongoing' : 'planned';
}

const PREFIX_WORDS = [
  'åtgärda[dt]',
  'löst',
  'avslutad',
  'avslutat',
  'inställ[dt]',
  'uppdatering',
  'uppdatera[dt]',
  'flyttad',
  'flyttat',
  'ändrad',
  'ändrat',
  'pågående störning',
  'pågående',
  'driftstörning',
  'störning',
  'planerad åtgärd',
  'planerat underhåll',
  'påminnelse',
  'ny information',
  'information',
  'info',
].join('|');

/** One leading prefix: "Åtgärdat:", "Uppdatering 2:", "[Inställt]", "Störning –". */
const PREFIX = new RegExp(
  `^\\s*(?:\\[\\s*(${PREFIX_WORDS})(?:\\s+\\d+)?\\s*\\]\\s*:?|(${PREFIX_WORDS})(?:\\s+\\d+)?\\s*(?::|\\s[-\\u2013\\u2014]))\\s*`,
  'iu',
);

/** The status prefixes a title starts with, outermost first ("Uppdatering: Åtgärdat: X" → both). */
export function statusPrefixes(title: string): string[] {
  const found: string[] = [];
  let rest = title;
  for (let m = PREFIX.exec(rest); m; m = PREFIX.exec(rest)) {
    const remaining = rest.slice(m[0].length);
    if (!remaining.trim()) break;
    found.push((m[1] ?? m[2] ?? '').trim());
    rest = remaining;
  }
  return found;
}

/**
 * The title without its status prefixes, trimmed and whitespace-collapsed:
 * "Åtgärdat: Bokningar sparades inte" → "Bokningar sparades inte". Identity builds
 * content keys from this, so prefix changes on one item stay updates of that item.
 */
export function stripStatusPrefix(title: string): string {
  let rest = title.replace(/\s+/g, ' ').trim();
  for (let m = PREFIX.exec(rest); m; m = PREFIX.exec(rest)) {
    const remaining = rest.slice(m[0].length);
    if (!remaining.trim()) break;
    rest = remaining;
  }
  return rest.trim();
}
