'use strict';
// The organizer's page (/pay/{organizerToken}): name the pledgers, choose the split, pay the whole
// purchase; then hand out each pledger's link and watch the shares being paid.
(() => {
  const P = window.Pledg;
  const { h } = P;
  const token = location.pathname.split('/').filter(Boolean).pop() ?? '';
  const checkoutPath = `/api/checkout/${encodeURIComponent(token)}`;
  const POLL_MS = 3000;
  const root = document.getElementById('app');
  let view = null; // { key, node, update(checkout) }
  let paying = false;
  let timer = null;

  async function load() {
    clearTimeout(timer);
    const result = await P.api('GET', checkoutPath);
    if (paying) { // the payment's own answer renders the page; read again after it
      timer = setTimeout(load, POLL_MS);
      return;
    }
    if (result.ok) render(result.data);
    else showLoadError(result);
  }

  // The organizer's money: their card pays the whole amount at the pledge and the pledgers' shares
  // come back to it as reimbursements, counted from the shares because the charge reaches the
  // ledger (paidAmount) only once the lifecycle settles it, after the pledge's answer is shown; a
  // failed purchase gives back everything that was charged.
  const owedBack = (c) => (c.state === 'FAILED' ? c.paidAmount : c.amount - (c.shares[0]?.amount ?? c.amount));
  const givenBack = (c) => c.reimbursedAmount + c.refundedAmount;
  const refundsDone = (c) => givenBack(c) >= owedBack(c);

  // A key names its view, then what makes it change (`failed-true` once every refund is made).
  const viewKey = (c) => (c.state === 'SUCCESSFULL' ? 'done' : c.state === 'FAILED' ? `failed-${refundsDone(c)}` : c.pledged ? 'status' : 'form');

  const views = { form: formView, status: statusView, done: doneView, failed: failedView };

  /** Rebuilds the page only when it moves to another step; otherwise updates it in place, so a
   * poll never wipes what the organizer is typing or the button that has focus. */
  function render(c, focusHeading = false) {
    const key = viewKey(c);
    if (view?.key === key) {
      view.update?.(c);
    } else {
      view = { key, ...views[key.split('-')[0]](c) };
      root.replaceChildren(view.node);
      root.setAttribute('aria-busy', 'false');
      document.title = `${view.title} · ${c.merchantName} · Pledg`;
      if (focusHeading) root.querySelector('h1')?.focus();
    }
    clearTimeout(timer);
    if (c.state === 'INITIALIZED') timer = setTimeout(load, P.nextRead(c.deadline, c.pledged ? POLL_MS : null));
    else if (c.pledged && !refundsDone(c)) timer = setTimeout(load, POLL_MS); // refunds are on their way
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

  const layout = (c, head, main) => (main
    ? h('div', {}, head, h('div', { class: 'layout' }, summary(c), h('div', { class: 'main' }, main)))
    : h('div', { class: 'single' }, head, summary(c)));

  function shareList(c, withLinks) {
    const status = h('p', { class: 'visually-hidden', role: 'status', id: 'copy-status' });
    const items = c.shares.map((share, i) => {
      const who = i === 0
        ? h('span', { class: 'who' }, h('strong', { text: 'You' }), h('span', { class: 'muted', text: share.email }))
        : h('span', { class: 'who' }, h('strong', { text: share.email }));
      return h('li', { class: 'share', id: `share-${i}`, 'data-state': share.state },
        h('div', { class: 'share-head' }, who, h('span', { class: 'share-amount', text: P.money(share.amount, c.currency) }), P.badge(share.state)),
        i === 0 || c.notifyPledgers === false ? null : emailed(share),
        withLinks && share.shareUrl ? linkRow(c, share, i, status) : null);
    });
    const list = h('ul', { class: 'shares', 'aria-label': 'Shares' }, items);
    const update = (next) => next.shares.forEach((share, i) => {
      const item = items[i];
      if (item && i > 0) item.querySelector('.emailed')?.replaceWith(emailed(share));
      if (!item || item.dataset.state === share.state) return;
      item.dataset.state = share.state;
      item.querySelector('.badge').replaceWith(P.badge(share.state));
      const link = item.querySelector('.link-row');
      if (link && share.state !== 'INITIALIZED' && !link.contains(document.activeElement)) link.hidden = true;
    });
    return { node: h('div', {}, list, status), update };
  }

  // Who Pledg has emailed their link, and when it last reminded them (the service sends both).
  function emailed(share) {
    const parts = [];
    if (share.emailedAt) parts.push(`Emailed ${P.formatDate(share.emailedAt)}`);
    if (share.lastRemindedAt) parts.push(`reminded ${P.formatDate(share.lastRemindedAt)}`);
    return h('p', { class: 'emailed muted', text: parts.length ? parts.join(' · ') : 'Not emailed yet' });
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

  // ---- Step 1: the form (split-form.js); paying is tracked here so a poll never re-renders over it.

  function formView(c) {
    const total = P.money(c.amount, c.currency);
    const form = P.splitForm(c, {
      pay: async (body) => {
        paying = true;
        try { return await P.api('POST', `${checkoutPath}/pledge`, body); } finally { paying = false; }
      },
      paid: (answer) => render({ ...c, ...answer, pledged: true }, true),
      refresh: load,
    });
    const lead = `Pay ${total} now, and let up to ${P.MAX_PLEDGERS} people pay you back their share.`;
    return { node: layout(c, pageHead(c, 'Split this purchase', lead), form), title: 'Split this purchase' };
  }

  // ---- After paying: the links, then a final state.

  function statusView(c) {
    const shares = shareList(c, true);
    const reimbursed = reimbursedLine(c);
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
      reimbursed.node,
      shares.node,
      h('p', { class: 'muted small', text: 'This page updates by itself as people pay.' }));
    const head = pageHead(c, `You paid ${P.money(c.amount, c.currency)}`, 'Your payment went through. Now the others pay you back their share.');
    head.prepend(stateBadge('badge-pending', 'Waiting for shares', c.state));
    return {
      node: layout(c, head, panel),
      title: 'Waiting for shares',
      update: (next) => { shares.update(next); setProgress(next); reimbursed.update(next); },
    };
  }

  function doneView(c) {
    const alone = c.shares.length <= 1;
    const head = pageHead(c, alone ? 'Payment complete' : 'Everyone has paid',
      `Your purchase from ${c.merchantName} is complete${c.completedAt ? ` (${P.formatDate(c.completedAt)})` : ''}.`);
    head.prepend(stateBadge('badge-success', 'Complete', c.state));
    const reimbursed = reimbursedLine(c);
    const panel = h('section', { class: 'panel', 'aria-labelledby': 'shares-title' },
      h('h2', { id: 'shares-title', text: 'Shares' }), alone ? null : reimbursed.node, shareList(c, false).node);
    return { node: layout(c, head, panel), title: 'Purchase complete', update: reimbursed.update };
  }

  /** What the pledgers' payments have given back to the organizer's card so far. */
  function reimbursedLine(c) {
    const line = h('p', { class: 'reimbursed', id: 'reimbursed', role: 'status' });
    const update = (x) => {
      line.textContent = `Paid back to your card so far: ${P.money(x.reimbursedAmount, x.currency)} of ${P.money(owedBack(x), x.currency)}.`;
    };
    update(c);
    return { node: line, update };
  }

  function failedView(c) {
    const cancelled = c.failureReason === 'cancelled';
    const title = cancelled ? 'This purchase was cancelled' : c.pledged ? 'This purchase expired' : 'This payment link has expired';
    const lead = cancelled
      ? c.pledged ? `${c.merchantName} cancelled it.` : `${c.merchantName} cancelled it before it was paid. Nothing was charged.`
      : c.pledged
        ? `Not everyone paid their share by ${P.formatDate(c.deadline)}, so the purchase didn’t go through.`
        : `It was valid until ${P.formatDate(c.deadline)}. Nothing was charged; ask ${c.merchantName} for a new link.`;
    const head = pageHead(c, title, lead);
    if (c.pledged) {
      const paid = P.money(c.paidAmount, c.currency);
      head.append(h('p', { class: 'refund-status', id: 'refund-status', role: 'status', 'data-done': String(refundsDone(c)),
        text: refundsDone(c)
          ? `Everything you paid (${paid}) has been refunded to your card.`
          : `Everything you paid (${paid}) is being refunded to your card: ${P.money(givenBack(c), c.currency)} so far.` }));
    }
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
