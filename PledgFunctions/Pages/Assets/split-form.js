'use strict';
// The organizer's form: the pledgers (up to 20), equal or custom split with a live preview of
// every share, the card, and the Pay button. `pay(body)` sends the pledge, `paid(answer)` moves
// the page on, `refresh()` re-reads the checkout after an answer that changes what is true.
(() => {
  const P = window.Pledg;
  const { h } = P;
  const MAX_PLEDGERS = 20;
  const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  P.MAX_PLEDGERS = MAX_PLEDGERS;

  P.splitForm = (c, { pay, paid, refresh }) => {
    const model = { mode: 'equal', pledgers: [{ email: '', amount: '' }] };
    let busy = false;
    const total = P.money(c.amount, c.currency);
    const list = h('div', { class: 'pledgers', id: 'pledgers' });
    const addButton = h('button', { type: 'button', class: 'button-secondary', id: 'add-pledger', onclick: add },
      P.svg(P.icons.plus), 'Add a person');
    const limitNote = h('p', { class: 'hint', hidden: true, text: `That’s the most: ${MAX_PLEDGERS} people besides you.` });
    const preview = h('ul', { class: 'preview-list', id: 'preview' });
    // The live check of the split, and where an error about the pledgers as a whole is shown.
    const previewNote = h('p', { class: 'preview-note', id: 'pledgers-error', 'aria-live': 'polite' });
    const alertEl = h('div', { class: 'alert', role: 'alert', id: 'form-alert' });
    const payLabel = `Pay ${total}`;
    const payButton = h('button', { type: 'submit', class: 'button-primary', id: 'pay-button' }, payLabel);
    const radio = (value, label) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: 'split', value, checked: value === model.mode, onchange: () => setMode(value) }),
      h('span', { text: label }));

    const form = h('form', { class: 'panel form', novalidate: true, onsubmit: submit },
      h('section', { class: 'step', 'aria-labelledby': 'people-title' },
        h('h2', { id: 'people-title' }, h('span', { class: 'step-number', 'aria-hidden': 'true', text: '1' }), 'Who’s chipping in?'),
        h('p', { class: 'hint', text: 'Add the email of each person who pays you back. Each one gets a personal payment link.' }),
        list, addButton, limitNote,
        h('fieldset', { class: 'split-mode' }, h('legend', { text: 'How to split' }), h('div', { class: 'choices' }, radio('equal', 'Equally'), radio('custom', 'Custom amounts'))),
        h('div', { class: 'preview', role: 'group', 'aria-labelledby': 'preview-title' },
          h('h3', { id: 'preview-title', text: 'Who pays what' }), preview, previewNote)),
      h('section', { class: 'step', 'aria-labelledby': 'card-title' },
        h('h2', { id: 'card-title' }, h('span', { class: 'step-number', 'aria-hidden': 'true', text: '2' }), 'Pay the full amount'),
        h('p', { class: 'hint' }, 'Your card is charged ', h('strong', { text: total }), ' now. The others pay you back with their links.'),
        P.cardFields(), alertEl, payButton,
        h('p', { class: 'muted small deadline-note' }, P.svg(P.icons.clock), h('span', {}, 'This link expires in ', P.countdown(c.deadline), '.'))));

    function row(pledger, i) {
      const n = i + 1;
      const email = h('input', { type: 'email', autocomplete: 'off', spellcheck: 'false', placeholder: 'name@example.com', value: pledger.email,
        oninput: (e) => { pledger.email = e.target.value; updatePreview(); } });
      const amount = model.mode === 'custom'
        ? h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', value: pledger.amount, placeholder: P.decimalString(0, c.currency),
          oninput: (e) => { pledger.amount = e.target.value; updatePreview(); } })
        : null;
      return h('div', { class: `pledger ${amount ? 'with-amount' : ''}` },
        P.field({ id: `pledger-${i}-email`, label: `Email of person ${n}`, input: email, className: 'field-email' }),
        amount && P.field({ id: `pledger-${i}-amount`, className: 'field-amount', input: amount,
          label: h('span', {}, `Amount (${c.currency})`, h('span', { class: 'visually-hidden', text: ` for person ${n}` })) }),
        h('button', { type: 'button', class: 'button-icon', 'aria-label': `Remove person ${n}`, title: `Remove person ${n}`, onclick: () => remove(i) },
          P.svg(P.icons.close)));
    }

    function renderRows(focusId) {
      P.clearErrors(list);
      list.replaceChildren(...model.pledgers.map(row));
      addButton.hidden = model.pledgers.length >= MAX_PLEDGERS;
      limitNote.hidden = !addButton.hidden;
      updatePreview();
      if (focusId) (document.getElementById(focusId) ?? addButton).focus();
    }

    function add() {
      if (model.pledgers.length >= MAX_PLEDGERS) return;
      model.pledgers.push({ email: '', amount: '' });
      renderRows(`pledger-${model.pledgers.length - 1}-email`);
    }

    function remove(i) {
      model.pledgers.splice(i, 1);
      renderRows(model.pledgers.length ? `pledger-${Math.min(i, model.pledgers.length - 1)}-email` : 'add-pledger');
    }

    function setMode(mode) {
      if (mode === 'custom') {
        // Start from the equal split, so the organizer only adjusts.
        const equal = split();
        model.pledgers.forEach((p, i) => { if (!p.amount) p.amount = P.decimalString(equal.amounts[i + 1], c.currency); });
      }
      model.mode = mode;
      renderRows();
    }

    /** Every share, organizer first: the server's rule (Money/Split.cs), in integer minor units. */
    function split() {
      const n = model.pledgers.length;
      if (model.mode === 'equal') {
        const each = Math.floor(c.amount / (n + 1));
        return { amounts: [each + (c.amount % (n + 1)), ...Array(n).fill(each)], remainder: c.amount % (n + 1) };
      }
      const parsed = model.pledgers.map((p) => P.parseAmount(p.amount, c.currency));
      const sum = parsed.reduce((s, r) => s + (r.minor ?? 0), 0);
      return { amounts: [c.amount - sum, ...parsed.map((r) => r.minor ?? null)], parsed, sum };
    }

    const overMessage = (sum) =>
      `The amounts add up to ${P.money(sum, c.currency)}, ${P.money(sum - c.amount, c.currency)} more than the ${total} total.`;

    function updatePreview() {
      const { amounts, remainder, sum } = split();
      const line = (who, detail, amount, id) => h('li', { id },
        h('span', { class: 'who' }, h('strong', { text: who }), detail ? h('span', { class: 'muted', text: detail }) : null),
        h('span', { class: `share-amount ${amount !== null && amount < 0 ? 'negative' : ''}`, text: amount === null ? '—' : P.money(amount, c.currency) }));
      preview.replaceChildren(
        line('You', c.organizerEmail, amounts[0], 'preview-0'),
        ...model.pledgers.map((p, i) => line(p.email.trim() || `Person ${i + 1}`, null, amounts[i + 1], `preview-${i + 1}`)));
      previewNote.classList.toggle('is-error', sum > c.amount);
      if (model.mode === 'custom') {
        previewNote.textContent = sum > c.amount ? overMessage(sum) : 'You pay what the others don’t cover.';
      } else {
        previewNote.textContent = remainder ? `Your share includes the ${P.money(remainder, c.currency)} left over so the shares add up exactly.` : '';
      }
    }

    function locate(key) {
      if (key === 'pledgers') {
        previewNote.textContent = '';
        previewNote.classList.add('is-error');
        return { message: previewNote, inputs: model.mode === 'custom' ? [...list.querySelectorAll('.field-amount input')] : [], focus: addButton };
      }
      const match = /^pledgers\[(\d+)\](?:\.(email|amount))?$/.exec(key);
      if (match) return P.byId(`pledger-${match[1]}-${match[2] ?? 'email'}`);
      const cardIds = { card: 'card-number', 'card.number': 'card-number', 'card.expMonth': 'card-exp-month', 'card.expYear': 'card-exp-year', 'card.cvc': 'card-cvc' };
      return cardIds[key] ? P.byId(cardIds[key]) : null;
    }

    /** What the organizer can fix before anything is sent; the server checks it all again. */
    function validate(errors) {
      const organizer = c.organizerEmail.trim().toLowerCase();
      const seen = new Set();
      model.pledgers.forEach((p, i) => {
        const email = p.email.trim().toLowerCase();
        const key = `pledgers[${i}].email`;
        if (!email) errors[key] = ['Enter an email address, or remove this person.'];
        else if (!EMAIL.test(email)) errors[key] = ['Enter an email address like name@example.com.'];
        else if (email === organizer) errors[key] = ['That’s your own email: your share is already counted.'];
        else if (seen.has(email)) errors[key] = ['This person is already in the list.'];
        seen.add(email);
      });
      if (model.mode !== 'custom') return model.pledgers.map((p) => ({ email: p.email.trim() }));
      const { parsed, sum } = split();
      parsed.forEach((r, i) => { if (r.error) errors[`pledgers[${i}].amount`] = [r.error]; });
      if (!parsed.some((r) => r.error) && sum > c.amount) errors.pledgers = [overMessage(sum)];
      return model.pledgers.map((p, i) => ({ email: p.email.trim(), amount: parsed[i].minor }));
    }

    async function submit(event) {
      event.preventDefault();
      if (busy) return;
      P.clearErrors(form, alertEl);
      const errors = {};
      const pledgers = validate(errors);
      const card = P.readCard(errors);
      if (Object.keys(errors).length) {
        report({ code: 'validation_error', errors });
        return;
      }
      busy = true;
      P.setBusy(form, payButton, true, 'Paying…');
      const result = await pay({ pledgers, card });
      busy = false;
      P.setBusy(form, payButton, false, payLabel);
      if (result.ok) paid(result.data);
      else report(result.problem, result.status);
    }

    function report(problem, status) {
      const unplaced = P.showErrors(problem.errors, locate);
      if (problem.code !== 'validation_error' || unplaced.length) P.showAlert(alertEl, [problem.detail, ...unplaced].filter(Boolean).join(' '));
      if (problem.code === 'card_declined') P.focusCardNumber();
      else if (!problem.errors) payButton.focus();
      // Already paid, expired, cancelled, or an answer that never came: show what is true now.
      if (status === 409 || status === 404 || status === 0 || status >= 500) refresh();
    }

    renderRows();
    return form;
  };

})();
