// The TypeScript part of docs/quick-start.md, as written there (QuickStartTests checks the two agree;
// TypeScriptClientTests type-checks and runs it). Environment: PLEDG_BASE_URL, PLEDG_API_KEY.
import { createPledgClient, idempotencyKey, PledgProblem } from "./client.js";

const pledg = createPledgClient(process.env.PLEDG_BASE_URL ?? "http://localhost:7071", process.env.PLEDG_API_KEY ?? "");

// quick-start:begin
const { data: purchase } = await pledg.POST("/api/purchases", {
  body: { organizerEmail: "alice@example.com", amount: 12000, currency: "EUR", reference: "order-123" },
  params: { header: { "Idempotency-Key": idempotencyKey() } },
});
console.log(`send the organizer to ${purchase!.paymentUrl}`);

const { data: edited } = await pledg.PATCH("/api/purchases/{id}", {
  params: { path: { id: purchase!.id } },
  body: { reference: "order-123-b" },
  headers: { "Content-Type": "application/merge-patch+json" },
});
console.log(`${edited!.id} is ${edited!.state}, reference ${edited!.reference}`);

try {
  await pledg.PATCH("/api/purchases/{id}", { params: { path: { id: purchase!.id } }, body: { amount: 0 } });
} catch (e) {
  if (!(e instanceof PledgProblem)) throw e;
  console.log(`refused: ${e.code} ${JSON.stringify(e.problem.errors)}`);
}
// quick-start:end
