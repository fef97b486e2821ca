import http from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay, { type HTTPMethod } from 'find-my-way';

/**
 * What every vendor simulator shares: an HTTP server with a router, a log of every request (tests
 * count upstream calls with it), scripted faults, timers that die with the server, and an admin path
 * (`/__admin/...`) that offers the same controls over HTTP. The gateway never calls the admin path.
 */

export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

export type Fault =
  | { type: 'latency'; ms: number }
  /** Answer with this status and JSON body (and headers: Retry-After ...), as the vendor would for a failure. */
  | { type: 'vendorError'; status: number; body: unknown; headers?: Record<string, string> }
  /** A plain-text 500, as a crashed upstream or a proxy in front of it would send. */
  | { type: 'http500text'; text?: string }
  /** Close the socket without an answer, before the request is handled: nothing happens upstream. */
  | { type: 'drop' }
  /** Handle the request (create what it creates), then close the socket instead of answering. */
  | { type: 'dropAfterHandling' }
  /** Handle the request, then answer with its status and a truncated body that is not JSON. */
  | { type: 'garbleAfterHandling' }
  /** Never answer and never close: a blackholed host, as the caller sees it. */
  | { type: 'hang' }
  /** 200 with a body that is not JSON. */
  | { type: 'malformedJson' };

export interface FaultRule {
  fault: Fault;
  method?: string;
  /** Matches when the request path contains this string. */
  pathIncludes?: string;
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
  /** Applies to this share (0-1) of the matching requests, drawn at random; every one when absent. */
  probability?: number;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as text/plain; anything else as JSON. `undefined` sends no body. */
  body?: unknown;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as received (signature checks hash these bytes). */
  rawBody: string;
  params: Record<string, string | undefined>;
  /** The body parsed as JSON, or `undefined` when empty; a parse failure gives `SyntaxError`. */
  json(): unknown;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface SimulatorServerOptions {
  name: string;
  /** Answer for a path with no route (vendors differ in shape). */
  notFound: (request: SimRequest) => SimResponse;
}

export class SimulatorServer {
  readonly name: string;
  private readonly router = FindMyWay<FindMyWay.HTTPVersion.V1>({ ignoreTrailingSlash: true });
  private readonly server: http.Server;
  private readonly log: LoggedRequest[] = [];
  private faults: FaultRule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly notFound: SimulatorServerOptions['notFound'];
  private listeners: ((entry: LoggedRequest) => void)[] = [];
  private arrivalListeners: ((method: string, path: string) => void)[] = [];
  private resetHooks: (() => void)[] = [];
  private readonly created = new Map<string, number>();
  private readonly hung = new Set<http.ServerResponse>();
  url = '';

  constructor(options: SimulatorServerOptions) {
    this.name = options.name;
    this.notFound = options.notFound;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  route(method: HTTPMethod | HTTPMethod[], path: string, handler: SimHandler): this {
    this.router.on(method, path, (_req, _res, params) => params as never, { handler });
    return this;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.hung.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Runs `fn` after `ms` unless the server closes first. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  requests(filter?: { method?: string; pathIncludes?: string }): LoggedRequest[] {
    return this.log.filter(
      (entry) =>
        (!filter?.method || entry.method === filter.method) &&
        (!filter?.pathIncludes || entry.path.includes(filter.pathIncludes)),
    );
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  /** Calls `listener` after each logged request; returns the unsubscribe function. */
  onRequest(listener: (entry: LoggedRequest) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Calls `listener` as each request arrives, before any fault or answer: tests await "in flight". */
  onArrival(listener: (method: string, path: string) => void): () => void {
    this.arrivalListeners.push(listener);
    return () => {
      this.arrivalListeners = this.arrivalListeners.filter((l) => l !== listener);
    };
  }

  injectFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * The vendor created something a client asked for (not seed data): counted by kind and name, so a
   * run whose every create has its own name can tell how many were created twice.
   */
  recordCreation(kind: string, name: string): void {
    const key = `${kind}:${name}`;
    this.created.set(key, (this.created.get(key) ?? 0) + 1);
  }

  /** `kind:name` of everything created more than once, with its count. */
  duplicateCreations(): [string, number][] {
    return [...this.created].filter(([, count]) => count > 1);
  }

  get creationCount(): number {
    return [...this.created.values()].reduce((sum, count) => sum + count, 0);
  }

  /** Registers what `reset()` must also restore (a vendor's state and seed). */
  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  reset(): void {
    this.clearFaults();
    this.clearRequests();
    this.created.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const hook of this.resetHooks) hook();
  }

  private takeFault(method: string, path: string): Fault | null {
    const index = this.faults.findIndex(
      (rule) =>
        (!rule.method || rule.method === method) &&
        (!rule.pathIncludes || path.includes(rule.pathIncludes)) &&
        (rule.probability === undefined || Math.random() < rule.probability),
    );
    if (index < 0) return null;
    const rule = this.faults[index]!;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.faults.splice(index, 1);
    }
    return rule.fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    for (const listener of this.arrivalListeners) listener(method, url.pathname);

    if (url.pathname.startsWith('/__admin/')) {
      this.send(res, this.admin(method, url.pathname, rawBody));
      return;
    }

    let response: SimResponse | null | 'hang';
    try {
      response = await this.respond(req, method, url, rawBody);
    } catch (error) {
      response = { status: 500, body: `simulator ${this.name} failed: ${(error as Error).message}` };
    }
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: rawBody,
      status: response === 'hang' ? 0 : (response?.status ?? 0),
      at: Date.now(),
    };
    this.log.push(entry);
    for (const listener of this.listeners) listener(entry);
    if (response === 'hang') this.hung.add(res);
    else if (response) this.send(res, response);
    else req.socket.destroy();
  }

  /** `null` means: drop the connection; `hang`: keep it open and never answer. */
  private async respond(req: http.IncomingMessage, method: string, url: URL, rawBody: string): Promise<SimResponse | null | 'hang'> {
    const fault = this.takeFault(method, url.pathname);
    if (fault?.type === 'latency') await new Promise((resolve) => this.later(fault.ms, () => resolve(undefined)));
    else if (fault?.type === 'drop') return null;
    else if (fault?.type === 'hang') return 'hang';
    else if (fault?.type === 'http500text') return { status: 500, body: fault.text ?? 'Internal Server Error' };
    else if (fault?.type === 'vendorError') return { status: fault.status, headers: fault.headers, body: fault.body };
    else if (fault?.type === 'malformedJson') {
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"inventories": [' };
    }
    const handled = await this.handleRoute(req, method, url, rawBody);
    if (fault?.type === 'dropAfterHandling') return null;
    if (fault?.type === 'garbleAfterHandling') return { status: handled.status, headers: { 'content-type': 'application/json' }, body: '{"truncated": ' };
    return handled;
  }

  private async handleRoute(req: http.IncomingMessage, method: string, url: URL, rawBody: string): Promise<SimResponse> {

    const found = this.router.find(method as HTTPMethod, url.pathname);
    const request: SimRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      params: found?.params ?? {},
      json: () => (rawBody === '' ? undefined : JSON.parse(rawBody)),
    };
    if (!found) return this.notFound(request);
    const handler = (found.store as { handler: SimHandler }).handler;
    return handler(request);
  }

  private admin(method: string, path: string, rawBody: string): SimResponse {
    const route = `${method} ${path}`;
    if (route === 'GET /__admin/requests') {
      return {
        status: 200,
        body: this.log.map(({ query, ...entry }) => ({ ...entry, query: Object.fromEntries(query) })),
      };
    }
    if (route === 'DELETE /__admin/requests') {
      this.clearRequests();
      return { status: 204 };
    }
    if (route === 'POST /__admin/faults') {
      this.injectFault(JSON.parse(rawBody) as FaultRule);
      return { status: 204 };
    }
    if (route === 'DELETE /__admin/faults') {
      this.clearFaults();
      return { status: 204 };
    }
    if (route === 'POST /__admin/reset') {
      this.reset();
      return { status: 204 };
    }
    return { status: 404, body: `no admin route ${route}` };
  }

  private send(res: http.ServerResponse, response: SimResponse): void {
    const headers: Record<string, string> = { ...response.headers };
    let payload = '';
    if (typeof response.body === 'string') {
      payload = response.body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else if (response.body !== undefined) {
      payload = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}
