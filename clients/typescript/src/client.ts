// The merchant API client: openapi-fetch over the types openapi-typescript generated from the
// merchant document (src/schema.d.ts; `npm run generate`, never edit it by hand).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Purchase = components["schemas"]["Purchase"];
export type Problem = components["schemas"]["Problem"];

/** A problem+json answer, typed: `code` says what went wrong, `retryAfter` (seconds) when to try again. */
export class PledgProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfter: number | undefined,
  ) {
    super(`${status} ${problem.code}: ${problem.detail}`);
  }

  get code(): string {
    return this.problem.code;
  }
}

/** A client for `baseUrl` with the merchant's API key; every error answer throws a {@link PledgProblem}. */
export function createPledgClient(baseUrl: string, apiKey: string) {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
  const problems: Middleware = {
    async onResponse({ response }) {
      if (response.status < 400) return undefined;
      const body = (await response.clone().json()) as Problem;
      const after = response.headers.get("Retry-After");
      throw new PledgProblem(response.status, body, after === null ? undefined : Number(after));
    },
  };
  client.use(problems);
  return client;
}

/** A fresh Idempotency-Key for one logical request: send the same key when retrying it. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
