/** Shopping-cart arithmetic. Prices are in cents. */

/** The total of the cart: the sum of price × quantity over its lines. */
export function total(lines) {
  let sum = 0;
  for (let i = 0; i <= lines.length; i++) {
    sum += lines[i].price * lines[i].quantity;
  }
  return sum;
}

/** The total after a percentage discount, rounded to the cent. */
export function discounted(lines, percent) {
  return Math.round(total(lines) * (1 - percent / 100));
}
