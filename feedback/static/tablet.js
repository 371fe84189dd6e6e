/* Awaaz offline tablet: the survivor flow from a kept pack, ratings sealed and sent later.
   Nothing she answers is stored in the clear: a finished rating is sealed for the server
   (ECDH P-256 + HKDF + AES-GCM, WebCrypto) before it touches IndexedDB, and it leaves the
   tablet only when the server has answered for it (stored, or already stored). */
(function () {
  "use strict";
  var root = document.getElementById("tablet");
  if (!root || !window.indexedDB || !window.crypto || !crypto.subtle) return;
  var screen = document.getElementById("t-screen");
  var status = document.getElementById("t-status");
  var pack = null;
  var state = null;
  var idle = null;
  var sending = false;
  var IDLE_MS = 120000;
  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  var CONFUSABLE = "0O1ILU";

  function S(key, values) {
    var text = (pack && pack.strings[key]) || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("%(" + name + ")s", values[name]);
    });
    return text;
  }

  // A tiny element builder: text is always set as text, never parsed as HTML.
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (name === "text") node.textContent = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else if (value === true) node.setAttribute(name, "");
      else if (value !== false && value != null) node.setAttribute(name, value);
    });
    (kids || []).forEach(function (kid) { if (kid) node.appendChild(kid); });
    return node;
  }

  function show(nodes) {
    screen.replaceChildren.apply(screen, nodes.filter(function (node) { return node; }));
    var heading = screen.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    window.scrollTo(0, 0);
  }

  // --- the outbox: sealed ratings in IndexedDB -------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("awaaz-tablet", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("outbox", { keyPath: "client_uuid" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("outbox", mode);
        var request = work(tx.objectStore("outbox"));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        // A full disk aborts the transaction without a request error: both mean "not kept".
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  var outbox = {
    put: function (item) { return store("readwrite", function (s) { return s.put(item); }); },
    all: function () { return store("readonly", function (s) { return s.getAll(); }); },
    remove: function (id) { return store("readwrite", function (s) { return s.delete(id); }); }
  };

  // --- sealing -----------------------------------------------------------------------------
  function b64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }
  function unb64(text) {
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function seal(rating) {
    var P256 = { name: "ECDH", namedCurve: "P-256" };
    var serverKey, pair, iv = crypto.getRandomValues(new Uint8Array(12));
    return crypto.subtle.importKey("raw", unb64(pack.public_key), P256, false, [])
      .then(function (key) { serverKey = key; return crypto.subtle.generateKey(P256, true, ["deriveBits"]); })
      .then(function (generated) {
        pair = generated;
        return crypto.subtle.deriveBits({ name: "ECDH", public: serverKey }, pair.privateKey, 256);
      })
      .then(function (bits) { return crypto.subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]); })
      .then(function (secret) {
        return crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("awaaz-tablet-v1") },
          secret, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
      })
      .then(function (aes) {
        var plain = new TextEncoder().encode(JSON.stringify(rating));
        return Promise.all([
          crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, aes, plain),
          crypto.subtle.exportKey("raw", pair.publicKey)
        ]);
      })
      .then(function (parts) {
        return { client_uuid: rating.client_uuid, key: b64(parts[1]), iv: b64(iv), data: b64(parts[0]) };
      });
  }

  // --- sending: whenever there is a network ---------------------------------------------
  function showWaiting() {
    return outbox.all().then(function (items) {
      var parts = [];
      if (!navigator.onLine) parts.push(S("offline"));
      if (items.length) parts.push(S("waiting", { n: items.length }));
      status.textContent = parts.join(" ");
      root.dataset.waiting = String(items.length);
    });
  }

  function sendOne(item) {
    return fetch(root.dataset.send + "?lang=" + root.dataset.lang, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Awaaz-Tablet": "1" },
      body: JSON.stringify(item)
    }).then(function (response) {
      // Stored (201) or stored before (200): the server has it. A refusal that no resend
      // can change (e.g. a wrong code) is answered too; anything else stays for later.
      var final = response.status === 200 || response.status === 201 ||
        (response.status >= 400 && response.status < 500 &&
         [401, 403, 408, 425, 429].indexOf(response.status) < 0);
      return final ? outbox.remove(item.client_uuid).then(function () { return response.status; }) : null;
    });
  }

  function sendAll() {
    if (sending) return Promise.resolve();
    sending = true;
    return outbox.all()
      .then(function (items) {
        return items.reduce(function (chain, item) {
          return chain.then(function () { return sendOne(item); });
        }, Promise.resolve());
      })
      .catch(function () { /* no network: try again later */ })
      .then(function () { sending = false; return showWaiting(); });
  }

  // --- the code, checked as the server checks it -------------------------------------------
  function normalise(entered) {
    var code = "";
    for (var i = 0; i < entered.length; i++) {
      var ch = entered[i];
      if (/[\s\-–—_.]/.test(ch)) continue;
      var digit = "০১২৩৪৫৬৭৮৯".indexOf(ch);
      if (digit < 0) digit = "०१२३४५६७८९".indexOf(ch);
      code += digit >= 0 ? String(digit) : ch.toUpperCase();
    }
    if (!code) return { error: "empty" };
    for (var j = 0; j < code.length; j++) {
      if (CONFUSABLE.indexOf(code[j]) >= 0) return { error: "confusable" };
      if (ALPHABET.indexOf(code[j]) < 0) return { error: "symbol" };
    }
    if (code.length !== 10) return { error: "length" };
    var n = ALPHABET.length, total = 0, body = code.slice(0, 9);
    for (var k = 0; k < body.length; k++) {
      var value = ALPHABET.indexOf(body[body.length - 1 - k]);
      if (k % 2 === 0) { value *= 2; value = Math.floor(value / n) + (value % n); }
      total += value;
    }
    if (ALPHABET[(n - (total % n)) % n] !== code[9]) return { error: "check" };
    return { code: code.slice(0, 5) + "-" + code.slice(5) };
  }

  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function monthFor(when) {
    var back = { this_month: 0, last_month: 1, earlier: 2 }[when];
    var now = new Date(), index = now.getFullYear() * 12 + now.getMonth() - back;
    var month = (index % 12) + 1;
    return Math.floor(index / 12) + "-" + (month < 10 ? "0" : "") + month;
  }

  // --- the screens -----------------------------------------------------------------------------
  function codeScreen(error) {
    state = { client_uuid: uuid4() };
    var input = el("input", { id: "code", type: "text", autocomplete: "off", autocapitalize: "characters",
      spellcheck: "false", maxlength: "24", "aria-describedby": "code-help" });
    var form = el("form", { autocomplete: "off", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var checked = normalise(input.value);
      if (checked.error) { codeScreen(S("code_" + checked.error)); return; }
      state.survivor_code = checked.code;
      typeScreen();
    } }, [
      el("label", { for: "code", text: S("code_label") }),
      error ? el("p", { class: "err", role: "alert", text: error }) : null,
      input,
      el("p", { class: "hint", id: "code-help", text: S("code_hint") }),
      el("button", { class: "go", type: "submit", text: S("next") })
    ]);
    show([el("h1", { text: S("welcome") }), el("p", { text: S("welcome_more") }), form]);
  }

  function typeScreen() {
    var tiles = pack.types.map(function (t) {
      return el("li", {}, [el("button", { class: "tile", type: "button", "data-type": t.code,
        onclick: function () { state.type = t; stakeholderScreen(""); } }, [el("span", { text: t.label })])]);
    });
    show([el("h1", { text: S("whom") }), el("ul", { class: "tiles" }, tiles)]);
  }

  function stakeholderScreen(query) {
    var all = pack.stakeholders[state.type.code] || [];
    var q = query.toLowerCase();
    var shown = all.filter(function (s) { return !q || s.name.toLowerCase().indexOf(q) >= 0; });
    var search = el("input", { id: "q", type: "search", autocomplete: "off", maxlength: "60", value: query,
      oninput: function () { render(search.value); } });
    var list = el("ul", { class: "list" });
    function render(value) {
      var v = value.toLowerCase();
      list.replaceChildren.apply(list, all.filter(function (s) { return !v || s.name.toLowerCase().indexOf(v) >= 0; })
        .map(function (s) {
          return el("li", {}, [el("button", { class: "tile row", type: "button", "data-stakeholder": s.id,
            onclick: function () { state.stakeholder = s; helpScreen(); }, text: s.name })]);
        }));
    }
    render(query);
    show([
      el("h1", { text: state.type.label + ": " + S("which") }),
      el("label", { for: "q", text: S("search") }), search,
      shown.length ? list : el("p", { text: S("none_found") }),
      el("button", { class: "tile", type: "button", onclick: typeScreen, text: S("back") })
    ]);
  }

  function choices(name, options, chosen) {
    return el("div", { class: "tiles" }, options.map(function (o) {
      return el("label", { class: "tile pick" }, [
        el("input", { type: "radio", name: name, value: o.code, checked: chosen === o.code }),
        el("span", { text: o.label })
      ]);
    }));
  }

  function helpScreen(error) {
    var whens = ["this_month", "last_month", "earlier"].map(function (c) { return { code: c, label: S(c) }; });
    var form = el("form", { novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var service = form.querySelector("input[name=service]:checked");
      var when = form.querySelector("input[name=when]:checked");
      if (!service || !when) { helpScreen(S("choose")); return; }
      state.service = service.value;
      state.month = monthFor(when.value);
      questionScreen({}, false);
    } }, [
      error ? el("p", { class: "err", role: "alert", text: error }) : null,
      el("fieldset", { class: "q" }, [el("legend", { text: S("help") }), choices("service", pack.services, state.service)]),
      el("fieldset", { class: "q" }, [el("legend", { text: S("when") }), choices("when", whens, null)]),
      el("button", { class: "go", type: "submit", text: S("next") })
    ]);
    show([el("h1", { text: state.stakeholder.name }), form]);
  }

  function itemField(item, index, values, missing) {
    var name = "q_" + item.code, value = values[item.code];
    var options;
    if (item.kind === "scale5") {
      options = ["very_bad", "bad", "okay", "good", "very_good"].map(function (k, i) { return { code: String(i + 1), label: S(k) }; });
    } else if (item.kind === "yesno") {
      options = [{ code: "yes", label: S("yes") }, { code: "no", label: S("no") }];
    } else if (item.kind === "choice") {
      options = item.options;
    }
    var body;
    if (options) {
      body = el("div", {}, [choices(name, options.concat([{ code: "dk", label: S("dont_know") }]), value)]);
    } else if (item.kind === "days") {
      body = el("div", {}, [el("label", { class: "hint", for: "d-" + item.code, text: S("days") }),
        el("input", { id: "d-" + item.code, class: "days", name: name, type: "text", inputmode: "numeric",
          maxlength: "4", autocomplete: "off", value: value && value !== "dk" ? value : "" })]);
    }
    return el("fieldset", { class: "q" + (missing ? " bad" : ""), id: "f-" + item.code }, [
      el("legend", { text: (index + 1) + ". " + item.text }),
      missing ? el("p", { class: "err", role: "alert", text: S("choose") }) : null,
      body
    ]);
  }

  function questionScreen(values, checked) {
    var items = pack.questionnaires[state.type.code];
    var missing = items.filter(function (i) { return checked && i.required && !values[i.code]; });
    var comment = el("textarea", { id: "comment", name: "comment", rows: "3", maxlength: "2000", autocomplete: "off" });
    comment.value = values.__comment || "";
    var consent = el("input", { type: "checkbox", name: "consent", value: "yes", checked: !!values.__consent });
    var form = el("form", { autocomplete: "off", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var now = {};
      items.forEach(function (i) {
        var picked = form.querySelector("input[name=q_" + i.code + "]:checked");
        var typed = form.querySelector("input[name=q_" + i.code + "][type=text]");
        var v = picked ? picked.value : (typed ? typed.value.trim() : "");
        if (v) now[i.code] = v;
      });
      now.__comment = comment.value;
      now.__consent = consent.checked;
      var unsafe = form.querySelector("input[name=unsafe]:checked");
      now.__unsafe = unsafe ? unsafe.value : null;
      if (items.some(function (i) { return i.required && !now[i.code]; })) { questionScreen(now, true); return; }
      finish(now, items);
    } }, items.map(function (item, index) {
      return itemField(item, index, values, missing.indexOf(item) >= 0);
    }).concat([
      el("fieldset", { class: "q", id: "f-unsafe" }, [el("legend", { text: S("unsafe") }),
        choices("unsafe", [{ code: "yes", label: S("yes") }, { code: "no", label: S("no") }], values.__unsafe),
        el("p", { class: "hint", text: S("unsafe_hint") })]),
      el("fieldset", { class: "q" }, [el("legend", { text: S("more") }),
        el("label", { class: "hint", for: "comment", text: S("no_names") }), comment]),
      el("fieldset", { class: "q" }, [el("legend", { text: S("consent_q") }),
        el("label", { class: "pick check" }, [consent, el("span", { text: S("consent") })]),
        el("p", { class: "hint", text: S("consent_hint") })]),
      el("button", { class: "go", type: "submit", text: S("send") })
    ]));
    show([
      el("h1", { text: S("about", { name: state.stakeholder.name }) }),
      missing.length ? el("p", { class: "err", role: "alert", text: S("answer_all") }) : null,
      form
    ]);
  }

  function finish(values, items) {
    var answers = {};
    items.forEach(function (i) { if (values[i.code]) answers[i.code] = values[i.code]; });
    var rating = {
      client_uuid: state.client_uuid,
      survivor_code: state.survivor_code,
      stakeholder_id: state.stakeholder.id,
      service: state.service,
      month: state.month,
      answers: answers,
      comment: values.__comment.trim() || null,
      language: pack.lang,
      consent_contact: !!values.__consent,
      felt_unsafe: values.__unsafe === null ? null : values.__unsafe === "yes",
      channel: "kiosk"
    };
    state = null; // forget her answers at once: only the sealed copy remains
    seal(rating)
      .then(function (sealed) { rating = null; return outbox.put(sealed).then(function () { return sealed; }); })
      .then(function (sealed) {
        return (navigator.onLine ? sendOne(sealed).catch(function () { return null; }) : Promise.resolve(null));
      })
      // The count of what waits is brought up to date before the screen says "saved", so the
      // two never disagree (a test saw the screen first and the old count).
      .then(function (status) {
        return showWaiting().catch(function () {}).then(function () { doneScreen(status); });
      }, function () {
        // Not sealed or not kept (storage full, or broken): never say "saved" when it is not,
        // and never leave her on a screen that does nothing.
        doneScreen("not_saved");
      });
  }

  // status: the server's answer when it could be asked, null when kept for later, or
  // "not_saved" when the tablet could not keep it.
  function doneScreen(status) {
    var text = S("saved");
    if (status === "not_saved") text = S("not_saved");
    else if (status === 200 || status === 201) text = S("thanks");
    else if (status) text = S("code_unknown"); // refused for good: most likely her code
    show([
      el("h1", { text: text }),
      el("p", {}, [el("button", { class: "tile", type: "button", onclick: function () { codeScreen(); }, text: S("start_again") })])
    ]);
  }

  function resetWhenIdle() {
    clearTimeout(idle);
    idle = setTimeout(function () { if (state) codeScreen(); }, IDLE_MS);
  }

  // --- start -------------------------------------------------------------------------------------
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: "/" }).catch(function () {});
  }
  fetch(root.dataset.pack, { credentials: "same-origin" })
    .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
    .then(function (loaded) {
      pack = loaded;
      codeScreen();
      ["click", "keydown", "input"].forEach(function (name) { document.addEventListener(name, resetWhenIdle); });
      window.addEventListener("online", sendAll);
      window.addEventListener("offline", showWaiting);
      setInterval(sendAll, 20000);
      return sendAll();
    })
    .catch(function () { /* not a kiosk, or never online yet: the page says what to do */ });
})();
