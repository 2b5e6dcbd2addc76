/**
 * /admin/mottagare: the regional directory, and a new directory file uploaded, previewed
 * (what would change, nothing written) and then applied, all or nothing, with the reason logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  parseDirectoryText,
  previewDirectoryImport,
  importDirectory,
  formatImportReport,
  type ImportReport,
} from '../../directory/import.js';
import { ConfigError } from '../../domain/errors.js';
import { listUnits } from '../../store/directory.repo.js';
import { one, pageNumber, PAGE_SIZE, redirect, UPLOAD_LIMIT } from '../http.js';
import type { WebDeps } from '../server.js';
import { audit, FLASH, pager } from './admin.js';

/** The report as Swedish lines for the preview. */
function reportLines(r: ImportReport): string[] {
  const unit = (id: string) => (r.unitNames[id] ? `${r.unitNames[id]} (${id})` : id);
  return [
    ...r.unitsAdded.map((id) => `Ny enhet: ${unit(id)}`),
    ...r.unitsUpdated.map((id) => `Ändrad enhet: ${unit(id)} (${(r.changedFields[id] ?? []).join(', ')})`),
    ...r.unitsRemoved.map((id) => `Tas bort: enheten ${unit(id)}`),
    ...r.contactsAdded.map((c) => `Ny kontakt: ${c}`),
    ...r.contactsUpdated.map((c) => `Ändrad kontakt: ${c} (${(r.changedFields[c] ?? []).join(', ')})`),
    ...r.contactsRemoved.map((c) => `Tas bort: kontakten ${c}`),
  ];
}

/** The uploaded file's text (multipart, keyValues: a Buffer) or the pasted text. */
function uploaded(body: Record<string, unknown>): string {
  const file = body.fil;
  if (Buffer.isBuffer(file)) return file.toString('utf8');
  return one(body.yaml);
}

/** Registers the directory pages (inside the guarded admin scope). */
export function directoryRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db } = ctx;

  const listing = (req: FastifyRequest, reply: FastifyReply, status: number, extra: { error: string | null }) => {
    const page = pageNumber(req.query);
    const units = listUnits(db);
    const shown = units.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE + 1);
    return deps.page(
      req,
      reply,
      status,
      'admin-directory',
      { title: 'Mottagare' },
      {
        ...extra,
        flash: FLASH[one((req.query as Record<string, unknown>).klart)] ?? null,
        units: shown.slice(0, PAGE_SIZE).map((u) => ({
          id: u.id,
          name: u.name,
          type: u.type === 'administration' ? 'Förvaltning' : 'Systemobjekt',
          services: u.services === 'all' ? 'Alla tjänster' : u.services.map((id) => ctx.catalogue.nameOf(id)).join(', '),
          contacts: u.contacts.map((c) => ({ email: c.email, role: c.role, name: c.name ?? '', channel: c.channel })),
        })),
        ...pager('/admin/mottagare', {}, page, shown.length),
      },
    );
  };

  app.get('/admin/mottagare', (req, reply) => listing(req, reply, 200, { error: null }));

  app.post('/admin/mottagare/forhandsgranska', { bodyLimit: UPLOAD_LIMIT }, (req, reply) => {
    const yaml = uploaded((req.body ?? {}) as Record<string, unknown>);
    try {
      const directory = parseDirectoryText(yaml, 'filen', ctx.catalogue);
      const report = previewDirectoryImport(db, directory);
      const lines = reportLines(report);
      return deps.page(
        req,
        reply,
        200,
        'admin-directory-preview',
        { title: 'Förhandsgranska katalogen' },
        { yaml, lines, empty: lines.length === 0 },
      );
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return listing(req, reply, 400, { error: `Filen kunde inte läsas. ${err.message}` });
    }
  });

  app.post('/admin/mottagare/tillampa', { bodyLimit: UPLOAD_LIMIT }, (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const reason = one(body.reason).trim();
    try {
      const directory = parseDirectoryText(one(body.yaml), 'filen', ctx.catalogue);
      const report = importDirectory(db, directory);
      audit(deps, req, 'directory-import', null, reason || null, { changes: formatImportReport(report) });
      return redirect(reply, '/admin/mottagare?klart=importerad');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return listing(req, reply, 400, { error: `Filen kunde inte läsas. ${err.message}` });
    }
  });
}
