/**
 * "Show password" for `<input type="password" data-reveal>`. Progressive
 * enhancement only: without this script the field is a plain password input,
 * so the button is created here rather than rendered by the server (a button
 * that does nothing without JS would be a broken control).
 */
function enhance(input: HTMLInputElement): void {
  if (input.dataset.revealReady) return;
  input.dataset.revealReady = '1';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'reveal-toggle';
  button.textContent = 'Show';
  // The accessible name starts with the visible text (WCAG 2.5.3, label in name).
  button.setAttribute('aria-label', 'Show password');
  button.setAttribute('aria-pressed', 'false');
  if (input.id) button.setAttribute('aria-controls', input.id);
  button.addEventListener('click', () => {
    const reveal = input.type === 'password';
    input.type = reveal ? 'text' : 'password';
    button.textContent = reveal ? 'Hide' : 'Show';
    button.setAttribute('aria-label', reveal ? 'Hide password' : 'Show password');
    button.setAttribute('aria-pressed', String(reveal));
    input.focus();
  });
  input.insertAdjacentElement('afterend', button);
  // Hide the password again before submit so the browser never stores it as
  // plain text in its form history.
  input.form?.addEventListener('submit', () => {
    input.type = 'password';
  });
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[type="password"][data-reveal]')) {
  enhance(input);
}
