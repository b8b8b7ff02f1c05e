/**
 * The shape of an API route under /v1. Each seed system exports `routes: Route[]`; the API
 * trigger validates the body (and the query, when declared) with the route's zod schemas, checks the caller's scope, and maps
 * AppError codes to HTTP statuses. Handlers call one use case each.
 */
import type { z } from 'zod';
import type { Actor } from '../../shared/ports.js';
import type { Container } from '../container.js';

/** What an API key may do. `admin` implies every scope. */
export const SCOPES = ['read', 'runs', 'decide', 'agent', 'finance', 'operator', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Caller {
  keyId: string;
  name: string;
  scopes: Scope[];
}

/**
 * Who an API caller is in audit records and decisions: the key's id (stable, the HMAC prefix) and
 * its name (a label that may change). The router maps each caller through this one function and
 * hands the result to the route as `ctx.actor`.
 */
export const actorOf = (c: Caller): Actor => ({ kind: 'apikey', id: c.keyId, name: c.name });

export interface RouteContext<B> {
  params: Record<string, string>;
  query: Record<string, string>;
  body: B;
  caller: Caller;
  /** The caller as the actor of what the route does (`actorOf(caller)`, mapped once by the router). */
  actor: Actor;
  /** The composition root: a handler calls one use case of `xOf(app)` (functions/src/wiring/). */
  app: Container;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** Defaults to application/json; text/markdown for Markdown views. */
  contentType?: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Express-style path with :params, e.g. /v1/runs/:id/gate */
  path: string;
  scope: Scope;
  body?: z.ZodType;
  /** The query values the route reads; the router checks them and the OpenAPI document lists them. */
  query?: z.ZodObject;
  handle(ctx: RouteContext<unknown>): Promise<RouteResult>;
}

/** Declares a route with a typed body. */
export function route<S extends z.ZodType | undefined = undefined>(def: {
  method: Route['method'];
  path: string;
  scope: Scope;
  body?: S;
  query?: z.ZodObject;
  handle(ctx: RouteContext<S extends z.ZodType ? z.infer<S> : undefined>): Promise<RouteResult>;
}): Route {
  return def as unknown as Route;
}
