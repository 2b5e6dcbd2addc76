/** Fixed events and messages for the mail tests and goldens; the clock is Tuesday 24 November 2026, 09.30. */
import { Catalogue } from '../../src/domain/services.js';
import type { AlertData, DigestData, MessageLinks, ReminderData, RenderContext } from '../../src/mail/types.js';
import type { Event } from '../../src/domain/event.js';

export const NOW = new Date('2026-11-24T09:30:00+01:00');

const catalogue = Catalogue.load();

export const ctx: RenderContext = {
  now: NOW,
  sender: {
    name: 'Invånartjänster e-hälsa, Region Uppsala',
    address: '1177etjanster@regionuppsala.example',
    replyTo: '1177etjanster@regionuppsala.example',
  },
  serviceName: (id) => catalogue.nameOf(id),
  sources: [
    { id: 'inera-driftstatus', name: 'Inera', url: 'https://www.inera.se/driftstatus/' },
    { id: 'inera-kommande-atgarder', name: 'Inera', url: 'https://www.inera.se/driftstatus/kommande-atgarder/' },
    { id: 'ehm-driftinformation', name: 'E-hälsomyndigheten', url: 'https://status.example.se/driftinformation' },
  ],
};

export const links: MessageLinks = {
  unsubscribe: 'https://driftkoll.regionuppsala.example/avsluta?t=abc123',
  manage: 'https://driftkoll.regionuppsala.example/prenumeration?t=abc123',
  web: 'https://driftkoll.regionuppsala.example/',
};

let nextId = 1;
/** An event row with sensible defaults. */
export function event(fields: Partial<Event> & Pick<Event, 'kind' | 'status' | 'title'>): Event {
  const id = fields.id ?? nextId++;
  return {
    id,
    sourceId: 'inera-driftstatus',
    key: `k${id}`,
    services: [],
    start: null,
    end: null,
    url: null,
    impact: null,
    timeText: null,
    details: null,
    guid: null,
    firstSeenAt: '2026-11-20T08:00:00.000Z',
    lastSeenAt: '2026-11-24T08:30:00.000Z',
    missingPolls: 0,
    vanishedAt: null,
    ...fields,
  };
}

export const journal = event({
  id: 101,
  kind: 'disruption',
  status: 'ongoing',
  title: 'Störning: 1177 journal visar inte nya anteckningar',
  services: ['1177-journal'],
  start: '2026-11-24T08:40:00+01:00',
  url: 'https://www.inera.se/driftstatus/storningar/1177-journal-anteckningar/',
  impact: 'Invånare ser inte nya journalanteckningar. Be patienter som hör av sig att försöka igen efter kl. 12.',
});
export const webcert = event({
  id: 102,
  kind: 'disruption',
  status: 'ongoing',
  title: 'Inloggning till Webcert fungerar inte för alla användare',
  services: ['intygstjanster', 'unknown:rehabstod-webb'],
  start: '2026-11-23T16:15:00+01:00',
  end: '2026-11-24T12:00:00+01:00',
  url: 'https://www.inera.se/driftstatus/storningar/webcert-inloggning/',
  impact: 'Vissa användare kommer inte in i Webcert med SITHS-kort.',
});
export const tidbok = event({
  id: 103,
  kind: 'disruption',
  status: 'resolved',
  title: 'Åtgärdat: Tidbokning i 1177 gick inte att använda',
  services: ['1177-tidbokning'],
  start: '2026-11-24T06:10:00+01:00',
  end: '2026-11-24T08:05:00+01:00',
  url: 'https://www.inera.se/driftstatus/storningar/1177-tidbokning/',
  impact: 'Invånare kunde inte boka eller avboka tider.',
});
export const npo = event({
  id: 104,
  kind: 'disruption',
  status: 'ongoing',
  title: 'Nationell patientöversikt (NPÖ) visar inte alla vårdgivare',
  services: ['npo'],
  start: '2026-11-23T13:00:00+01:00',
  vanishedAt: '2026-11-24T07:00:00.000Z',
  url: 'https://www.inera.se/driftstatus/storningar/npo-vardgivare/',
});
export const ntjpWindow = event({
  id: 105,
  kind: 'maintenance',
  status: 'planned',
  title: 'Servicefönster i Nationella tjänsteplattformen',
  services: ['ntjp'],
  start: '2026-12-03T22:00:00+01:00',
  end: '2026-12-04T02:00:00+01:00',
  url: 'https://www.inera.se/driftstatus/kommande-atgarder/ntjp-december/',
  impact: 'Tjänster som hämtar uppgifter via tjänsteplattformen, till exempel 1177 journal, kan vara otillgängliga.',
});
export const hsaWindow = event({
  id: 106,
  kind: 'maintenance',
  status: 'planned',
  title: 'Uppdaterad: Planerat underhåll av Katalogtjänst HSA',
  services: ['hsa'],
  start: '2026-12-05T07:00:00+01:00',
  end: '2026-12-05T11:00:00+01:00',
  url: 'https://www.inera.se/driftstatus/kommande-atgarder/hsa-underhall/',
});
export const sithsWindow = event({
  id: 107,
  kind: 'maintenance',
  status: 'cancelled',
  title: 'Inställt: Servicefönster för SITHS',
  services: ['siths'],
  start: '2026-11-28T06:00:00+01:00',
  end: '2026-11-28T09:00:00+01:00',
  url: 'https://www.inera.se/driftstatus/kommande-atgarder/siths-november/',
});
export const etjansterWindow = event({
  id: 108,
  kind: 'maintenance',
  status: 'planned',
  title: 'Uppgradering av 1177 e-tjänster',
  services: ['1177-e-tjanster', '1177-inkorg'],
  start: '2026-12-08T22:00:00+01:00',
  end: '2026-12-09T04:00:00+01:00',
  impact: 'Invånare kan inte logga in i 1177 e-tjänster och 1177 inkorg.',
});
export const journalRelease = event({
  id: 109,
  kind: 'release',
  status: 'planned',
  title: 'Ny version av 1177 journal',
  services: ['1177-journal'],
  start: '2026-12-14T00:00:00+01:00',
  end: '2026-12-16T00:00:00+01:00',
  url: 'https://www.inera.se/driftstatus/planeringskalendern/1177-journal-version/',
});
export const intygRelease = event({
  id: 110,
  kind: 'release',
  status: 'planned',
  title: 'Release av Intygstjänster',
  services: ['intygstjanster'],
  timeText: 'Preliminärt vecka 51',
});

const base = { to: 'ehalsostrateg@nvoh.regionuppsala.example', links };

export const digestFull: DigestData = {
  ...base,
  template: 'digest',
  cadence: 'daily',
  since: '2026-11-23T07:30:00+01:00',
  until: '2026-11-24T09:30:00+01:00',
  reasons: [{ unit: 'Nära vård och hälsa', role: 'E-hälsostrateg' }],
  subscribed: true,
  ongoing: [journal, webcert],
  resolved: [tidbok],
  vanished: [npo],
  windows: [
    { event: ntjpWindow, note: 'new' },
    { event: hsaWindow, note: 'rescheduled', previous: { start: '2026-11-28T07:00:00+01:00', end: '2026-11-28T11:00:00+01:00' } },
    { event: sithsWindow, note: 'cancelled' },
    { event: etjansterWindow, note: null },
  ],
  releases: [
    { event: journalRelease, note: 'new' },
    { event: intygRelease, note: null },
  ],
};

export const digestEmpty: DigestData = {
  ...base,
  template: 'digest',
  cadence: 'weekly',
  since: null,
  until: '2026-11-24T09:30:00+01:00',
  reasons: [],
  subscribed: true,
  ongoing: [],
  resolved: [],
  vanished: [],
  windows: [],
  releases: [],
};

export const alertOne: AlertData = {
  ...base,
  template: 'alert',
  reasons: [],
  items: [{ event: journal, change: 'created' }],
};

/** From E-hälsomyndigheten's feed: its "Läs mer" and the footer must name E-hälsomyndigheten, not Inera. */
export const nllSlow = event({
  id: 111,
  sourceId: 'ehm-driftinformation',
  kind: 'disruption',
  status: 'ongoing',
  title: 'Störning: Nationella läkemedelslistan svarar långsamt',
  services: ['nll'],
  start: '2026-11-24T07:20:00+01:00',
  end: '2026-11-24T09:00:00+01:00',
  url: 'https://status.example.se/driftinformation',
});

export const alertSeveral: AlertData = {
  ...base,
  template: 'alert',
  reasons: [{ unit: 'Nära vård och hälsa', role: 'E-hälsostrateg' }],
  items: [
    { event: tidbok, change: 'resolved', before: { status: 'ongoing', end: null } },
    { event: hsaWindow, change: 'rescheduled', before: { start: '2026-11-28T07:00:00+01:00', end: '2026-11-28T11:00:00+01:00' } },
    { event: journal, change: 'created' },
    { event: sithsWindow, change: 'cancelled', before: { status: 'planned' } },
    { event: npo, change: 'vanished' },
    { event: webcert, change: 'updated', before: { end: null, impact: 'Webcert går inte att nå.' } },
    { event: journalRelease, change: 'reappeared' },
    { event: nllSlow, change: 'created' },
  ],
};

export const reminder: ReminderData = {
  ...base,
  template: 'reminder',
  reasons: [
    { unit: 'Privata vårdgivare', role: 'VSS Resurscentrum' },
    { unit: 'ITC', role: 'OL-IT för Invånartjänster e-hälsa' },
  ],
  event: ntjpWindow,
  resend: { reason: 'Första utskicket studsade hos mottagarens e-postserver.', originalAt: '2026-11-23T07:30:00+01:00' },
};
