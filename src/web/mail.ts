/**
 * The web app's own mails: a subscription's confirmation link and an admin's login link.
 * Short, transactional, built here (plain text and a little HTML, every value escaped) and
 * enqueued in the outbox like any other message, so the outbox worker delivers them.
 */
import type { AppContext } from '../app/context.js';
import type { NewMessage } from '../domain/message.js';
import { autoHeaders, buildHeaders, makeMessageId, senderDomain } from '../mail/deliver.js';
import { escapeHtml } from '../util/html.js';
import { recipientLinks } from '../notify/compose.js';
import { unsubscribeMailto } from '../notify/links.js';
import { enqueue } from '../store/outbox.repo.js';
import { storedTime } from '../util/time.js';

type Ctx = Pick<AppContext, 'db' | 'config' | 'clock'>;

export interface WebMail {
  /** Idempotency key: one message per link. */
  key: string;
  /** `web-confirm` or `web-login`: kept as the row's template, so the console can tell them apart. */
  template: string;
  to: string;
  subject: string;
  paragraphs: string[];
  link: { href: string; text: string };
  after: string[];
  /** Carry List-Unsubscribe (a confirmation may reach someone who never asked). */
  unsubscribe: boolean;
}

/** The mail as an outbox row. */
export function composeWebMail(ctx: Ctx, mail: WebMail): NewMessage {
  const { config } = ctx;
  const p = (t: string) => `<p style="margin:0 0 16px">${escapeHtml(t)}</p>`;
  const html = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title></head>
<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff">
<div style="max-width:600px">
<p style="margin:0 0 24px;font-weight:bold">${escapeHtml(config.sender.name)}</p>
${mail.paragraphs.map(p).join('\n')}
<p style="margin:0 0 24px"><a href="${escapeHtml(mail.link.href)}" style="color:#0a4f8a;font-weight:bold">${escapeHtml(mail.link.text)}</a></p>
${mail.after.map(p).join('\n')}
<p style="margin:24px 0 0;color:#3d3d3d">${escapeHtml(config.sender.name)}. Frågor? Svara på det här mejlet eller skriv till ${escapeHtml(config.sender.replyTo)}.</p>
</div></body></html>`;
  const text = [
    config.sender.name,
    '',
    ...mail.paragraphs.flatMap((t) => [t, '']),
    `${mail.link.text}:`,
    mail.link.href,
    '',
    ...mail.after.flatMap((t) => [t, '']),
    `Frågor? Svara på det här mejlet eller skriv till ${config.sender.replyTo}.`,
    '',
  ].join('\n');
  const headers = mail.unsubscribe
    ? buildHeaders({
        unsubscribeHttps: recipientLinks(ctx, mail.to).unsubscribe,
        unsubscribeMailto: unsubscribeMailto(mail.to, config.sender.replyTo),
        kind: mail.template,
      })
    : autoHeaders(mail.template);
  return {
    key: mail.key,
    // The outbox knows four kinds; these are transactional, sent at once like an alert.
    kind: 'alert',
    to: mail.to,
    from: config.sender.address,
    replyTo: config.sender.replyTo,
    subject: mail.subject,
    html,
    text,
    headers,
    messageId: makeMessageId(mail.key, senderDomain(config.sender.address)),
    template: mail.template,
    data: { template: mail.template, to: mail.to },
    createdAt: storedTime(ctx.clock.now()),
  };
}

/** Enqueues the mail; returns its outbox id. */
export function enqueueWebMail(ctx: Ctx, mail: WebMail): number {
  return enqueue(ctx.db, composeWebMail(ctx, mail)).id;
}
