/**
 * The two emulators the cloud benchmark uploads to, started through the engine's own test harnesses
 * (s3rver with Keepsake's multipart additions, azurite with its keep-alive fix): fresh buckets and
 * containers per run, the rclone remotes that reach them, and the servers' CPU time.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';

/** The part of testing/s3-harness.ts the benchmark uses. */
interface S3HarnessLike {
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  readonly endpoint: string;
  createBucket(): Promise<string>;
}

/** The part of testing/azure-harness.ts the benchmark uses. */
interface AzureHarnessLike {
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  readonly endpoint: string;
  newContainer(): Promise<string>;
}

const S3_HARNESS = 'main/engine/destinations/testing/s3-harness.ts';
const AZURE_HARNESS = 'main/engine/destinations/testing/azure-harness.ts';

/** s3rver's only account (the harness's credentials). */
export const S3RVER_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Which emulator a run talks to. */
export type ServerKind = 's3rver' | 'azurite';

/** Where one fresh bucket or container is, with everything a client needs to reach it. */
export interface Target {
  kind: ServerKind;
  /** s3rver: `http://127.0.0.1:PORT`; azurite: `http://127.0.0.1:PORT/devstoreaccount1`. */
  endpoint: string;
  /** The bucket (s3rver) or container (azurite). */
  bucket: string;
  /** s3rver: the secret access key; azurite: the account key. */
  secret: string;
  /** azurite: the account name. */
  account?: string;
}

/** Both emulators, running. */
export class CloudServers {
  private constructor(
    private readonly s3: S3HarnessLike,
    private readonly azure: AzureHarnessLike,
    readonly azureAccount: string,
    readonly azureKey: string,
  ) {}

  /**
   * Starts s3rver and azurite on free ports with the engine's harnesses. The harness modules are
   * loaded at run time (tsx), so building bench/ does not pull test helpers into dist/.
   */
  static async start(repoRoot: string): Promise<CloudServers> {
    const s3Module = (await import(pathToFileURL(join(repoRoot, S3_HARNESS)).href)) as {
      s3Harness(): S3HarnessLike;
    };
    const azureModule = (await import(pathToFileURL(join(repoRoot, AZURE_HARNESS)).href)) as {
      azureHarness(): AzureHarnessLike;
      AZURITE_ACCOUNT: string;
      AZURITE_KEY: string;
    };
    const s3 = s3Module.s3Harness();
    const azure = azureModule.azureHarness();
    const servers = new CloudServers(s3, azure, azureModule.AZURITE_ACCOUNT, azureModule.AZURITE_KEY);
    try {
      await s3.setup?.();
      await azure.setup?.();
    } catch (err) {
      await servers.stop();
      throw err;
    }
    return servers;
  }

  /** Stops both servers and removes their data folders. */
  async stop(): Promise<void> {
    await Promise.allSettled([this.s3.teardown?.(), this.azure.teardown?.()]);
  }

  /** A new, empty bucket on s3rver or container on azurite. */
  async fresh(kind: ServerKind): Promise<Target> {
    if (kind === 's3rver') {
      return {
        kind,
        endpoint: this.s3.endpoint,
        bucket: await this.s3.createBucket(),
        secret: S3RVER_KEY.secretAccessKey,
      };
    }
    return {
      kind,
      endpoint: this.azure.endpoint,
      bucket: await this.azure.newContainer(),
      secret: this.azureKey,
      account: this.azureAccount,
    };
  }

  /** The port a server listens on, from its endpoint. */
  port(kind: ServerKind): number {
    return Number(new URL(kind === 's3rver' ? this.s3.endpoint : this.azure.endpoint).port);
  }

  /** The id of the process listening on the server's port (from `ss`), or null when unknown. */
  pid(kind: ServerKind): number | null {
    const r = spawnSync('ss', ['-ltnpH', `sport = :${this.port(kind)}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(r.stdout ?? '');
    return m ? Number(m[1]) : null;
  }
}

const CLOCK_TICKS = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat), or null. */
export function cpuSecondsOf(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * rclone's remotes `s3:` and `az:` for a target, as RCLONE_CONFIG_* variables (no config file).
 *
 * Azure goes through a container SAS URL signed with the emulator's account key: Debian 12's rclone
 * 1.60 builds `https://<account>.<endpoint>` from `endpoint`, and its `use_emulator` is fixed to
 * 127.0.0.1:10000, so neither reaches azurite on the harness's free port. A SAS URL is used as given.
 */
export function rcloneRemote(t: Target): { remote: string; env: Record<string, string> } {
  if (t.kind === 's3rver') {
    return {
      remote: `s3:${t.bucket}`,
      env: {
        RCLONE_CONFIG_S3_TYPE: 's3',
        RCLONE_CONFIG_S3_PROVIDER: 'Other',
        RCLONE_CONFIG_S3_ENDPOINT: t.endpoint,
        RCLONE_CONFIG_S3_ACCESS_KEY_ID: S3RVER_KEY.accessKeyId,
        RCLONE_CONFIG_S3_SECRET_ACCESS_KEY: t.secret,
        RCLONE_CONFIG_S3_FORCE_PATH_STYLE: 'true',
        RCLONE_CONFIG_S3_REGION: 'us-east-1',
      },
    };
  }
  const credential = new StorageSharedKeyCredential(t.account ?? '', t.secret);
  const sas = generateBlobSASQueryParameters(
    {
      containerName: t.bucket,
      permissions: ContainerSASPermissions.parse('racwdl'),
      expiresOn: new Date(Date.now() + 24 * 3600_000),
    },
    credential,
  ).toString();
  return {
    remote: `az:${t.bucket}`,
    env: {
      RCLONE_CONFIG_AZ_TYPE: 'azureblob',
      RCLONE_CONFIG_AZ_SAS_URL: `${t.endpoint}/${t.bucket}?${sas}`,
    },
  };
}
