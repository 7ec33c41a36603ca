// genpay account, credits and plans pages. Data is fetched once on load and again only when the account's stream
// (one EventSource on /api/events/account) says something changed: no timer ever fetches.
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var base = '/' + page.locale;

  Array.prototype.forEach.call(document.querySelectorAll('[data-href]'), function (a) {
    a.setAttribute('href', base + a.getAttribute('data-href'));
  });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function credits(n) {
    return Number(n || 0).toLocaleString(page.locale, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(page.locale, { style: 'currency', currency: currency.toUpperCase() }).format(amount);
    } catch (e) { return Number(amount).toFixed(2) + ' ' + currency.toUpperCase(); }
  }

  function when(iso) {
    if (!iso) { return 'never'; }
    var d = new Date(iso);
    return d.toLocaleDateString(page.locale) + ' ' + d.toLocaleTimeString(page.locale, { hour: '2-digit', minute: '2-digit' });
  }

  var LABELS = { purchase: 'Purchase', bonus: 'Bonus', subscription_grant: 'Subscription', free_grant: 'Free credits',
    usage: 'Usage', refund: 'Refund', expiry: 'Expiry', adjustment: 'Adjustment' };
  function label(type) { return LABELS[type] || type; }

  function showError(problem) {
    var box = $('error');
    if (!box) { return; }
    box.textContent = (problem && (problem.detail || problem.title)) || 'Something went wrong; please try again.';
    box.hidden = false;
  }
  function clearError() { if ($('error')) { $('error').hidden = true; } }

  /** fetch as JSON; a non-2xx answer rejects with its problem (status included). */
  function api(path, method, body) {
    var options = { method: method || 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 204 || response.status === 202) { return response.text().then(function () { return {}; }); }
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) { json.status = response.status; throw json; }
        return json;
      });
    }, function () { throw { title: 'The engine cannot be reached; check your connection.' }; });
  }

  function signedIn() {
    return api('/api/account').then(function (account) { return account; }, function (problem) {
      if (problem.status === 401) { return null; }
      throw problem;
    });
  }

  function entryRow(entry, withBalance) {
    var amount = Number(entry.amount);
    var cells = [
      el('td', { text: when(entry.at) }),
      el('td', { text: label(entry.type) }),
      el('td', { 'class': 'num ' + (amount < 0 ? 'negative' : 'positive'), text: (amount > 0 ? '+' : '') + credits(amount) })
    ];
    if (withBalance) { cells.push(el('td', { 'class': 'num', text: credits(entry.balance_after) })); }
    cells.push(el('td', { text: entry.description || entry.model || entry.source_id || '' }));
    return el('tr', {}, cells);
  }

  function fill(tbody, rows, empty, columns) {
    tbody.textContent = '';
    if (!rows.length) { tbody.appendChild(el('tr', {}, [el('td', { colspan: String(columns), 'class': 'muted', text: empty })])); }
    rows.forEach(function (row) { tbody.appendChild(row); });
  }

  // ---- /{locale}/account: billing section
  var PLAN_STATUS = { active: 'Active', trialing: 'Trial', past_due: 'Past due: the last payment failed',
    incomplete: 'Waiting for the first payment', incomplete_expired: 'Not started: the first payment failed',
    unpaid: 'Unpaid', canceled: 'Canceled', paused: 'Paused' };
  var LIVE = ['active', 'trialing', 'past_due'];
  var INVOICE_REASON = { subscription_create: 'First period', subscription_cycle: 'Renewal',
    subscription_update: 'Plan change', manual: 'Invoice' };

  function planName(id) { return id ? id.charAt(0).toUpperCase() + id.slice(1) : ''; }
  function day(iso) {
    return iso ? new Date(iso).toLocaleDateString(page.locale, { year: 'numeric', month: 'long', day: 'numeric' }) : '';
  }
  /** Invoice amounts are in the currency's minor unit, as Stripe gives them. */
  function minor(amount, currency) {
    var digits = 2;
    try { digits = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() })
      .resolvedOptions().maximumFractionDigits; } catch (e) { /* two, as for usd and eur */ }
    return money(Number(amount || 0) / Math.pow(10, digits), currency || 'usd');
  }

  /** {@code onPlan} hears the account's plan after each read. */
  function billingSection(onPlan) {
    var current = null;
    var loading = false;
    var again = false;
    var subscribedParam = new URLSearchParams(location.search).get('subscribed');

    function showSubscription(state) {
      current = state;
      var sub = state.subscription;
      var plan = sub && LIVE.indexOf(sub.status) >= 0 ? sub.plan : state.plan;
      $('plan-name').textContent = planName(plan);
      $('acct-plan').textContent = plan;
      onPlan(plan);
      $('plan-interval').textContent = sub && LIVE.indexOf(sub.status) >= 0 ? '(' + sub.interval + ')' : '';
      var live = !!sub && LIVE.indexOf(sub.status) >= 0;
      $('plan-status').textContent = sub ? (PLAN_STATUS[sub.status] || sub.status)
        : 'No subscription: the free plan';
      if (live && sub.cancelAtPeriodEnd) {
        $('renews-at').textContent = 'Ends on ' + day(sub.currentPeriodEnd) + '; the free plan follows';
      } else if (live) {
        $('renews-at').textContent = 'Renews on ' + day(sub.currentPeriodEnd);
      } else if (sub && sub.status === 'canceled') {
        $('renews-at').textContent = 'Ended';
      } else {
        $('renews-at').textContent = '—';
      }
      $('choose-plan').hidden = live;
      $('cancel-subscription').hidden = !live || sub.cancelAtPeriodEnd;
      $('billing-portal').hidden = !sub;
      if (!live || sub.cancelAtPeriodEnd) { $('cancel-confirm').hidden = true; }
      if (subscribedParam) {
        $('subscribed').hidden = false;
        $('subscribed').textContent = live
          ? 'Thank you: your ' + planName(sub.plan) + ' plan is active. Its credits are in your balance.'
          : 'Thank you: your payment is being confirmed. This page updates by itself.';
      }
    }

    function showInvoices(answer) {
      fill($('invoices').querySelector('tbody'), answer.items.map(function (invoice) {
        var paid = invoice.status === 'paid';
        var link = invoice.hostedInvoiceUrl
          ? el('a', { href: invoice.hostedInvoiceUrl, target: '_blank', rel: 'noopener', text: 'View' }) : null;
        return el('tr', {}, [el('td', { text: day(invoice.created) }), el('td', { text: invoice.number || '' }),
          el('td', { text: (INVOICE_REASON[invoice.billingReason] || '') + (invoice.periodStart
            ? ' ' + day(invoice.periodStart) + ' – ' + day(invoice.periodEnd) : '') }),
          el('td', { 'class': 'num', text: minor(paid ? invoice.amountPaid : invoice.amountDue, invoice.currency) }),
          el('td', {}, [el('span', { 'class': 'tag ' + (paid ? 'good' : (invoice.status === 'open'
            || invoice.status === 'uncollectible' ? 'bad' : '')), text: invoice.status })]),
          el('td', {}, [link])]);
      }), 'No invoices yet', 6);
    }

    /** One read at a time; a change during a read asks for one more, so the newest state is the one shown. */
    function load() {
      if (loading) { again = true; return; }
      loading = true;
      Promise.all([api('/api/payment/subscription'), api('/api/payment/invoices')]).then(function (answers) {
        showSubscription(answers[0]);
        showInvoices(answers[1]);
      }).catch(showError).then(function () {
        loading = false;
        if (again) { again = false; load(); }
      });
    }

    $('cancel-subscription').addEventListener('click', function () {
      var sub = current && current.subscription;
      if (!sub) { return; }
      $('cancel-question').textContent = 'Cancel ' + planName(sub.plan) + '? It stays active until '
        + day(sub.currentPeriodEnd) + ', then your account returns to the free plan. Credits you bought stay.';
      $('cancel-confirm').hidden = false;
      $('cancel-confirm-yes').focus();
    });
    $('cancel-keep').addEventListener('click', function () { $('cancel-confirm').hidden = true; });
    $('cancel-confirm-yes').addEventListener('click', function () {
      var button = $('cancel-confirm-yes');
      clearError();
      button.disabled = true;
      api('/api/payment/subscription/cancel', 'POST', { subscription_id: current.subscription.id, at_period_end: true })
        .then(function (state) { $('cancel-confirm').hidden = true; showSubscription(state); }, showError)
        .then(function () { button.disabled = false; });
    });
    $('billing-portal').addEventListener('click', function () {
      var button = $('billing-portal');
      clearError();
      button.disabled = true;
      api('/api/payment/billing-portal', 'POST', { return_url: base + '/account' }).then(function (answer) {
        location.assign(answer.url);
      }, function (problem) { button.disabled = false; showError(problem); });
    });

    load();
    // The account's stream: a new balance after every ledger change (a grant of a paid invoice, an expiry...).
    // Every event is read as "look again", the one at connect too (something may have changed since the page's read).
    var stream = new EventSource('/api/events/account');
    var changed = function (event) {
      if (event.type === 'balance') { $('acct-balance').textContent = credits(JSON.parse(event.data).balance); }
      load();
    };
    stream.addEventListener('balance', changed);
    stream.addEventListener('subscription', changed);
    stream.onmessage = changed;
  }

  // ---- /{locale}/account
  function accountPage() {
    var asked = new URLSearchParams(location.search).get('next');
    // Only a path of this site (the server checks again).
    var next = asked && /^\/[^/\\]/.test(asked) ? asked : base + '/account';
    signedIn().then(function (account) {
      if (!account) {
        $('signed-out').hidden = false;
        $('signin-next').hidden = next === base + '/account';
        $('signin').addEventListener('submit', function (event) {
          event.preventDefault();
          clearError();
          api('/api/auth/email-link', 'POST', { email: $('email').value.trim(), next: next })
            .then(function () { $('sent').hidden = false; }, showError);
        });
        return;
      }
      $('signed-in').hidden = false;
      $('acct-email').textContent = account.email;
      $('acct-plan').textContent = account.plan;
      $('acct-balance').textContent = credits(account.balance);
      $('logout').addEventListener('click', function () {
        api('/api/auth/logout', 'POST').then(function () { location.reload(); }, showError);
      });
      var loadKeys = function () {
        api('/api/keys').then(function (answer) {
          var list = $('key-list');
          list.textContent = '';
          answer.keys.forEach(function (key) {
            var revoke = el('button', { 'class': 'secondary', type: 'button', text: 'Revoke' });
            revoke.addEventListener('click', function () {
              api('/api/keys/' + encodeURIComponent(key.id), 'DELETE').then(loadKeys, showError);
            });
            list.appendChild(el('li', {}, [el('span', { text: key.name + ' (' + key.prefix + '…)' }),
              el('span', { 'class': 'muted small', text: 'made ' + when(key.createdAt) + ', last used ' + when(key.lastUsedAt) }),
              revoke]));
          });
        }, showError);
      };
      var keysShown = null;
      // The plan decides whether keys are offered; a subscription can change it while the page is open.
      var showKeys = function (apiAccess) {
        if (keysShown === apiAccess) { return; }
        keysShown = apiAccess;
        $('keys-locked').hidden = apiAccess;
        $('keys').hidden = !apiAccess;
        if (apiAccess) { loadKeys(); }
      };
      showKeys(!!account.apiAccess);
      var plan = account.plan;
      billingSection(function (newPlan) {
        if (newPlan === plan) { return; }
        plan = newPlan;
        signedIn().then(function (fresh) { if (fresh) { showKeys(!!fresh.apiAccess); } }, showError);
      });
      $('new-key').addEventListener('submit', function (event) {
        event.preventDefault();
        clearError();
        api('/api/keys', 'POST', { name: $('key-name').value }).then(function (made) {
          $('new-key-value').textContent = made.key;
          $('new-key-shown').hidden = false;
          $('key-name').value = '';
          loadKeys();
        }, showError);
      });
    }, showError);
  }

  // ---- /{locale}/credits
  var chart = null;
  function drawChart(days) {
    var xs = days.map(function (d) { return Date.parse(d.date + 'T00:00:00Z') / 1000; });
    var ys = days.map(function (d) { return d.credits; });
    var box = $('chart');
    if (typeof uPlot === 'undefined') { box.textContent = 'The chart could not be loaded.'; return; }
    if (chart) { chart.setData([xs, ys]); return; }
    chart = new uPlot({ width: Math.max(280, box.clientWidth), height: 220,
      series: [{}, { label: 'Credits used', stroke: '#4f46e5', fill: 'rgba(79,70,229,.15)' }],
      axes: [{}, { size: 50 }], scales: { x: { time: true } } }, [xs, ys], box);
  }

  function tallies(tbody, map) {
    var names = Object.keys(map || {});
    fill(tbody, names.map(function (name) {
      return el('tr', {}, [el('td', { text: name }), el('td', { 'class': 'num', text: credits(map[name].credits) }),
        el('td', { 'class': 'num muted', text: map[name].count + '×' })]);
    }), 'No usage yet', 3);
  }

  function loadUsageAndRecent() {
    api('/api/credits/usage/daily?days=30').then(function (answer) { drawChart(answer.days); }, showError);
    api('/api/credits/usage/summary').then(function (sum) {
      tallies($('by-type'), sum.byType);
      tallies($('by-model'), sum.byModel);
    }, showError);
    api('/api/credits/transactions?limit=10').then(function (answer) {
      fill($('recent'), answer.items.map(function (e) { return entryRow(e, false); }), 'No entries yet', 4);
    }, showError);
  }

  function showBalance(snapshot) {
    $('balance').textContent = credits(snapshot.balance);
    fill($('buckets'), snapshot.buckets.map(function (b) {
      return el('tr', {}, [el('td', { text: label(b.source) }), el('td', { 'class': 'num', text: credits(b.remaining) }),
        el('td', { text: b.expiresAt ? when(b.expiresAt) : 'never' })]);
    }), 'No credits yet', 3);
  }

  function creditsPage() {
    signedIn().then(function (account) {
      if (!account) { $('need-signin').hidden = false; return; }
      $('dashboard').hidden = false;
      loadUsageAndRecent();
      var stream = new EventSource('/api/events/account');
      stream.addEventListener('balance', function (event) {
        var snapshot = JSON.parse(event.data);
        showBalance(snapshot);
        $('live').textContent = 'live';
        if (snapshot.change) { loadUsageAndRecent(); }
      });
      stream.onerror = function () { $('live').textContent = 'reconnecting…'; };
      // Back from Stripe Checkout: ask once for the purchase, in case its webhook is late; the stream shows the grant.
      var paid = new URLSearchParams(location.search).get('checkout');
      if (paid && /^cs_(test|live)_[A-Za-z0-9]{1,200}$/.test(paid)) {
        api('/api/payment/checkout/credits/' + paid + '/sync', 'POST', {}).catch(function () { /* the webhook grants */ });
      }
    }, showError);
  }

  // ---- /{locale}/credits/history
  function historyPage() {
    var state = { page: 1, limit: 20, total: 0 };
    var query = function (withPage) {
      var params = new URLSearchParams();
      if ($('type').value) { params.set('type', $('type').value); }
      if ($('q').value.trim()) { params.set('q', $('q').value.trim()); }
      if (withPage) { params.set('page', String(state.page)); params.set('limit', String(state.limit)); }
      return params.toString();
    };
    var load = function () {
      clearError();
      $('csv').setAttribute('href', '/api/credits/transactions.csv' + (query(false) ? '?' + query(false) : ''));
      api('/api/credits/transactions?' + query(true)).then(function (answer) {
        state.total = answer.total;
        fill($('entries'), answer.items.map(function (e) { return entryRow(e, true); }), 'No entries match', 5);
        var pages = Math.max(1, Math.ceil(answer.total / state.limit));
        $('page-info').textContent = 'Page ' + state.page + ' of ' + pages + ' (' + answer.total + ')';
        $('prev').disabled = state.page <= 1;
        $('next').disabled = state.page >= pages;
      }, showError);
    };
    signedIn().then(function (account) {
      if (!account) { $('need-signin').hidden = false; return; }
      $('history').hidden = false;
      $('filters').addEventListener('submit', function (event) { event.preventDefault(); state.page = 1; load(); });
      $('type').addEventListener('change', function () { state.page = 1; load(); });
      $('prev').addEventListener('click', function () { state.page -= 1; load(); });
      $('next').addEventListener('click', function () { state.page += 1; load(); });
      load();
    }, showError);
  }

  // ---- /{locale}/credits/buy
  function checkout(body, button) {
    clearError();
    button.disabled = true;
    api('/api/payment/checkout/credits', 'POST', body).then(function (answer) {
      location.assign(answer.url);
    }, function (problem) {
      button.disabled = false;
      if (problem.status === 401) { problem.detail = 'Please sign in first (Account), then buy credits.'; }
      showError(problem);
    });
  }

  function buyPage() {
    api('/api/credits/packages').then(function (answer) {
      var box = $('packages');
      answer.packages.forEach(function (pack) {
        var button = el('button', { type: 'button', text: 'Buy' });
        button.addEventListener('click', function () { checkout({ 'package': pack.id }, button); });
        box.appendChild(el('div', { 'class': 'card' }, [el('h2', { text: pack.id }),
          el('p', { 'class': 'price', text: money(pack.price, answer.currency) }),
          el('p', { text: credits(pack.credits) + ' credits' + (pack.bonus ? ' + ' + credits(pack.bonus) + ' bonus' : '') }),
          button]));
      });
      var custom = answer.custom;
      var input = $('amount');
      input.min = custom.min; input.max = custom.max;
      var price = function () {
        var n = Number(input.value);
        $('custom-price').textContent = custom.min + ' to ' + custom.max + ' credits at '
          + money(custom.unitPrice, answer.currency) + ' each'
          + (n >= custom.min && n <= custom.max ? ': ' + money(n * custom.unitPrice, answer.currency) : '');
      };
      input.addEventListener('input', price);
      price();
      $('custom').addEventListener('submit', function (event) {
        event.preventDefault();
        var n = Number(input.value);
        if (!Number.isInteger(n) || n < custom.min || n > custom.max) {
          showError({ detail: 'Choose a whole number of credits from ' + custom.min + ' to ' + custom.max + '.' });
          return;
        }
        checkout({ credits_amount: n }, event.submitter || $('custom').querySelector('button'));
      });
    }, showError);
  }

  // ---- /{locale}/plans
  function interval() {
    return $('interval-yearly').checked ? 'yearly' : 'monthly';
  }

  /** Stripe Checkout for the plan; signed out, the sign-in comes first and brings the person back here. */
  function subscribe(plan, button) {
    clearError();
    $('already-subscribed').hidden = true;
    button.disabled = true;
    var chosen = interval();
    api('/api/payment/checkout/subscription', 'POST', { plan: plan, interval: chosen, locale: page.locale })
      .then(function (answer) { location.assign(answer.url); }, function (problem) {
        button.disabled = false;
        if (problem.status === 401) {
          location.assign(base + '/account?next=' + encodeURIComponent(base + '/plans?interval=' + chosen));
        } else if (problem.status === 409) {
          $('already-subscribed').hidden = false;
        } else {
          showError(problem);
        }
      });
  }

  function plansPage() {
    if (new URLSearchParams(location.search).get('interval') === 'yearly') { $('interval-yearly').checked = true; }
    // Who is looking (or nobody): their plan's card is marked; a failed look only leaves it unmarked.
    var who = signedIn().catch(function () { return null; });
    Promise.all([api('/api/credits/plans'), who]).then(function (answers) {
      var answer = answers[0];
      var account = answers[1];
      var render = function (period) {
        var box = $('plan-cards');
        box.textContent = '';
        answer.plans.forEach(function (plan) {
          var price = period === 'yearly' ? plan.yearlyPrice : plan.monthlyPrice;
          var mine = account && account.plan === plan.id;
          var action = null;
          if (mine) {
            action = el('p', { 'class': 'subscribe' }, [el('span', { 'class': 'tag good', text: 'Your plan' })]);
          } else if (price) {
            action = el('button', { id: 'subscribe-' + plan.id, 'class': 'subscribe', type: 'button',
              text: 'Subscribe to ' + planName(plan.id) });
            action.addEventListener('click', function () { subscribe(plan.id, action); });
          }
          box.appendChild(el('div', { 'class': 'card' + (mine ? ' current' : '') }, [el('h2', { text: plan.id }),
            el('p', { 'class': 'price', text: money(price, answer.currency) + (price ? (period === 'yearly' ? ' / year' : ' / month') : '') }),
            el('ul', {}, [el('li', { text: credits(plan.monthlyCredits) + ' credits every month' }),
              el('li', { text: plan.types.join(', ') }),
              plan.apiAccess ? el('li', { text: 'API access' }) : null,
              plan.priority ? el('li', { text: 'Priority queue' }) : null]), action]));
        });
      };
      render(interval());
      Array.prototype.forEach.call(document.querySelectorAll('input[name=period]'), function (radio) {
        radio.addEventListener('change', function () { render(radio.value); });
      });
      var rows = [['Credits a month', function (p) { return credits(p.monthlyCredits); }],
        ['Monthly price', function (p) { return money(p.monthlyPrice, answer.currency); }],
        ['Yearly price', function (p) { return money(p.yearlyPrice, answer.currency); }],
        ['Video', function (p) { return p.types.indexOf('video') >= 0 ? '✓' : '—'; }],
        ['Image', function (p) { return p.types.indexOf('image') >= 0 ? '✓' : '—'; }],
        ['Audio', function (p) { return p.types.indexOf('audio') >= 0 ? '✓' : '—'; }],
        ['Priority queue', function (p) { return p.priority ? '✓' : '—'; }],
        ['API access', function (p) { return p.apiAccess ? '✓' : '—'; }],
        ['Custom models', function (p) { return p.customModels ? '✓' : '—'; }],
        ['SLA', function (p) { return p.sla ? '✓' : '—'; }],
        ['Support', function (p) { return p.support || '—'; }]];
      var table = $('compare');
      table.appendChild(el('thead', {}, [el('tr', {}, [el('th', { text: '' })].concat(answer.plans.map(function (p) {
        return el('th', { text: p.id });
      })))]));
      table.appendChild(el('tbody', {}, rows.map(function (row) {
        return el('tr', {}, [el('th', { text: row[0] })].concat(answer.plans.map(function (p) {
          return el('td', { text: row[1](p) });
        })));
      })));
    }, showError);
  }

  var pages = { account: accountPage, credits: creditsPage, history: historyPage, buy: buyPage, plans: plansPage };
  (pages[document.body.getAttribute('data-page')] || function () {})();
}());
