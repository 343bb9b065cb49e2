import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GradSheetError } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';
import { accountsPath, addAccounts, readAccounts, removeAccount, type NewAccount } from '../service/accounts/account-file.js';
import { defaultDataDir } from '../service/paths.js';
import { readRoster } from '../teacher/roster.js';

interface DataDirFlag {
  dataDir?: string;
}

const dataDirOf = (flags: DataDirFlag) => resolve(flags.dataDir ?? defaultDataDir());

/** A CSV field, quoted when it needs to be. */
const csvField = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/**
 * `gradsheet users`: the accounts of a class's service, kept in the data directory
 * that `gradsheet serve --data-dir` uses. Each account gets a random token, shown
 * once; only its salted hash is kept. A running service sees changes within a second.
 */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description("manage the accounts of a class's training service (a token for each learner and teacher)");
  const dataDirOption = `the service's data directory (default: ${defaultDataDir()})`;

  users
    .command('add')
    .description('add an account and print its token (shown once, alone on the last line)')
    .argument('<name>', 'the account name: letters, digits, ".", "_" or "-"')
    .option('--teacher', 'a teacher sees and manages every run; a learner only their own')
    .option('--data-dir <dir>', dataDirOption)
    .action(async (name: string, flags: DataDirFlag & { teacher?: boolean }) => {
      const dataDir = dataDirOf(flags);
      const [added] = (await addAccounts(dataDir, [{ name, role: flags.teacher ? 'teacher' : 'learner' }])) as [NewAccount];
      process.stdout.write(
        `Added ${added.role} "${added.name}" to ${accountsPath(dataDir)}.\n` +
          'Their token is below, shown this once: give it to them (the task pane asks for it). Only its hash is kept.\n' +
          `${added.token}\n`,
      );
    });

  users
    .command('list')
    .description('list the accounts (names and roles; tokens are never kept)')
    .option('--data-dir <dir>', dataDirOption)
    .action(async (flags: DataDirFlag) => {
      const dataDir = dataDirOf(flags);
      const accounts = await readAccounts(dataDir);
      if (accounts === null) {
        process.stdout.write(`No accounts in ${dataDir}: a service there runs without them. Add one with "gradsheet users add NAME".\n`);
        return;
      }
      const width = Math.max(4, ...accounts.map((a) => a.name.length));
      const lines = accounts.map((a) => `${a.name.padEnd(width)}  ${a.role.padEnd(7)}  ${a.createdAt}`);
      process.stdout.write(`${'NAME'.padEnd(width)}  ROLE     ADDED\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`);
      const teachers = accounts.filter((a) => a.role === 'teacher').length;
      process.stderr.write(`${accounts.length} account${accounts.length === 1 ? '' : 's'} (${teachers} teacher${teachers === 1 ? '' : 's'}) in ${accountsPath(dataDir)}\n`);
    });

  users
    .command('remove')
    .description("remove an account: its token stops working within a second; the runs it started are kept")
    .argument('<name>', 'the account name')
    .option('--data-dir <dir>', dataDirOption)
    .action(async (name: string, flags: DataDirFlag) => {
      const removed = await removeAccount(dataDirOf(flags), name);
      process.stdout.write(`Removed ${removed.role} "${removed.name}"; their token no longer works.\n`);
    });

  users
    .command('import')
    .description('add a learner account for each student of a roster, and write their tokens to a CSV file')
    .requiredOption('--roster <students.csv>', 'CSV with a header row and "id" and "name" columns (as for gradsheet template); the id names the account')
    .requiredOption('--out <tokens.csv>', 'where to write id,name,token for each student (a new file, readable by you only)')
    .option('--data-dir <dir>', dataDirOption)
    .action(async (flags: DataDirFlag & { roster: string; out: string }) => {
      const dataDir = dataDirOf(flags);
      const roster = await readRoster(flags.roster);
      const out = await checkOutputPath(flags.out, '.csv');
      const exists = await access(out).then(
        () => true,
        () => false,
      );
      // The tokens cannot be made again: an earlier tokens file is never overwritten.
      if (exists) throw new GradSheetError('OUTPUT_REFUSED', `"${flags.out}" exists already; choose a new file for the tokens`);
      const added = await addAccounts(
        dataDir,
        roster.map((student) => ({ name: student.id, role: 'learner' as const })),
      );
      const nameOf = new Map(roster.map((student) => [student.id, student.name]));
      const csv = ['id,name,token', ...added.map((a) => [a.name, nameOf.get(a.name) ?? '', a.token].map(csvField).join(','))].join('\n');
      try {
        await writeFileAtomic(out, Buffer.from(`${csv}\n`), { mode: 0o600 });
      } catch (error) {
        // Accounts whose tokens nobody has would be of no use: take them back out.
        for (const account of added) await removeAccount(dataDir, account.name).catch(() => {});
        throw error;
      }
      process.stdout.write(`Added ${added.length} learner accounts to ${accountsPath(dataDir)}; their tokens are in ${flags.out} (hand each student their own, then delete the file)\n`);
    });

  // The program's own settings (exit instead of process.exit, "gradsheet: " before messages) reach nested commands too.
  for (const command of users.commands) {
    command.exitOverride().configureOutput({ outputError: (text, write) => write(`gradsheet: ${text.replace(/^error: /, '')}`) });
  }
}
