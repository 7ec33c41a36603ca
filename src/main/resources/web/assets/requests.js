// genpay generation request pages: the site page (hostname -> providers with prices -> start or pay) and the
// request page, which follows its request over one EventSource (no polling) until it ends.
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var base = '/' + page.locale;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  // Request amounts come in major units (0.5), as the API gives them.
  function money(major, currency) {
    try {
      return new Intl.NumberFormat(page.locale, { style: 'currency', currency: currency.toUpperCase() }).format(major);
    } catch (e) { return Number(major).toFixed(2) + ' ' + currency.toUpperCase(); }
  }

  function show(node, text) { node.textContent = text; node.hidden = !text; }

  function problemText(body, fallback) {
    return body && (body.detail || body.title) ? (body.detail || body.title) : fallback;
  }

  // ---- site page ------------------------------------------------------------------------------------
  function sitePage() {
    var params = new URLSearchParams(location.search);
    if (params.get('hostname')) { $('hostname').value = params.get('hostname'); }
    if (params.get('canceled')) { show($('problem'), 'The payment was canceled; nothing was charged.'); }
    $('site-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var hostname = $('hostname').value.trim();
      $('hostname').removeAttribute('aria-invalid');
      show($('hostname-error'), '');
      show($('problem'), '');
      if (!hostname) { fieldError('A hostname is required, such as example.com.'); return; }
      $('calculate').disabled = true;
      $('offer').hidden = true;
      fetch('/api/sites/' + encodeURIComponent(hostname)).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        $('calculate').disabled = false;
        if (!answer.ok) {
          if (answer.body.status === 400) { fieldError(problemText(answer.body, 'This hostname cannot be read.')); }
          else { show($('problem'), problemText(answer.body, 'The site could not be read; try again shortly.')); }
          return;
        }
        offer(answer.body);
      }, function () {
        $('calculate').disabled = false;
        show($('problem'), 'The engine could not be reached; try again shortly.');
      });
    });
    if ($('hostname').value) { $('calculate').click(); }
  }

  function fieldError(text) {
    $('hostname').setAttribute('aria-invalid', 'true');
    show($('hostname-error'), text);
  }

  function offer(calculation) {
    $('count').textContent = calculation.hostname + ': ' + calculation.urlCount + ' page'
      + (calculation.urlCount === 1 ? '' : 's') + ' in its sitemap.';
    var list = $('providers');
    list.textContent = '';
    Object.keys(calculation.prices).sort().forEach(function (provider) {
      var price = calculation.prices[provider];
      var free = !price.paid || !(price.total > 0);
      var button = el('button', { type: 'button', 'data-provider': provider,
        text: free ? 'Start for free' : 'Pay ' + money(price.total, price.currency) });
      button.addEventListener('click', function () { start(calculation.hostname, provider, button); });
      list.appendChild(el('li', { 'class': 'file', 'data-provider': provider }, [
        el('h2', {}, [el('span', { text: provider }),
          el('span', { 'class': 'price', text: free ? 'free' : money(price.total, price.currency) })]),
        free ? null : el('p', { 'class': 'muted small',
          text: money(price.perUrl, price.currency) + ' per page' }),
        button]));
    });
    $('offer').hidden = false;
  }

  function start(hostname, provider, button) {
    button.disabled = true;
    show($('problem'), '');
    fetch('/api/generation-requests', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ hostname: hostname, provider: provider, locale: page.locale }) })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) {
          button.disabled = false;
          show($('problem'), problemText(answer.body, 'The request could not be made; try again shortly.'));
          return;
        }
        var request = answer.body;
        location.href = request.status === 'awaiting_payment' && request.paymentLink
          ? request.paymentLink : base + '/generation-request/' + request.id;
      }, function () {
        button.disabled = false;
        show($('problem'), 'The engine could not be reached; try again shortly.');
      });
  }

  // ---- request page ---------------------------------------------------------------------------------
  var STATES = {
    awaiting_payment: 'Waiting for your payment.',
    queued: 'Queued: it starts in a moment.',
    processing: 'Reading your pages…',
    completed: 'Your llms.txt is ready.',
    failed: 'It could not be made.'
  };

  function refundLine(request) {
    var amount = money(request.amount, request.currency);
    switch (request.refund) {
      case 'owed': return amount + ' will be refunded to your card.';
      case 'succeeded': return amount + ' was refunded to your card.';
      case 'failed': return 'The refund of ' + amount + ' did not go through. Please contact support with the id '
        + request.id + '.';
      default: return '';
    }
  }

  function render(request) {
    $('site').textContent = request.hostname + ' · ' + request.provider
      + (request.requiresPayment ? ' · ' + money(request.amount, request.currency) : ' · free');
    $('another').href = base + '/site?hostname=' + encodeURIComponent(request.hostname);
    $('state').textContent = STATES[request.status] || request.status;
    var total = request.progress.total || 0;
    $('progress').max = Math.max(total, 1);
    $('progress').value = request.progress.done || 0;
    $('pages').textContent = total ? (request.progress.done || 0) + ' of ' + total + ' pages' : '';
    $('pay-row').hidden = !(request.status === 'awaiting_payment' && request.paymentLink);
    if (request.paymentLink) { $('pay').href = request.paymentLink; }
    if (request.status === 'completed') {
      $('download').href = request.resultUrl;
      $('actions').hidden = false;
    }
    if (request.status === 'failed') { show($('problem'), request.error || 'The request failed.'); }
    show($('refund'), refundLine(request));
    return (request.status === 'completed' || request.status === 'failed') && request.refund !== 'owed';
  }

  function requestPage() {
    var source = new EventSource('/api/events/generation-request/' + page.requestId);
    source.addEventListener('request', function (event) {
      if (render(JSON.parse(event.data))) { source.close(); }
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        $('state').textContent === 'Loading…' && show($('problem'), 'We could not find this request. Check the link.');
      }
    };
  }

  ({ site: sitePage, request: requestPage })[page.page]();
})();
