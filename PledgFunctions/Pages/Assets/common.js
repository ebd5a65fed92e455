'use strict';
// Shared by the organizer's and the pledger's page: DOM building (text nodes only, never
// innerHTML, so nothing the API returns can run as markup), exact money conversion, the API
// client, field errors, the card form and the deadline countdown.
window.Pledg = (() => {
  const locale = navigator.language || 'en';

  // Minor-unit exponents, as the server's Money/Currencies.cs.
  const EXPONENTS = { EUR: 2, GBP: 2, USD: 2, CHF: 2, CZK: 2, NZD: 2, JPY: 0, KRW: 0, SEK: 2, DKK: 2, NOK: 2, PLN: 2, CAD: 2, AUD: 2 };
  const exponent = (currency) => EXPONENTS[currency] ?? 2;

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props ?? {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'value') el.value = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function svg(pathData, className) {
    const ns = 'http://www.w3.org/2000/svg';
    const icon = document.createElementNS(ns, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('focusable', 'false');
    icon.setAttribute('class', className ?? 'icon');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', pathData);
    icon.append(path);
    return icon;
  }

  const icons = {
    check: 'M5 12.5l4.5 4.5L19 7.5',
    close: 'M6 6l12 12M18 6L6 18',
    clock: 'M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
    lock: 'M7 11V8a5 5 0 0 1 10 0v3M6 11h12v9H6z',
    alert: 'M12 8v5M12 16.5v.5M12 3l9.5 17h-19z',
    plus: 'M12 5v14M5 12h14',
  };

  // ---- Money: integer minor units in, integer minor units out; no float ever touches an amount.

  /** "12345" minor units of EUR → "123.45": an exact decimal string. */
  function decimalString(minor, currency) {
    const exp = exponent(currency);
    const sign = minor < 0 ? '-' : '';
    const digits = String(Math.abs(minor));
    if (exp === 0) return sign + digits;
    const padded = digits.padStart(exp + 1, '0');
    return `${sign}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
  }

  function money(minor, currency) {
    const exp = exponent(currency);
    // Intl formats a decimal string exactly (no binary float in between).
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exp, maximumFractionDigits: exp })
      .format(decimalString(minor, currency));
  }

  /** What the person typed in major units ("25", "25.5", "25,50") → { minor } or { error }. */
  function parseAmount(text, currency) {
    const exp = exponent(currency);
    const compact = text.trim().replace(/[\s\u00a0\u202f']/g, '');
    if (compact === '') return { error: 'Enter an amount.' };
    const match = /^(\d+)(?:[.,](\d*))?$/.exec(compact);
    if (!match) return { error: exp === 0 ? 'Enter a whole number, like 1500.' : 'Enter an amount like 25.50.' };
    const fraction = match[2] ?? '';
    if (fraction.length > exp) return { error: exp === 0 ? `${currency} amounts have no decimals.` : `Use at most ${exp} decimals.` };
    const whole = match[1].replace(/^0+(?=\d)/, '');
    if (whole.length > 12) return { error: 'This amount is too large.' };
    const minor = Number(whole + fraction.padEnd(exp, '0'));
    if (minor <= 0) return { error: 'Enter an amount above zero.' };
    return { minor };
  }

  // ---- Dates and the countdown.

  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const formatDate = (iso) => dateFormat.format(new Date(iso));

  function remaining(ms) {
    if (ms <= 0) return 'no time';
    const total = Math.ceil(ms / 1000);
    const d = Math.floor(total / 86400), hours = Math.floor((total % 86400) / 3600);
    const min = Math.floor((total % 3600) / 60), s = total % 60;
    const two = (big, bigUnit, small, smallUnit) => (small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
    if (d > 0) return two(d, 'd', hours, 'h');
    if (hours > 0) return two(hours, 'h', min, 'min');
    if (min > 0) return two(min, 'min', s, 's');
    return `${s} s`;
  }

  /** A live "47 h 59 min" until the deadline; it is not announced every second (no live region). */
  function countdown(deadline) {
    const el = h('span', { class: 'countdown', 'data-deadline': deadline });
    el.textContent = remaining(Date.parse(deadline) - Date.now());
    return el;
  }

  setInterval(() => {
    for (const el of document.querySelectorAll('[data-deadline]'))
      el.textContent = remaining(Date.parse(el.dataset.deadline) - Date.now());
  }, 1000);

  // ---- The API: same origin, JSON in and out; errors are problem+json.

  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      return { ok: false, status: 0, problem: { detail: 'We couldn’t reach the payment service. Check your connection, then try again.' } };
    }
    let data = null;
    try { data = await response.json(); } catch { /* an empty or non-JSON body: handled below */ }
    if (response.ok) return { ok: true, status: response.status, data };
    return { ok: false, status: response.status, problem: data ?? { detail: `Something went wrong (error ${response.status}). Please try again.` } };
  }

  /** Delay until the next read: soon after the deadline, or `interval` while something may change. */
  function nextRead(deadline, interval) {
    const untilDeadline = Date.parse(deadline) - Date.now();
    const afterDeadline = untilDeadline <= 0 ? 2000 : untilDeadline + 500;
    return interval === null ? Math.min(afterDeadline, 2 ** 31 - 1) : Math.min(interval, afterDeadline);
  }

  // ---- Form fields and their errors.

  /** A labelled input with a hint and an error slot wired through aria-describedby. */
  function field({ id, label, hint, input, className }) {
    input.id = id;
    const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
    if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
    return h('div', { class: `field ${className ?? ''}` },
      h('label', { for: id }, label),
      hintEl,
      input,
      h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
  }

  function describedBy(input, id, add) {
    const ids = new Set((input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    if (add) ids.add(id); else ids.delete(id);
    if (ids.size) input.setAttribute('aria-describedby', [...ids].join(' ')); else input.removeAttribute('aria-describedby');
  }

  function clearErrors(root, alertEl) {
    for (const el of root.querySelectorAll('[aria-invalid="true"]')) {
      el.removeAttribute('aria-invalid');
      for (const id of (el.getAttribute('aria-describedby') ?? '').split(' '))
        if (id.endsWith('-error')) describedBy(el, id, false);
    }
    for (const el of root.querySelectorAll('.field-error')) { el.textContent = ''; el.hidden = true; }
    if (alertEl) alertEl.replaceChildren();
  }

  /** Puts each message of `errors` ({"card.number": ["..."]}) next to its field — `locate(key)`
   * answers { message, inputs, focus? } or null — marks the inputs invalid, moves focus to the
   * first of them on the page, and answers the messages that found no field. */
  function showErrors(errors, locate) {
    const toFocus = [];
    const unplaced = [];
    for (const [key, messages] of Object.entries(errors ?? {})) {
      const target = locate(key);
      const text = (Array.isArray(messages) ? messages : [messages]).join(' ');
      if (!target) { unplaced.push(text); continue; }
      target.message.textContent = target.message.textContent ? `${target.message.textContent} ${text}` : text;
      target.message.hidden = false;
      for (const input of target.inputs) {
        input.setAttribute('aria-invalid', 'true');
        describedBy(input, target.message.id, true);
      }
      toFocus.push(...(target.inputs.length ? target.inputs : [target.focus].filter(Boolean)));
    }
    toFocus.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    toFocus[0]?.focus();
    return unplaced;
  }

  function showAlert(alertEl, text) {
    alertEl.replaceChildren(svg(icons.alert, 'icon icon-alert'), h('span', { text }));
  }

  /** The field for an input id: its error slot and the input itself. */
  function byId(id) {
    const input = document.getElementById(id);
    const message = document.getElementById(`${id}-error`);
    return input && message ? { message, inputs: [input] } : null;
  }

  // ---- The card form, the same on both pages.

  const numeric = (props) => h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', ...props });

  function cardFields() {
    return h('fieldset', { class: 'card-fields' },
      h('legend', { class: 'visually-hidden', text: 'Card details' }),
      field({ id: 'card-number', label: 'Card number', input: numeric({ autocomplete: 'cc-number', maxlength: 23, placeholder: '1234 1234 1234 1234' }) }),
      h('div', { class: 'field-row' },
        field({ id: 'card-exp-month', label: 'Expiry month', input: numeric({ autocomplete: 'cc-exp-month', maxlength: 2, placeholder: 'MM' }) }),
        field({ id: 'card-exp-year', label: 'Expiry year', input: numeric({ autocomplete: 'cc-exp-year', maxlength: 4, placeholder: 'YYYY' }) }),
        field({ id: 'card-cvc', label: 'CVC', input: numeric({ autocomplete: 'cc-csc', maxlength: 4, placeholder: '123' }) })),
      h('p', { class: 'test-mode' }, h('strong', { text: 'Test mode' }),
        ' — no real card is charged. Use 4242 4242 4242 4242 with any future date; 4000 0000 0000 0002 is declined.'));
  }

  function luhn(digits) {
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
      sum += d;
    }
    return sum % 10 === 0;
  }

  /** The card as the API wants it, and the errors a person can fix before anything is sent. */
  function readCard(errors) {
    const value = (id) => document.getElementById(id).value.trim();
    const number = value('card-number').replace(/[\s-]/g, '');
    if (number === '') errors['card.number'] = ['Enter the card number.'];
    else if (!/^\d{12,19}$/.test(number)) errors['card.number'] = ['A card number has 12 to 19 digits.'];
    else if (!luhn(number)) errors['card.number'] = ['This card number isn’t valid. Check for a typo.'];
    const month = value('card-exp-month');
    if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12) errors['card.expMonth'] = ['Enter the month, 01 to 12.'];
    let year = value('card-exp-year');
    if (/^\d{2}$/.test(year)) year = `20${year}`;
    if (!/^\d{4}$/.test(year)) errors['card.expYear'] = ['Enter the year, like 2030.'];
    const cvc = value('card-cvc');
    if (!/^\d{3,4}$/.test(cvc)) errors['card.cvc'] = ['Enter the 3 or 4 digits on the back of the card.'];
    return { number, expMonth: Number(month), expYear: Number(year), cvc };
  }

  /** After a declined card: the number is selected, so typing replaces it. */
  function focusCardNumber() {
    const input = document.getElementById('card-number');
    input.focus();
    input.select();
  }

  const shareStates = {
    SUCCESSFULL: { label: 'Paid', class: 'badge badge-success' },
    INITIALIZED: { label: 'Waiting', class: 'badge badge-pending' },
    FAILED: { label: 'Not paid', class: 'badge badge-failed' },
  };

  function badge(state) {
    const s = shareStates[state] ?? { label: state, class: 'badge' };
    return h('span', { class: s.class, 'data-state': state, text: s.label });
  }

  /** The busy state of a submit button: one payment at a time, and the button says so. */
  function setBusy(form, button, busy, label) {
    form.setAttribute('aria-busy', String(busy));
    button.setAttribute('aria-disabled', String(busy));
    button.classList.toggle('is-busy', busy);
    button.textContent = label;
  }

  return {
    h, svg, icons, exponent, decimalString, money, parseAmount, formatDate, countdown, api, nextRead,
    field, clearErrors, showErrors, showAlert, byId, cardFields, readCard, focusCardNumber, badge, setBusy,
  };
})();
