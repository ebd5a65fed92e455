// Verifying and reading the events the service POSTs to a notificationUrl (docs/webhooks.md):
// Pledg-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the webhook secret>.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { components } from "./schema.js";

export type PurchaseEvent = components["schemas"]["PurchaseEvent"];

/** The event types known today. `type` is an open set: answer 2xx to a type you do not know. */
export const EventTypes = {
  purchaseSucceeded: "purchase.succeeded",
  purchaseFailed: "purchase.failed",
  purchaseRefunded: "purchase.refunded",
  purchasePledged: "purchase.pledged",
  sharePaid: "share.paid",
} as const;

/** How far the signature's time may be from now by default: an older delivery replayed is refused. */
export const defaultToleranceSeconds = 5 * 60;

/** True when `header` signs exactly `rawBody` with `secret` and its time is within the tolerance of `now`. */
export function verifySignature(
  header: string | null | undefined,
  rawBody: Uint8Array,
  secret: string,
  now: Date = new Date(),
  toleranceSeconds: number = defaultToleranceSeconds,
): boolean {
  if (!header || header.length > 1024) return false;
  let time: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(",").map((p) => p.trim())) {
    if (part.startsWith("t=") && /^[0-9]+$/.test(part.slice(2))) time = Number(part.slice(2));
    else if (/^v1=[0-9a-f]{64}$/.test(part)) signatures.push(Buffer.from(part.slice(3), "hex"));
  }
  if (time === undefined || signatures.length === 0) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - time) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${time}.`).update(rawBody).digest();
  return signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
}

/** Verifies, then parses the event; throws when the signature does not hold. */
export function readEvent(header: string | null | undefined, rawBody: Uint8Array, secret: string, now?: Date): PurchaseEvent {
  if (!verifySignature(header, rawBody, secret, now)) throw new Error("Pledg-Signature does not sign this body with this secret, or is too old.");
  return JSON.parse(Buffer.from(rawBody).toString("utf8")) as PurchaseEvent;
}
