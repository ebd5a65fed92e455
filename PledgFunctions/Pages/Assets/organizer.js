'use strict';
// The organizer's page (/pay/{organizerToken}): name the pledgers, choose the split, pay the whole
// purchase; then hand out each pledger's link and watch the shares being paid.
(() => {
  const P = window.Pledg;
  const { h } = P;
  const token = location.pathname.split('/').filter(Boolean).pop() ?? '';
  const checkoutPath = `/api/checkout/${encodeURIComponent(token)}`;
  const MAX_PLEDGERS = 20;
  const POLL_MS = 3000;
  const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  const root = document.getElementById('app');
  let view = null; // { key, node, update(checkout) }
  let paying = false;
  let timer = null;

  async function load() {
    clearTimeout(timer);
    const result = await P.api('GET', checkoutPath);
    if (paying) return; // the payment's own answer renders the page
    if (result.ok) render(result.data);
    else showLoadError(result);
  }

  const viewKey = (c) => (c.state === 'SUCCESSFULL' ? 'done' : c.state === 'FAILED' ? 'failed' : c.pledged ? 'status' : 'form');

  const views = { form: formView, status: statusView, done: doneView, failed: failedView };

  /** Rebuilds the page only when it moves to another step; otherwise updates it in place, so a
   * poll never wipes what the organizer is typing or the button that has focus. */
  function render(c, focusHeading = false) {
    const key = viewKey(c);
    if (view?.key === key) {
      view.update?.(c);
    } else {
      view = { key, ...views[key](c) };
      root.replaceChildren(view.node);
      root.setAttribute('aria-busy', 'false');
      document.title = `${view.title} · ${c.merchantName} · Pledg`;
      if (focusHeading) root.querySelector('h1')?.focus();
    }
    clearTimeout(timer);
    if (c.state === 'INITIALIZED') timer = setTimeout(load, P.nextRead(c.deadline, c.pledged ? POLL_MS : null));
  }

  function showLoadError(result) {
    view = null;
    root.setAttribute('aria-busy', 'false');
    const notFound = result.status === 404;
    root.replaceChildren(h('div', { class: 'page-narrow' }, h('section', { class: 'panel final' },
      h('h1', { text: notFound ? 'This payment link doesn’t work' : 'We couldn’t load this purchase' }),
      h('p', { role: 'alert', text: notFound ? 'Check that you copied the whole link.' : result.problem.detail }),
      notFound ? null : h('button', { type: 'button', class: 'button-secondary', text: 'Try again', onclick: load }))));
  }

  // ---- Shared pieces of every step.

  function pageHead(c, title, lead) {
    return h('div', { class: 'page-head' },
      h('p', { class: 'eyebrow', text: c.merchantName }),
      h('h1', { tabindex: -1, text: title }),
      lead ? h('p', { class: 'lead' }, lead) : null);
  }

  function summary(c) {
    return h('aside', { class: 'panel summary', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title', class: 'summary-title', text: 'Order summary' }),
      c.cart?.length ? h('ul', { class: 'cart' }, c.cart.map((item) => h('li', { class: 'cart-item' },
        h('span', { class: 'cart-name' }, item.name ?? 'Item',
          h('span', { class: 'cart-qty', text: `${item.quantity ?? 1} × ${P.money(item.unitAmount ?? 0, c.currency)}` })),
        h('span', { class: 'cart-amount', text: P.money((item.quantity ?? 1) * (item.unitAmount ?? 0), c.currency) })))) : null,
      h('div', { class: 'total' }, h('span', { text: 'Total' }), h('strong', { id: 'total', text: P.money(c.amount, c.currency) })),
      h('p', { class: 'muted small' }, 'Sold by ', h('strong', { text: c.merchantName }), h('br'), `Organizer: ${c.organizerEmail}`));
  }

  const layout = (c, head, main) => h('div', {}, head, h('div', { class: 'layout' }, summary(c), h('div', { class: 'main' }, main)));

  function shareList(c, withLinks) {
    const status = h('p', { class: 'visually-hidden', role: 'status', id: 'copy-status' });
    const items = c.shares.map((share, i) => {
      const who = i === 0
        ? h('span', { class: 'who' }, h('strong', { text: 'You' }), h('span', { class: 'muted', text: share.email }))
        : h('span', { class: 'who' }, h('strong', { text: share.email }));
      return h('li', { class: 'share', id: `share-${i}`, 'data-state': share.state },
        h('div', { class: 'share-head' }, who, h('span', { class: 'share-amount', text: P.money(share.amount, c.currency) }), P.badge(share.state)),
        withLinks && share.shareUrl ? linkRow(c, share, i, status) : null);
    });
    const list = h('ul', { class: 'shares', 'aria-label': 'Shares' }, items);
    const update = (next) => next.shares.forEach((share, i) => {
      const item = items[i];
      if (!item || item.dataset.state === share.state) return;
      item.dataset.state = share.state;
      item.querySelector('.badge').replaceWith(P.badge(share.state));
      const link = item.querySelector('.link-row');
      if (link && share.state !== 'INITIALIZED' && !link.contains(document.activeElement)) link.hidden = true;
    });
    return { node: h('div', {}, list, status), update };
  }

  function linkRow(c, share, i, status) {
    const input = h('input', { type: 'text', readonly: true, class: 'link-input', value: share.shareUrl, spellcheck: 'false',
      onfocus: (e) => e.target.select() });
    const copy = h('button', { type: 'button', class: 'button-secondary button-small', id: `share-${i}-copy`, text: 'Copy link' });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(share.shareUrl);
      } catch {
        input.select();
        document.execCommand('copy');
      }
      copy.textContent = 'Copied';
      status.textContent = `Link for ${share.email} copied.`;
      setTimeout(() => { copy.textContent = 'Copy link'; }, 2000);
    });
    const subject = `Your share of our ${c.merchantName} purchase`;
    const body = `Hi! I paid for our order at ${c.merchantName}. Your share is ${P.money(share.amount, c.currency)}. `
      + `Please pay it here before ${P.formatDate(c.deadline)}:\n\n${share.shareUrl}`;
    const mail = h('a', { class: 'button-secondary button-small',
      href: `mailto:${encodeURIComponent(share.email)}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}` }, 'Email');
    return h('div', { class: 'link-row', hidden: share.state !== 'INITIALIZED' },
      P.field({ id: `share-${i}-link`, label: h('span', {}, 'Payment link', h('span', { class: 'visually-hidden', text: ` for ${share.email}` })), input }),
      h('div', { class: 'link-actions' }, copy, mail));
  }

  // ---- Step 1: the form.

  function formView(c) {
    const model = { mode: 'equal', pledgers: [{ email: '', amount: '' }] };
    const total = P.money(c.amount, c.currency);
    const list = h('div', { class: 'pledgers', id: 'pledgers' });
    const groupError = h('p', { class: 'field-error', id: 'pledgers-error', hidden: true });
    const addButton = h('button', { type: 'button', class: 'button-secondary', id: 'add-pledger', onclick: add },
      P.svg(P.icons.plus), 'Add a person');
    const limitNote = h('p', { class: 'hint', hidden: true, text: `That’s the most: ${MAX_PLEDGERS} people besides you.` });
    const preview = h('ul', { class: 'preview-list', id: 'preview' });
    const previewNote = h('p', { class: 'preview-note', id: 'preview-note', 'aria-live': 'polite' });
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
        list, groupError, addButton, limitNote,
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
      groupError.hidden = true;
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
        return { message: groupError, inputs: model.mode === 'custom' ? [...list.querySelectorAll('.field-amount input')] : [], focus: addButton };
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
      if (paying) return;
      P.clearErrors(form, alertEl);
      const errors = {};
      const pledgers = validate(errors);
      const card = P.readCard(errors);
      if (Object.keys(errors).length) {
        report({ code: 'validation_error', errors });
        return;
      }
      paying = true;
      P.setBusy(form, payButton, true, 'Paying…');
      const result = await P.api('POST', `${checkoutPath}/pledge`, { pledgers, card });
      paying = false;
      P.setBusy(form, payButton, false, payLabel);
      if (result.ok) render({ ...c, ...result.data, pledged: true }, true);
      else report(result.problem, result.status);
    }

    function report(problem, status) {
      const unplaced = P.showErrors(problem.errors, locate);
      if (problem.code !== 'validation_error' || unplaced.length) P.showAlert(alertEl, [problem.detail, ...unplaced].filter(Boolean).join(' '));
      if (problem.code === 'card_declined') P.focusCardNumber();
      else if (!problem.errors) payButton.focus();
      // Already paid, expired, cancelled, or an answer that never came: show what is true now.
      if (status === 409 || status === 404 || status === 0 || status >= 500) load();
    }

    renderRows();
    return { node: layout(c, pageHead(c, 'Split this purchase', `Pay ${total} now, and let up to ${MAX_PLEDGERS} people pay you back their share.`), form), title: 'Split this purchase' };
  }

  // ---- After paying: the links, then a final state.

  function statusView(c) {
    const shares = shareList(c, true);
    const paid = (x) => x.shares.filter((s) => s.state === 'SUCCESSFULL').length;
    const progress = h('progress', { max: c.shares.length, value: paid(c), 'aria-labelledby': 'progress-text' });
    const progressText = h('p', { class: 'progress-text', id: 'progress-text' });
    const setProgress = (x) => {
      progress.value = paid(x);
      const waiting = x.shares.length - paid(x);
      progressText.textContent = `${paid(x)} of ${x.shares.length} shares paid · waiting for ${waiting} ${waiting === 1 ? 'person' : 'people'}`;
    };
    setProgress(c);
    const panel = h('section', { class: 'panel', 'aria-labelledby': 'links-title' },
      h('h2', { id: 'links-title', text: 'Send each person their link' }),
      h('p', {}, 'They have until ', h('time', { datetime: c.deadline, text: P.formatDate(c.deadline) }), ' (', P.countdown(c.deadline),
        ' left) to pay their share. If anyone hasn’t paid by then, the purchase fails.'),
      h('div', { class: 'progress' }, progressText, progress),
      shares.node,
      h('p', { class: 'muted small', text: 'This page updates by itself as people pay.' }));
    const head = pageHead(c, `You paid ${P.money(c.amount, c.currency)}`, 'Your payment went through. Now the others pay you back their share.');
    head.prepend(stateBadge('badge-pending', 'Waiting for shares', c.state));
    return {
      node: layout(c, head, panel),
      title: 'Waiting for shares',
      update: (next) => { shares.update(next); setProgress(next); },
    };
  }

  function doneView(c) {
    const alone = c.shares.length <= 1;
    const head = pageHead(c, alone ? 'Payment complete' : 'Everyone has paid',
      `Your purchase from ${c.merchantName} is complete${c.completedAt ? ` (${P.formatDate(c.completedAt)})` : ''}.`);
    head.prepend(stateBadge('badge-success', 'Complete', c.state));
    const panel = h('section', { class: 'panel', 'aria-labelledby': 'shares-title' },
      h('h2', { id: 'shares-title', text: 'Shares' }), shareList(c, false).node);
    return { node: layout(c, head, panel), title: 'Purchase complete' };
  }

  function failedView(c) {
    const cancelled = c.failureReason === 'cancelled';
    const title = cancelled ? 'This purchase was cancelled' : c.pledged ? 'This purchase expired' : 'This payment link has expired';
    const lead = cancelled
      ? `${c.merchantName} cancelled it before it was paid. Nothing was charged.`
      : c.pledged
        ? `Not everyone paid their share by ${P.formatDate(c.deadline)}, so the purchase didn’t go through.`
        : `It was valid until ${P.formatDate(c.deadline)}. Nothing was charged; ask ${c.merchantName} for a new link.`;
    const head = pageHead(c, title, lead);
    head.prepend(stateBadge('badge-failed', cancelled ? 'Failed · cancelled' : 'Failed · expired', c.state));
    const panel = c.shares.length
      ? h('section', { class: 'panel', 'aria-labelledby': 'shares-title' }, h('h2', { id: 'shares-title', text: 'Shares' }), shareList(c, false).node)
      : null;
    return { node: layout(c, head, panel), title };
  }

  const stateBadge = (kind, text, state) =>
    h('p', { class: 'status-line' }, h('span', { class: `badge ${kind}`, id: 'purchase-state', 'data-state': state, text }));

  load();
})();
