import type { PlatformTables } from '../../platform/db/client.ts';

/** The tables of migrations/202611230300_checkout_init.sql. */
export type CheckoutTables = {
  cart: {
    id: string;
    token_hash: string | null;
    user_id: string | null;
    currency: string;
    status: 'open' | 'checked_out' | 'merged';
    version: number;
    order_id: string | null;
    created_at: Date;
    updated_at: Date;
  };
  cart_line: {
    cart_id: string;
    sku: string;
    quantity: number;
    added_at: Date;
  };
};

export type CheckoutDb = PlatformTables & CheckoutTables;
export type CartRow = CheckoutTables['cart'];
export type CartLineRow = CheckoutTables['cart_line'];
