import { z } from "@hono/zod-openapi";

export const NewCheckoutSchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("subscription"),
        planId: z.string().regex(/^pln_[0-9A-Z]{26}$/),
        months: z.union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)]).default(1),
        promoCode: z
          .string()
          .regex(/^[A-Za-z0-9]{3,32}$/)
          .optional(),
      })
      .strict(),
    z.object({ kind: z.literal("ppv"), contentId: z.string().regex(/^cnt_[0-9A-Z]{26}$/) }).strict(),
    z
      .object({
        kind: z.literal("tip"),
        creatorId: z.string().regex(/^prf_[0-9A-Z]{26}$/),
        amountCents: z.number().int().min(100).max(100_000),
        message: z.string().trim().max(500).optional(),
      })
      .strict(),
  ])
  .openapi("NewCheckout");

export const CheckoutSchema = z
  .object({
    checkoutId: z.string().openapi({ example: "chk_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    url: z.string().openapi({ description: "The provider's checkout page: send the fan's browser there." }),
    amountCents: z.number().int(),
    currency: z.string(),
  })
  .openapi("Checkout");
