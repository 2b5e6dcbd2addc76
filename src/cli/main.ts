#!/usr/bin/env node
/** driftkoll's command line. Exit codes: 0 ok, 1 a source or send failed, 2 bad usage or config. */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, describeError, UsageError } from '../domain/errors.js';
import { VERSION } from '../version.js';
import { wholeNumber } from './options.js';
import { MESSAGE_KINDS, MESSAGE_STATUSES } from '../domain/message.js';

type Action = (opts: never) => Promise<number> | number;

function program(): Command {
  const cli = new Command('driftkoll')
    .description("Watches Inera's operational status and tells a region's staff what concerns them.")
    .version(VERSION)
    .option('-c, --config <file>', 'config file (else DRIFTKOLL_CONFIG, else ./driftkoll.yaml, else built-in defaults)')
    // One line on stderr for every usage error (the contract); `--help` shows the rest.
    .configureOutput({
      outputError: (text, write) =>
        write(
          `driftkoll: ${
            text
              .replace(/^error:\s*/i, '')
              .trim()
              .split('\n')[0]
          }\n`,
        ),
    })
    .exitOverride();

  const run = (load: () => Promise<Action>) =>
    async function (this: Command) {
      const action = await load();
      const opts: Record<string, unknown> = { ...cli.opts<Record<string, unknown>>(), ...this.opts<Record<string, unknown>>() };
      process.exitCode = await action(opts as never);
    };
  const pipeline = () => import('./commands/pipeline.js');

  cli
    .command('parse')
    .description('print the normalised items of a saved page as a JSON array (no database)')
    .requiredOption('--adapter <name>', 'inera-driftstatus, inera-kommande-atgarder, inera-planeringskalendern or rss')
    .requiredOption('--file <path>', 'the saved page or feed')
    .option('--url <url>', 'the URL the page came from, to resolve links')
    .action(run(async () => (await pipeline()).parseCommand as Action));
  cli
    .command('poll')
    .description('poll all (or one) sources once and record events and changes')
    .option('--source <id>', 'only this source')
    .option('--json', 'print the results as JSON')
    .action(run(async () => (await pipeline()).pollCommand as Action));
  cli
    .command('sources')
    .description("each source's health: last success, last failure and why, items found, unknown service names")
    .option('--json', 'as JSON')
    .action(run(async () => (await pipeline()).sourcesCommand as Action));
  cli
    .command('events')
    .description('list stored events')
    .option('--json', 'as JSON')
    .action(run(async () => (await pipeline()).eventsCommand as Action));
  cli
    .command('changes')
    .description('list recorded changes')
    .option('--json', 'as JSON')
    .option('--since <iso>', 'only changes at or after this time')
    .action(run(async () => (await pipeline()).changesCommand as Action));
  const delivery = () => import('./commands/delivery.js');
  cli
    .command('notify')
    .description('enqueue the alerts pending changes call for and the reminders due, then deliver')
    .action(run(async () => (await delivery()).notifyCommand as Action));
  cli
    .command('digest')
    .description("build the current slot's digests (preview); with --send, enqueue and deliver them")
    .option('--send', 'enqueue and deliver')
    .option('--administration <id>', "only this administration's or object's contacts")
    .option('--json', 'print the preview as JSON')
    .action(run(async () => (await delivery()).digestCommand as Action));
  const outbox = cli
    .command('outbox')
    .description('the delivery log, newest first; `outbox show ID` for one message')
    .option('--json', 'as JSON')
    .option('--limit <n>', 'at most this many messages (default 1000)', wholeNumber)
    .addOption(new Option('--status <status>', 'only messages in this state').choices(MESSAGE_STATUSES))
    .addOption(new Option('--kind <kind>', 'only this kind of message').choices(MESSAGE_KINDS))
    .option('--to <email>', 'only messages to this address')
    .action(run(async () => (await delivery()).outboxCommand as Action));
  outbox
    .command('show')
    .description('one message: its headers, text part and status history')
    .argument('<id>', 'the outbox id')
    .option('--json', 'as JSON')
    .action(async function (this: Command, id: string) {
      const mod = await delivery();
      // commander gives `--json` after `show ID` to the parent command, which has one too.
      const json = this.opts<{ json?: boolean }>().json ?? outbox.opts<{ json?: boolean }>().json;
      process.exitCode = mod.outboxShowCommand({ ...cli.opts<{ config?: string }>(), json, id });
    });
  cli
    .command('deliver')
    .description('deliver the messages due now; exit 1 if any failed or must be retried')
    .action(run(async () => (await delivery()).deliverCommand as Action));
  cli
    .command('resend')
    .description('send a copy of a message again, logged with who, when and why')
    .requiredOption('--message <id>', 'the outbox id of the original')
    .option('--to <email>', 'another recipient (default: the original one)')
    .option('--reason <text>', 'why (required, kept with the copy)')
    .option('--by <name>', 'who asked (default: the OS user)')
    .action(run(async () => (await delivery()).resendCommand as Action));
  const directory = () => import('./commands/directory.js');
  const dir = cli.command('directory').description('the regional directory of administrations, objects and contacts');
  dir
    .command('list')
    .description('the stored administrations and objects, with their contacts and services')
    .option('--json', 'as JSON')
    .action(async function (this: Command) {
      const mod = await directory();
      process.exitCode = mod.directoryListCommand({ ...cli.opts<{ config?: string }>(), ...this.opts<{ json?: boolean }>() });
    });
  dir
    .command('import')
    .description('load a directory YAML (all or nothing) and print what changed')
    .argument('<file>', 'directory YAML, shaped like defaults/region-uppsala.yaml')
    .option('--dry-run', 'print what would be added, changed and removed; change nothing')
    .option('--allow-empty', 'allow a file that would remove every administration')
    .action(async function (this: Command, file: string) {
      const mod = await directory();
      const own = this.opts<{ dryRun?: boolean; allowEmpty?: boolean }>();
      process.exitCode = mod.directoryImportCommand({ ...cli.opts<{ config?: string }>(), ...own, file });
    });
  cli
    .command('subscribe')
    .description('add or edit a confirmed staff subscription (admin)')
    .requiredOption('--email <address>', 'who')
    .requiredOption('--services <ids>', 'comma-separated service ids from the catalogue')
    .option('--cadence <cadence>', 'immediate, daily or weekly', 'daily')
    .option('--kinds <kinds>', 'comma-separated: disruption, maintenance, release (default all)')
    .action(run(async () => (await directory()).subscribeCommand as Action));
  const admin = () => import('./commands/admin.js');
  const subscriptions = cli
    .command('subscriptions')
    .description('staff subscriptions: who follows which services, how often; `subscriptions remove EMAIL` to delete one')
    .option('--json', 'as JSON')
    .action(run(async () => (await admin()).subscriptionsCommand as Action));
  subscriptions
    .command('remove')
    .description("delete an address's subscription (mail it gets as a directory contact is not affected)")
    .argument('<email>', 'the subscribed address')
    .action(async function (this: Command, email: string) {
      const mod = await admin();
      process.exitCode = mod.subscriptionsRemoveCommand({ ...cli.opts<{ config?: string }>(), email });
    });
  cli
    .command('services')
    .description('the service catalogue, with the aliases status pages are matched against')
    .option('--json', 'as JSON')
    .action(run(async () => (await admin()).servicesCommand as Action));
  cli
    .command('backup')
    .description('a consistent copy of the live database (safe while serve runs), readable only by its owner')
    .argument('<file>', 'where to write the copy')
    .option('--force', 'replace the file if it exists')
    .action(async function (this: Command, file: string) {
      const mod = await admin();
      process.exitCode = await mod.backupCommand({ ...cli.opts<{ config?: string }>(), ...this.opts<{ force?: boolean }>(), file });
    });
  cli
    .command('admin')
    .description('the admin console')
    .command('login-link')
    .description('print a one-use login link for an address listed under admins: (valid 30 minutes)')
    .argument('<email>', 'the admin address')
    .action(async function (this: Command, email: string) {
      const mod = await import('./commands/admin-login.js');
      process.exitCode = mod.adminLoginLinkCommand({ ...cli.opts<{ config?: string }>(), email });
    });
  cli
    .command('serve')
    .description('the main job: scheduler (poll, alert, remind, digest, deliver) and the web app')
    .addOption(new Option('--once', 'run every due job once and exit').hideHelp())
    .action(run(async () => (await import('./commands/serve.js')).serveCommand as Action));
  cli
    .command('run')
    .description("once what serve's scheduler does (poll, alert, remind, digest, deliver), for cron or a systemd timer")
    .option('--due', 'poll only the sources whose interval has passed since their last poll')
    .option('--json', 'print what was done as JSON')
    .action(run(async () => (await import('./commands/run.js')).runCommand as Action));
  return cli;
}

/**
 * Output piped into `head` (or any reader that stops early): the pipe closes, the next write
 * fails with EPIPE, and the right thing is to stop quietly, not print a stack trace.
 */
function quietOnClosedPipe(): void {
  process.stdout.once('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe();
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; commander already printed the message.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`driftkoll: ${describeError(err)}\n`);
    process.exitCode = err instanceof UsageError || err instanceof ConfigError ? 2 : 1;
  }
}

await main(process.argv);
