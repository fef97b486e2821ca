import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SimulatorServer, type SimRequest, type SimResponse } from '../kit/index.js';

/**
 * A simulated IAM (huawei.md C.1): password tokens at POST /v3/auth/tokens, scoped to one project,
 * with a configurable lifetime and revocation. Huawei service simulators take it as their token
 * validator, so one IAM can front several of them, as the real one does.
 */

export interface SimulatedIamUser {
  name: string;
  password: string;
  /** Account (domain) name. */
  domain: string;
  projects: { id: string; name: string }[];
}

export interface SimulatedIamOptions {
  users: SimulatedIamUser[];
  /** Default 24 h, the real token lifetime. */
  tokenLifetimeMs?: number;
  /** Epoch milliseconds; shared with the services that validate tokens. */
  clock?: () => number;
}

export type TokenCheck = { valid: true; projectId: string; userName: string } | { valid: false; reason: 'unknown' | 'expired' };

/** What a service simulator needs from IAM. */
export interface TokenValidator {
  validateToken(token: string): TokenCheck;
}

interface IssuedToken {
  projectId: string;
  userName: string;
  expiresAt: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class SimulatedIam implements TokenValidator {
  tokenLifetimeMs: number;
  readonly clock: () => number;
  private readonly users: SimulatedIamUser[];
  private readonly tokens = new Map<string, IssuedToken>();
  /** How many tokens were issued; tests check that callers share and cache them. */
  issuedCount = 0;

  constructor(options: SimulatedIamOptions) {
    this.users = options.users;
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? DAY_MS;
    this.clock = options.clock ?? Date.now;
  }

  /** Serves POST /v3/auth/tokens on `server`. */
  mount(server: SimulatorServer): void {
    server.route('POST', '/v3/auth/tokens', (request) => this.issue(request));
    server.onReset(() => {
      this.tokens.clear();
      this.issuedCount = 0;
    });
  }

  validateToken(token: string): TokenCheck {
    const issued = this.tokens.get(token);
    if (!issued) return { valid: false, reason: 'unknown' };
    if (this.clock() >= issued.expiresAt) return { valid: false, reason: 'expired' };
    return { valid: true, projectId: issued.projectId, userName: issued.userName };
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  private issue(request: SimRequest): SimResponse {
    let body: PasswordAuthBody;
    try {
      body = request.json() as PasswordAuthBody;
    } catch {
      return keystoneError(400, 'The request body is not valid JSON.', 'Bad Request');
    }
    const identity = body?.auth?.identity;
    const claimed = identity?.password?.user;
    const scope = body?.auth?.scope?.project;
    if (!identity?.methods?.includes('password') || !claimed?.name || claimed.password === undefined || !scope) {
      return keystoneError(400, 'The request you have made requires authentication.', 'Bad Request');
    }
    const user = this.users.find(
      (u) => u.name === claimed.name && u.password === claimed.password && u.domain === claimed.domain?.name,
    );
    if (!user) return keystoneError(401, 'The username or password is wrong.', 'Unauthorized');
    const project = user.projects.find((p) => (scope.id ? p.id === scope.id : p.name === scope.name));
    if (!project) return keystoneError(401, 'The project is not found or not authorized.', 'Unauthorized');

    const token = `MII${randomBytes(48).toString('base64url')}`;
    const issuedAt = this.clock();
    const expiresAt = issuedAt + this.tokenLifetimeMs;
    this.tokens.set(token, { projectId: project.id, userName: user.name, expiresAt });
    this.issuedCount += 1;
    return {
      status: 201,
      headers: { 'X-Subject-Token': token, 'X-Request-Id': randomUUID() },
      body: {
        token: {
          expires_at: iamTime(expiresAt),
          issued_at: iamTime(issuedAt),
          methods: ['password'],
          project: { id: project.id, name: project.name, domain: { id: domainId(user.domain), name: user.domain } },
          roles: [{ id: '0', name: 'op_service' }],
          user: { id: userId(user.name), name: user.name, domain: { id: domainId(user.domain), name: user.domain } },
        },
      },
    };
  }
}

/** Starts an IAM on its own port, as the real one has its own host. */
export async function startIamSimulator(options: SimulatedIamOptions): Promise<{
  url: string;
  server: SimulatorServer;
  iam: SimulatedIam;
  close(): Promise<void>;
}> {
  const server = new SimulatorServer({
    name: 'huawei-iam',
    notFound: () => keystoneError(404, 'The resource could not be found.', 'Not Found'),
  });
  const iam = new SimulatedIam(options);
  iam.mount(server);
  const url = await server.listen();
  return { url, server, iam, close: () => server.close() };
}

interface PasswordAuthBody {
  auth?: {
    identity?: { methods?: string[]; password?: { user?: { name?: string; password?: string; domain?: { name?: string } } } };
    scope?: { project?: { id?: string; name?: string } };
  };
}

/** `2020-01-04T09:05:22.701000Z`: IAM writes microseconds. */
function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function keystoneError(code: number, message: string, title: string): SimResponse {
  return { status: code, body: { error: { code, message, title } } };
}

function domainId(name: string): string {
  return stableHex(`domain:${name}`);
}

function userId(name: string): string {
  return stableHex(`user:${name}`);
}

function stableHex(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}
