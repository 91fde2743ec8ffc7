/**
 * The running agent's address, kept in the home (owner-only, like credentials.json) so `keepsake
 * open` can ask it for a fresh login link, and the next start can take the same port again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeOwnerOnly } from '../owner-only.js';

export interface AgentInfo {
  url: string;
  secret: string;
  pid: number;
}

export const agentFile = (home: string) => join(home, 'agent.json');

function readFile(home: string): Partial<AgentInfo> {
  const file = agentFile(home);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<AgentInfo>;
  } catch {
    return {};
  }
}

/** The running agent as its `run` wrote it, or undefined (none running, or unreadable). */
export function readAgent(home: string): AgentInfo | undefined {
  const a = readFile(home);
  return typeof a.url === 'string' && typeof a.secret === 'string' && typeof a.pid === 'number'
    ? (a as AgentInfo)
    : undefined;
}

export function writeAgent(home: string, info: AgentInfo): void {
  writeOwnerOnly(agentFile(home), JSON.stringify(info));
}

/**
 * On a stop: keeps only the address (for the next start's port), if the file still names this
 * process (a newer agent's is left alone). The secret goes with the process.
 */
export function removeAgent(home: string, pid: number): void {
  const a = readAgent(home);
  if (a?.pid === pid) writeOwnerOnly(agentFile(home), JSON.stringify({ url: a.url }));
}

/** The port the last agent used, to take again when it is free. */
export function lastPort(home: string): number | undefined {
  const url = readFile(home).url;
  const port = url ? Number(new URL(url).port) : NaN;
  return Number.isInteger(port) && port > 0 ? port : undefined;
}
