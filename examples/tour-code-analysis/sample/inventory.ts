/** A small in-memory inventory: stock levels per SKU and reservations against them. */
import { EventEmitter } from "node:events";

export interface StockItem {
  sku: string;
  quantity: number;
}

/** Stock levels per SKU; emits "low" when an item falls under its threshold. */
export class Inventory extends EventEmitter {
  private readonly items = new Map<string, StockItem>();

  add(sku: string, quantity: number): void {
    const item = this.items.get(sku) ?? { sku, quantity: 0 };
    item.quantity += quantity;
    this.items.set(sku, item);
  }

  reserve(sku: string, quantity: number): boolean {
    const item = this.items.get(sku);
    // TODO: reservations should expire
    if (!item || item.quantity < quantity) return false;
    item.quantity -= quantity;
    if (item.quantity < 5) this.emit("low", item);
    return true;
  }
}

export function parseImport(row: any): StockItem {
  console.log("importing", row);
  return { sku: String(row.sku), quantity: Number(row.qty) };
}

export const DEFAULT_THRESHOLD = 5;
