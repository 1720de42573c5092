/**
 * The live total beside a seats field: `<input data-seat-total="ID">` updates `<output id="ID"
 * data-unit-amount data-currency>` as the buyer types. Progressive enhancement only: the server
 * renders the total for the seats in the URL, and the cart always prices from the catalog.
 */
const seats = (n: number) => `${n} ${n === 1 ? 'seat' : 'seats'}`;

function enhance(input: HTMLInputElement): void {
  const output = document.getElementById(input.dataset.seatTotal ?? '');
  const unit = Number(output?.dataset.unitAmount);
  const currency = output?.dataset.currency;
  if (!output || !Number.isSafeInteger(unit) || !currency) return;
  // Made on first use: the first Intl formatter of a page loads locale data, a main-thread task
  // a phone would otherwise run during page load for a total the server already rendered.
  let format: Intl.NumberFormat | undefined;
  const update = () => {
    const n = Number(input.value);
    const max = Number(input.max) || Number.POSITIVE_INFINITY;
    // An empty or out-of-range entry keeps the last total; the form itself says what is wrong.
    if (!Number.isSafeInteger(n) || n < 1 || n > max) return;
    format ??= new Intl.NumberFormat('en-US', { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    output.textContent = `${seats(n)}: ${format.format((unit * n) / 10 ** digits)}`;
  };
  input.addEventListener('input', update);
  // The server rendered the total for the field's initial value; a value the browser restored
  // (back button, reload) may differ.
  if (input.value !== input.defaultValue) update();
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[data-seat-total]')) enhance(input);
