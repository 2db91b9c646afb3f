/**
 * @module gateway/router
 * Path → route matching with `:name` parameters. Invariant: a path either matches exactly one
 * route for the method, or the result says why not (no such path → 404, path exists for other
 * methods → 405 with the allowed list), so the pipeline never guesses. Static segments win over
 * parameters at the same depth (`/events/search` before `/events/:eventId`).
 */
import type { AnyRoute } from './types.js';

/** The outcome of matching one request. */
export type RouteMatch =
  | { type: 'found'; route: AnyRoute; params: Record<string, string> }
  /** No route has this path: answer 404. */
  | { type: 'not_found' }
  /** The path exists with other methods: answer 405 with `Allow: allow.join(', ')`. */
  | { type: 'method_not_allowed'; allow: string[] };

interface Node {
  statics: Map<string, Node>;
  param: { name: string; node: Node } | undefined;
  routes: Map<string, AnyRoute>;
}

const newNode = (): Node => ({ statics: new Map(), param: undefined, routes: new Map() });

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Longest path we try to match; longer paths are 404 without work. */
const MAX_PATH = 2048;

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** A method → route table over a segment tree. Build once at start-up, then only `match`. */
export class Router {
  private readonly root = newNode();
  private readonly all: AnyRoute[] = [];

  /**
   * Add a route. Throws a plain `Error` at start-up on a duplicate method+path, a bad parameter
   * name, or two different parameter names at the same position (a programming error).
   */
  add(route: AnyRoute): void {
    if (!route.path.startsWith('/')) throw new Error(`route path must start with /: ${route.path}`);
    let node = this.root;
    for (const seg of segmentsOf(route.path)) {
      if (seg.startsWith(':')) {
        const name = seg.slice(1);
        if (!PARAM_NAME.test(name)) throw new Error(`bad parameter name in ${route.path}`);
        if (node.param && node.param.name !== name) {
          throw new Error(`${route.path}: parameter :${name} conflicts with :${node.param.name}`);
        }
        node.param ??= { name, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.statics.get(seg);
        if (!next) node.statics.set(seg, (next = newNode()));
        node = next;
      }
    }
    if (node.routes.has(route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`);
    node.routes.set(route.method, route);
    this.all.push(route);
  }

  /** Every route, in the order added. */
  routes(): readonly AnyRoute[] {
    return this.all;
  }

  /**
   * Match `method` (HEAD matches GET) and a decoded-later `path`. Parameter values are
   * percent-decoded; a value that does not decode makes the path not found.
   */
  match(method: string, path: string): RouteMatch {
    if (path.length > MAX_PATH) return { type: 'not_found' };
    const params: Record<string, string> = {};
    const node = this.walk(this.root, segmentsOf(path), 0, params);
    if (!node || node.routes.size === 0) return { type: 'not_found' };
    const route = node.routes.get(method === 'HEAD' ? 'GET' : method);
    if (route) return { type: 'found', route, params };
    const allow = [...node.routes.keys()];
    if (allow.includes('GET')) allow.push('HEAD');
    return { type: 'method_not_allowed', allow: allow.sort() };
  }

  private walk(node: Node, segs: string[], i: number, params: Record<string, string>): Node | undefined {
    if (i === segs.length) return node.routes.size > 0 ? node : undefined;
    const seg = segs[i]!;
    const stat = node.statics.get(seg);
    if (stat) {
      const found = this.walk(stat, segs, i + 1, params);
      if (found) return found;
    }
    if (node.param) {
      let value: string;
      try {
        value = decodeURIComponent(seg);
      } catch {
        return undefined;
      }
      const found = this.walk(node.param.node, segs, i + 1, params);
      if (found) {
        params[node.param.name] = value;
        return found;
      }
    }
    return undefined;
  }
}

/** `/api/v1/events/:eventId` → `/api/v1/events/{eventId}` (OpenAPI form). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}
