/** Runs a whole process as cron would and measures wall time, CPU time and peak memory. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessRun {
  code: number | null;
  wallMs: number;
  /** User + system CPU of the process and its children, when /usr/bin/time is there. */
  cpuMs: number | null;
  /** Peak resident memory in MiB, when /usr/bin/time is there. */
  maxRssMiB: number | null;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';

/** True when GNU time can report CPU and peak memory of a child. */
export function canMeasureChildren(): boolean {
  return existsSync(TIME);
}

/**
 * Runs `cmd args` to completion. Node cannot read a child's rusage, so GNU time
 * (`/usr/bin/time -f`) reports it; wall time is measured here either way.
 */
export async function runProcess(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-time-'));
  const out = join(dir, 'time.txt');
  const timed = canMeasureChildren();
  const [file, argv] = timed ? [TIME, ['-o', out, '-f', '%U %S %M', cmd, ...args]] : [cmd, args];
  try {
    const t0 = performance.now();
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallMs = performance.now() - t0;
    let cpuMs: number | null = null;
    let maxRssMiB: number | null = null;
    if (timed) {
      const last = readFileSync(out, 'utf8').trim().split('\n').at(-1) ?? '';
      const [user, sys, rssKb] = last.split(' ').map(Number);
      if (user !== undefined && sys !== undefined && rssKb !== undefined) {
        cpuMs = (user + sys) * 1000;
        maxRssMiB = rssKb / 1024;
      }
    }
    return { code, wallMs, cpuMs, maxRssMiB, stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of some numbers (the upper middle for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
