/** Turns message data into a rendered outbox row: subject, HTML, text, headers, stable Message-ID. */
import type { AppContext } from '../app/context.js';
import type { MessageKind, NewMessage } from '../domain/message.js';
import { buildHeaders, makeMessageId, senderDomain } from '../mail/deliver.js';
import type { MessageData, RenderContext } from '../mail/types.js';
import { ensureSecret } from '../store/settings.repo.js';
import { storedTime } from '../util/time.js';
import { ensureManageToken, linksFor, unsubscribeMailto } from './links.js';

/** What the notify stage uses of the application context. */
export type NotifyDeps = Pick<AppContext, 'db' | 'config' | 'clock' | 'catalogue' | 'logger' | 'renderer'>;

/** Links for an address, around its opaque manage token (stored on first use). */
export function recipientLinks(deps: Pick<NotifyDeps, 'db' | 'config' | 'clock'>, email: string) {
  const token = ensureManageToken(deps.db, email, ensureSecret(deps.db), storedTime(deps.clock.now()));
  return linksFor(token, { baseUrl: deps.config.baseUrl });
}

/** Renders `data` and returns the outbox row to enqueue under `key`. */
export async function compose(
  deps: NotifyDeps,
  kind: MessageKind,
  key: string,
  data: MessageData,
  extra: Pick<NewMessage, 'originalId' | 'requestedBy' | 'reason'> = {},
): Promise<NewMessage> {
  const { config } = deps;
  const rendered = await deps.renderer.render(data, renderContext(deps));
  return {
    key,
    kind,
    to: data.to,
    from: config.sender.address,
    replyTo: config.sender.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: buildHeaders({
      unsubscribeHttps: data.links.unsubscribe,
      unsubscribeMailto: unsubscribeMailto(data.to, config.sender.replyTo),
      kind,
    }),
    messageId: makeMessageId(key, senderDomain(config.sender.address)),
    template: data.template,
    data,
    createdAt: storedTime(deps.clock.now()),
    ...extra,
  };
}

/** What the renderer needs to know besides the data: now, the sender, service names and the configured sources. */
export function renderContext(deps: Pick<NotifyDeps, 'config' | 'clock' | 'catalogue'>): RenderContext {
  return {
    now: deps.clock.now(),
    sender: deps.config.sender,
    serviceName: (id) => deps.catalogue.nameOf(id),
    sources: deps.config.sources.map((s) => ({ id: s.id, name: s.name, url: s.url })),
  };
}
