#!/usr/bin/env node
/** driftkoll's command line. Exit codes: 0 ok, 1 a source or send failed, 2 bad usage or config. */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, describeError, UsageError } from '../domain/errors.js';
import { VERSION } from '../version.js';

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
  cli
    .command('outbox')
    .description('the delivery log')
    .option('--json', 'as JSON')
    .option('--limit <n>', 'at most this many messages, newest first')
    .action(run(async () => (await delivery()).outboxCommand as Action));
  cli
    .command('resend')
    .description('send a copy of a message again, logged with who, when and why')
    .requiredOption('--message <id>', 'the outbox id of the original')
    .option('--to <email>', 'another recipient (default: the original one)')
    .option('--reason <text>', 'why (required, kept with the copy)')
    .option('--by <name>', 'who asked (default: the OS user)')
    .action(run(async () => (await delivery()).resendCommand as Action));
  const directory = () => import('./commands/directory.js');
  cli
    .command('directory')
    .description('the regional directory of administrations, objects and contacts')
    .command('import')
    .description('load a directory YAML (all or nothing) and print what changed')
    .argument('<file>', 'directory YAML, shaped like defaults/region-uppsala.yaml')
    .action(async function (this: Command, file: string) {
      const mod = await directory();
      process.exitCode = mod.directoryImportCommand({ ...cli.opts<{ config?: string }>(), file });
    });
  cli
    .command('subscribe')
    .description('add or edit a confirmed staff subscription (admin)')
    .requiredOption('--email <address>', 'who')
    .requiredOption('--services <ids>', 'comma-separated service ids from the catalogue')
    .option('--cadence <cadence>', 'immediate, daily or weekly', 'daily')
    .option('--kinds <kinds>', 'comma-separated: disruption, maintenance, release (default all)')
    .action(run(async () => (await directory()).subscribeCommand as Action));
  cli
    .command('admin')
    .description('the admin console')
    .command('login-link')
    .description('print a one-use login link for an address listed under admins: (valid 30 minutes)')
    .argument('<email>', 'the admin address')
    .action(async function (this: Command, email: string) {
      const mod = await import('./commands/admin.js');
      process.exitCode = mod.adminLoginLinkCommand({ ...cli.opts<{ config?: string }>(), email });
    });
  cli
    .command('serve')
    .description('the main job: scheduler (poll, alert, remind, digest, deliver) and the web app')
    .addOption(new Option('--once', 'run every due job once and exit').hideHelp())
    .action(run(async () => (await import('./commands/serve.js')).serveCommand as Action));
  return cli;
}

async function main(argv: string[]): Promise<void> {
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
