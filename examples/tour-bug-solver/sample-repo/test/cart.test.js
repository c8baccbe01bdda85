import assert from "node:assert/strict";
import { test } from "node:test";
import { discounted, total } from "../src/cart.js";

const lines = [
  { price: 250, quantity: 2 },
  { price: 1000, quantity: 1 },
];

test("total sums price × quantity", () => {
  assert.equal(total(lines), 1500);
});

test("an empty cart costs nothing", () => {
  assert.equal(total([]), 0);
});

test("discounted applies the percentage", () => {
  assert.equal(discounted(lines, 10), 1350);
});
