// The merchant flow through this client against a running service, as a merchant would write it
// (PledgFunctions.Tests/Client/TypeScriptClientTests.cs runs it). Environment: PLEDG_BASE_URL,
// PLEDG_API_KEY, PLEDG_WEBHOOK_SECRET, and PLEDG_LIMITED_BASE_URL (a service with a tiny rate limit).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPledgClient, idempotencyKey, PledgProblem } from "./client.js";
import { EventTypes, readEvent, type PurchaseEvent } from "./webhooks.js";

const env = (name: string): string => process.env[name] ?? fail(`${name} is not set`);
function fail(message: string): never {
  throw new Error(message);
}
function check(condition: boolean, message: string): void {
  if (!condition) fail(message);
}

const baseUrl = env("PLEDG_BASE_URL");
const pledg = createPledgClient(baseUrl, env("PLEDG_API_KEY"));
const organizer = `alice-${idempotencyKey()}@example.com`;

// A receiver for the webhook: the raw body and its signature header, as a merchant's endpoint gets them.
const deliveries: { body: Buffer; signature: string | undefined }[] = [];
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", () => {
    deliveries.push({ body: Buffer.concat(chunks), signature: request.headers["pledg-signature"] as string | undefined });
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pledg-events`;

const body = {
  organizerEmail: organizer,
  amount: 12000,
  currency: "EUR" as const,
  cart: [{ name: "Tent", quantity: 1, unitAmount: 12000 }],
  reference: "order-ts",
};

// Create with an Idempotency-Key: the same key and body replay the first purchase.
const key = idempotencyKey();
const { data: created } = await pledg.POST("/api/purchases", { body, params: { header: { "Idempotency-Key": key } } });
const { data: replayed } = await pledg.POST("/api/purchases", { body, params: { header: { "Idempotency-Key": key } } });
check(created !== undefined && replayed?.id === created.id, "the replay is the first purchase");
const id = created!.id;

// PATCH one field as a merge patch: nothing else changes.
const { data: edited } = await pledg.PATCH("/api/purchases/{id}", {
  params: { path: { id } },
  body: { reference: "order-ts-b" },
  headers: { "Content-Type": "application/merge-patch+json" },
});
check(edited?.reference === "order-ts-b", "the reference is edited");
for (const field of ["amount", "currency", "cart", "organizerEmail", "deadline", "paymentUrl"] as const)
  check(JSON.stringify(edited![field]) === JSON.stringify(created![field]), `${field} is unchanged`);

// List with paging: one a page, newest first, then nextCursor null.
const { data: second } = await pledg.POST("/api/purchases", { body: { ...body, notificationUrl: hook } });
const { data: page1 } = await pledg.GET("/api/purchases", { params: { query: { organizerEmail: organizer, limit: 1 } } });
check(page1?.items[0]?.id === second!.id && typeof page1.nextCursor === "string", "the first page holds the newest");
const { data: page2 } = await pledg.GET("/api/purchases", {
  params: { query: { organizerEmail: organizer, limit: 1, cursor: page1!.nextCursor! } },
});
check(page2?.items[0]?.id === id && page2.nextCursor === null, "the last page ends with nextCursor null");

// The organizer pays on the hosted page (not in the merchant's client: plain fetch, as the page does).
const token = new URL(second!.paymentUrl).pathname.split("/").pop()!;
const pledge = await fetch(new URL(`/api/checkout/${token}/pledge`, baseUrl), {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ pledgers: [], card: { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" } }),
});
check(pledge.ok, `the pledge answered ${pledge.status}`);

// The signed events arrive (purchase.pledged, then purchase.succeeded, in any order); the helper
// verifies and reads each into its type.
for (let i = 0; i < 300 && deliveries.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
const events_: PurchaseEvent[] = deliveries.map((d) => readEvent(d.signature, d.body, env("PLEDG_WEBHOOK_SECRET")));
const event = events_.find((e) => e.type === EventTypes.purchaseSucceeded) ?? fail("no purchase.succeeded delivery within 30 s");
check(event.data.id === second!.id, `read ${event.type} of ${event.data.id}`);
check(events_.some((e) => e.type === EventTypes.purchasePledged), "purchase.pledged was delivered too");
const delivery = deliveries[0]!;
let forged = false;
try {
  readEvent(delivery.signature, Buffer.concat([delivery.body, Buffer.from(" ")]), env("PLEDG_WEBHOOK_SECRET"));
} catch {
  forged = true;
}
check(forged, "a changed body is refused");

// The events list (paged) shows the same event.
const { data: events } = await pledg.GET("/api/purchases/{id}/events", { params: { path: { id: second!.id }, query: { limit: 10 } } });
check(events?.items.some((e) => e.id === event.id) === true && events.nextCursor === null, "the event is listed");

// The e-mails to the members (contract 1.2): a list, never a body or a link.
const { data: messages } = await pledg.GET("/api/purchases/{id}/messages", { params: { path: { id: second!.id } } });
check(Array.isArray(messages?.items), "the messages are listed");

// Refund the succeeded purchase; cancel the other; a second cancel is a typed problem.
const { data: refunding, response: refundResponse } = await pledg.POST("/api/purchases/{id}/refund", {
  params: { path: { id: second!.id } },
  body: { reason: "returned" },
});
check(refundResponse.status === 202 && refunding?.refundStatus === "pending", "the refund is accepted");
const { data: cancelled } = await pledg.POST("/api/purchases/{id}/cancel", { params: { path: { id } }, body: {} });
check(cancelled?.state === "FAILED" && cancelled.failureReason === "cancelled", "the purchase is cancelled");
try {
  await pledg.POST("/api/purchases/{id}/cancel", { params: { path: { id } }, body: {} });
  fail("a second cancel succeeded");
} catch (e) {
  check(e instanceof PledgProblem && e.status === 409 && e.code === "purchase_not_modifiable", `got ${String(e)}`);
}

// Over the rate limit: a typed problem with its code and Retry-After.
const limited = createPledgClient(env("PLEDG_LIMITED_BASE_URL"), env("PLEDG_API_KEY"));
let refused: PledgProblem | undefined;
for (let i = 0; i < 10 && refused === undefined; i++) {
  try {
    await limited.GET("/api/purchases/{id}/status", { params: { path: { id: "pur_00000000000000000000000000000000" } } });
  } catch (e) {
    if (e instanceof PledgProblem && e.status === 429) refused = e;
  }
}
check(refused?.code === "rate_limited" && (refused.retryAfter ?? 0) >= 1, "a 429 carries rate_limited and Retry-After");

receiver.close();
console.log("typescript merchant flow: ok");
