'use strict';
// A pledger's page (/pay/share/{shareToken}): who asks, how much, until when; pay by card; then
// a receipt that follows the purchase until everyone has paid.
(() => {
  const P = window.Pledg;
  const { h } = P;
  const token = location.pathname.split('/').filter(Boolean).pop() ?? '';
  const sharePath = `/api/shares/${encodeURIComponent(token)}`;
  const POLL_MS = 5000;
  const root = document.getElementById('app');
  let view = null; // { key, node, title }
  let paying = false;
  let timer = null;

  async function load(focusHeading = false) {
    clearTimeout(timer);
    const result = await P.api('GET', sharePath);
    if (paying) { // the payment's own answer renders the page; read again after it
      timer = setTimeout(load, POLL_MS);
      return;
    }
    if (result.ok) render(result.data, focusHeading);
    else showLoadError(result);
  }

  // A paid share of a failed purchase is refunded; the page follows until it is.
  const refunding = (s) => s.state === 'SUCCESSFULL' && s.purchaseState === 'FAILED' && s.refundedAmount < s.amount;
  const viewKey = (s) => (s.state === 'SUCCESSFULL' ? `paid-${s.purchaseState}-${refunding(s)}`
    : s.state === 'FAILED' || s.purchaseState !== 'INITIALIZED' ? 'failed' : 'form');

  /** Rebuilds only when the step changes: a read never clears the card form being filled in. */
  function render(s, focusHeading = false) {
    const key = viewKey(s);
    if (view?.key !== key) {
      view = { key, ...(key === 'form' ? formView(s) : key === 'failed' ? failedView(s) : receiptView(s)) };
      root.replaceChildren(view.node);
      root.setAttribute('aria-busy', 'false');
      document.title = `${view.title} · ${s.merchantName} · Pledg`;
      if (focusHeading) root.querySelector('h1')?.focus();
    }
    clearTimeout(timer);
    // Unpaid: read again when the deadline passes. Paid: follow the purchase until it is final.
    if (s.purchaseState === 'INITIALIZED') timer = setTimeout(load, P.nextRead(s.deadline, s.state === 'SUCCESSFULL' ? POLL_MS : null));
    else if (refunding(s)) timer = setTimeout(load, POLL_MS);
  }

  function showLoadError(result) {
    view = null;
    root.setAttribute('aria-busy', 'false');
    const notFound = result.status === 404;
    root.replaceChildren(h('div', { class: 'page-narrow' }, h('section', { class: 'panel final' },
      h('h1', { text: notFound ? 'This payment link doesn’t work' : 'We couldn’t load your share' }),
      h('p', { role: 'alert', text: notFound ? 'Check that you copied the whole link.' : result.problem.detail }),
      notFound ? null : h('button', { type: 'button', class: 'button-secondary', text: 'Try again', onclick: () => load() }))));
  }

  function pageHead(s, badge, title, lead) {
    return h('div', { class: 'page-head' },
      badge,
      h('p', { class: 'eyebrow', text: s.merchantName }),
      h('h1', { tabindex: -1, text: title }),
      lead ? h('p', { class: 'lead' }, lead) : null);
  }

  const stateBadge = (kind, text, state) =>
    h('p', { class: 'status-line' }, h('span', { class: `badge ${kind}`, id: 'purchase-state', 'data-state': state, text }));

  function summary(s) {
    return h('aside', { class: 'panel summary', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title', class: 'summary-title', text: 'Your share' }),
      h('p', { class: 'big-amount', id: 'share-amount', text: P.money(s.amount, s.currency) }),
      h('dl', { class: 'facts' },
        h('dt', { text: 'Order from' }), h('dd', { text: s.merchantName }),
        h('dt', { text: 'Paid for by' }), h('dd', { text: s.organizerEmail }),
        h('dt', { text: 'Your email' }), h('dd', { text: s.email }),
        s.state === 'INITIALIZED' ? [h('dt', { text: 'Pay before' }), h('dd', {}, h('time', { datetime: s.deadline, text: P.formatDate(s.deadline) }))] : null));
  }

  const layout = (s, head, main) => (main
    ? h('div', {}, head, h('div', { class: 'layout' }, summary(s), h('div', { class: 'main' }, main)))
    : h('div', { class: 'single' }, head, summary(s)));

  function formView(s) {
    const amount = P.money(s.amount, s.currency);
    const payLabel = `Pay ${amount}`;
    const alertEl = h('div', { class: 'alert', role: 'alert', id: 'form-alert' });
    const payButton = h('button', { type: 'submit', class: 'button-primary', id: 'pay-button' }, payLabel);
    const form = h('form', { class: 'panel form form-compact', novalidate: true, onsubmit: submit, 'aria-labelledby': 'card-title' },
      h('h2', { id: 'card-title', text: 'Pay by card' }),
      h('p', { class: 'deadline-note' }, P.svg(P.icons.clock), h('span', {}, h('strong', {}, P.countdown(s.deadline), ' left'),
        ` to pay, until ${P.formatDate(s.deadline)}. After that this link no longer takes payments.`)),
      P.cardFields(), alertEl, payButton);

    const cardIds = { card: 'card-number', 'card.number': 'card-number', 'card.expMonth': 'card-exp-month', 'card.expYear': 'card-exp-year', 'card.cvc': 'card-cvc' };
    const locate = (key) => (cardIds[key] ? P.byId(cardIds[key]) : null);

    async function submit(event) {
      event.preventDefault();
      if (paying) return;
      P.clearErrors(form, alertEl);
      const errors = {};
      const card = P.readCard(errors);
      if (Object.keys(errors).length) {
        P.showErrors(errors, locate);
        return;
      }
      paying = true;
      P.setBusy(form, payButton, true, 'Paying…');
      const result = await P.api('POST', `${sharePath}/pay`, { card });
      paying = false;
      P.setBusy(form, payButton, false, payLabel);
      if (result.ok) {
        await load(true);
        return;
      }
      const problem = result.problem;
      const unplaced = P.showErrors(problem.errors, locate);
      if (problem.code !== 'validation_error' || unplaced.length) P.showAlert(alertEl, [problem.detail, ...unplaced].filter(Boolean).join(' '));
      if (problem.code === 'card_declined') P.focusCardNumber();
      else if (!problem.errors) payButton.focus();
      // Paid already, expired, or an answer that never came: show what is true now.
      if (result.status === 409 || result.status === 404 || result.status === 0 || result.status >= 500) load(true);
    }

    const lead = h('span', {}, h('strong', { text: s.organizerEmail }), ` paid for your group’s order and asks you to pay back your share: ${amount}.`);
    return { node: layout(s, pageHead(s, null, 'Pay your share', lead), form), title: 'Pay your share' };
  }

  function receiptView(s) {
    const purchase = {
      SUCCESSFULL: ['Everyone has paid: the purchase is complete.', 'badge-success', 'Purchase complete'],
      INITIALIZED: [`Waiting for the others to pay. If not everyone pays by ${P.formatDate(s.deadline)}, the purchase fails.`, 'badge-pending', 'Waiting for others'],
      FAILED: [`${s.failureReason === 'cancelled' ? `${s.merchantName} cancelled the purchase` : `Not everyone paid by ${P.formatDate(s.deadline)}`}, so it didn’t go through. `
        + (refunding(s) ? `Your payment of ${P.money(s.amount, s.currency)} is being refunded to your card.`
          : `Your payment of ${P.money(s.amount, s.currency)} has been refunded to your card${s.cardLast4 ? ` ending ${s.cardLast4}` : ''}.`),
      'badge-failed', 'Purchase failed'],
    }[s.purchaseState] ?? [s.purchaseState, 'badge', s.purchaseState];
    const receipt = h('section', { class: 'panel receipt', 'aria-labelledby': 'receipt-title' },
      h('h2', { id: 'receipt-title', text: 'Receipt' }),
      h('dl', { class: 'facts' },
        h('dt', { text: 'Amount' }), h('dd', { text: P.money(s.amount, s.currency) }),
        h('dt', { text: 'Card' }), h('dd', { id: 'card-last4', text: s.cardLast4 ? `•••• ${s.cardLast4}` : '—' }),
        h('dt', { text: 'Paid on' }), h('dd', { text: s.paidAt ? P.formatDate(s.paidAt) : '—' }),
        h('dt', { text: 'Paid to' }), h('dd', { text: `${s.organizerEmail}, for the order from ${s.merchantName}` })),
      h('p', { class: `purchase-note ${purchase[1]}-note`, id: 'purchase-note' }, purchase[0]));
    const head = pageHead(s, h('p', { class: 'status-line' },
      h('span', { class: 'badge badge-success', id: 'share-state', 'data-state': s.state, text: 'Paid' }), ' ',
      h('span', { class: `badge ${purchase[1]}`, id: 'purchase-state', 'data-state': s.purchaseState, text: purchase[2] })),
      'You paid your share', s.purchaseState === 'FAILED' ? 'The purchase didn’t go through, so your money comes back to you.'
        : `Thank you! ${s.organizerEmail} has been paid back ${P.money(s.amount, s.currency)}.`);
    return { node: layout(s, head, receipt), title: 'Share paid' };
  }

  function failedView(s) {
    const cancelled = s.failureReason === 'cancelled';
    const title = cancelled ? 'This purchase was cancelled' : 'This payment link has expired';
    const lead = cancelled
      ? `${s.merchantName} cancelled the purchase. You have not been charged.`
      : `Not everyone paid by ${P.formatDate(s.deadline)}, so the purchase didn’t go through. You have not been charged.`;
    return {
      node: layout(s, pageHead(s, stateBadge('badge-failed', cancelled ? 'Failed · cancelled' : 'Failed · expired', s.purchaseState), title, lead), null),
      title,
    };
  }

  load();
})();
