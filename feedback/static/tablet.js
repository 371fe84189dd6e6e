/* Awaaz offline tablet: the survivor flow from a kept pack, ratings sealed and sent later.
   Nothing she answers is stored in the clear: a finished rating is sealed for the server
   (ECDH P-256 + HKDF + AES-GCM, WebCrypto, padded to a fixed size) before it touches
   IndexedDB, and it leaves the outbox only when our server has answered for that very UUID:
   stored or already stored (gone), or refused (kept under "needs attention" for a field
   worker to see and send again). Any other answer — a redirect, a page from network kit in
   between, an error, no answer — keeps it for the next try. */
(function () {
  "use strict";
  var root = document.getElementById("tablet");
  if (!root || !window.indexedDB || !window.crypto || !crypto.subtle) return;
  var screen = document.getElementById("t-screen");
  var status = document.getElementById("t-status");
  var pack = null;
  var state = null;
  // The pack's words for a boy, once the server has said her code is a boy's; until the next
  // survivor's code screen (the thanks screen comes after her answers are forgotten).
  var boy = null;
  var idle = null;
  var sending = false;
  var IDLE_MS = 120000;
  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  var CONFUSABLE = "0O1ILU";
  var NUMERALS = { bn: "bn-IN", hi: "hi-IN-u-nu-deva", en: "en" };

  function S(key, values) {
    var text = (boy && boy.strings[key]) || (pack && pack.strings[key]) || key;
    Object.keys(values || {}).forEach(function (name) {
      var value = values[name];
      // Counts in the page's own digits: ৩ in Bengali, ३ in Hindi.
      if (typeof value === "number") value = value.toLocaleString(NUMERALS[pack.lang] || "en");
      text = text.replace("%(" + name + ")s", value);
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

  // A speaker button for a text the pack has a clip for (survivor.js plays it on tap).
  function speaker(text) {
    var url = pack.voice && pack.voice[text];
    if (!url) return null;
    var link = el("a", { class: "say", href: url, "aria-label": S("listen") + ": " + text, title: S("listen") });
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    [["M3 9h4l6-5v16l-6-5H3z", ""], ["M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12", "w"]].forEach(function (d) {
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", d[0]);
      if (d[1]) path.setAttribute("class", d[1]);
      svg.appendChild(path);
    });
    link.appendChild(svg);
    return link;
  }

  // The text, then its speaker.
  function aloud(tag, attrs, text) {
    return el(tag, attrs, [document.createTextNode(text), speaker(text)]);
  }

  // A picture from tablet.html's template: the same drawings as the ordinary pages.
  var pictures = document.getElementById("t-pictures");
  function pic(name) {
    var found = pictures && pictures.content.querySelector("[data-pic='" + name + "'] svg");
    if (!found) found = pictures && pictures.content.querySelector("[data-pic='other'] svg");
    return found ? found.cloneNode(true) : null;
  }

  function num(n) { return n.toLocaleString(NUMERALS[pack.lang] || "en"); }

  function show(nodes) {
    screen.replaceChildren.apply(screen, nodes.filter(function (node) { return node; }));
    var heading = screen.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    window.scrollTo(0, 0);
  }

  // --- the outbox: sealed ratings in IndexedDB -------------------------------------------
  // "outbox": waiting to be sent; "attention": refused by the server, kept with the reason
  // until a field worker sends them again. Nothing here is readable without the server's key.
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("awaaz-tablet", 2);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "client_uuid" });
        if (!db.objectStoreNames.contains("attention")) db.createObjectStore("attention", { keyPath: "client_uuid" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(names, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var request = work(tx);
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        // A full disk aborts the transaction without a request error: both mean "not kept".
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function box(name) {
    return {
      put: function (item) { return store([name], "readwrite", function (tx) { return tx.objectStore(name).put(item); }); },
      all: function () { return store([name], "readonly", function (tx) { return tx.objectStore(name).getAll(); }); },
      remove: function (id) { return store([name], "readwrite", function (tx) { return tx.objectStore(name).delete(id); }); }
    };
  }
  var outbox = box("outbox");
  var attention = box("attention");

  // Between the two lists in one transaction: a crash leaves the rating in one or the other.
  function move(item, from, to) {
    return store([from, to], "readwrite", function (tx) {
      tx.objectStore(to).put(item);
      return tx.objectStore(from).delete(item.client_uuid);
    });
  }

  // While anything waits, a cookie tells the server not to clear this site's storage or
  // cookies (quick exit, a staff member signing out), whatever became of the kiosk cookie.
  function markOutbox(waiting) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "awaaz_outbox=" + (waiting ? "1; max-age=31536000" : "; max-age=0") +
      "; path=/; SameSite=Strict" + secure;
  }

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

  var PADDED = 8192; // every sealed rating is this long inside: its size tells nothing

  function padded(rating) {
    var json = new TextEncoder().encode(JSON.stringify(rating));
    var size = Math.ceil((json.length + 4) / PADDED) * PADDED;
    var out = new Uint8Array(size);
    new DataView(out.buffer).setUint32(0, json.length);
    out.set(json, 4);
    return out;
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
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("awaaz-tablet-v2") },
          secret, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
      })
      .then(function (aes) {
        return Promise.all([
          crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, aes, padded(rating)),
          crypto.subtle.exportKey("raw", pair.publicKey)
        ]);
      })
      .then(function (parts) {
        return { client_uuid: rating.client_uuid, kid: pack.key_id, key: b64(parts[1]), iv: b64(iv), data: b64(parts[0]) };
      });
  }

  // --- sending: whenever there is a network ---------------------------------------------
  var notKiosk = false;

  function showWaiting() {
    return Promise.all([outbox.all(), attention.all()]).then(function (lists) {
      var waiting = lists[0], refused = lists[1];
      var parts = [];
      if (!navigator.onLine) parts.push(S("offline"));
      if (waiting.length) parts.push(S("waiting", { n: waiting.length }));
      if (waiting.length && notKiosk) parts.push(S("not_kiosk"));
      status.textContent = parts.join(" ");
      root.dataset.waiting = String(waiting.length);
      root.dataset.attention = String(refused.length);
      markOutbox(waiting.length + refused.length > 0);
      showAttention(refused);
    });
  }

  var SEND_TIMEOUT_MS = 30000;

  // What became of one sealed rating: "stored", "already_stored", "refused" (moved to
  // needs attention) or "kept" (no answer from our server about it: try again later).
  function sendOne(item) {
    var body = {};
    Object.keys(item).forEach(function (name) { if (name !== "reason" && name !== "refused_at") body[name] = item[name]; });
    body.sent_at = Math.max(0, Date.now());
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS);
    return fetch(root.dataset.send + "?lang=" + root.dataset.lang, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual", // a captive portal's redirect is not our server's answer
      cache: "no-store",
      signal: abort ? abort.signal : undefined,
      headers: { "Content-Type": "application/json", "X-Awaaz-Tablet": "1" },
      body: JSON.stringify(body)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.type !== "basic" || response.redirected || type.indexOf("application/json") !== 0) return "kept";
      return response.json().then(function (reply) {
        if (response.status === 403 && reply && reply.errors) notKiosk = true;
        if (!reply || reply.client_uuid !== item.client_uuid) return "kept";
        notKiosk = false;
        if ((reply.status === "stored" && response.status === 201) ||
            (reply.status === "already_stored" && response.status === 200)) {
          return outbox.remove(item.client_uuid).then(function () { return reply.status; });
        }
        if (reply.status === "refused" && (response.status === 422 || response.status === 409)) {
          body.reason = String(reply.reason || "invalid");
          body.refused_at = Date.now();
          delete body.sent_at;
          return move(body, "outbox", "attention").then(function () { return "refused:" + body.reason; });
        }
        return "kept";
      }, function () { return "kept"; });
    }).then(function (result) { clearTimeout(timer); return result; },
      function (error) { clearTimeout(timer); throw error; });
  }

  function sendAll() {
    if (sending || !pack) return Promise.resolve();
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

  // --- needs attention: what the server refused, for a field worker ---------------------------
  var panel = document.getElementById("t-attention");

  function showAttention(items) {
    if (!panel) return;
    panel.hidden = !items.length;
    if (!items.length) { panel.replaceChildren(); return; }
    var rows = items.map(function (item) {
      var when = new Date(item.refused_at || 0);
      return el("li", { "data-reason": item.reason }, [
        el("span", { text: S("reason_" + item.reason) }),
        el("span", { class: "hint", text: " (" + when.toLocaleDateString(NUMERALS[pack.lang] || "en") + ")" })
      ]);
    });
    panel.replaceChildren(
      el("details", {}, [
        el("summary", { text: S("attention", { n: items.length }) }),
        el("p", { class: "hint", text: S("attention_hint") }),
        el("ul", {}, rows),
        el("button", { class: "tile", type: "button", id: "t-retry", onclick: retryAttention, text: S("retry") })
      ])
    );
  }

  function retryAttention() {
    return attention.all()
      .then(function (items) {
        return items.reduce(function (chain, item) {
          return chain.then(function () { return move(item, "attention", "outbox"); });
        }, Promise.resolve());
      })
      .then(sendAll);
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

  // A number of days as the server takes it (models/questionnaires.py): whole, 0–3650, in
  // Latin, Bengali or Devanagari digits; null for anything else ("5000", "2.5", "two").
  function days(text) {
    var digits = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text[i], d = "০১২৩৪৫৬৭৮৯".indexOf(ch);
      if (d < 0) d = "०१२३४५६७८९".indexOf(ch);
      if (d < 0) d = "0123456789".indexOf(ch);
      if (d < 0) return null;
      digits += String(d);
    }
    if (!digits || digits.length > 4 || Number(digits) > 3650) return null;
    return String(Number(digits));
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
    boy = null;
    var input = el("input", { id: "code", type: "text", autocomplete: "off", autocapitalize: "characters",
      spellcheck: "false", maxlength: "24", "aria-describedby": "code-help" });
    var form = el("form", { autocomplete: "off", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var checked = normalise(input.value);
      if (checked.error) { codeScreen(S("code_" + checked.error)); return; }
      state.survivor_code = checked.code;
      askServer(checked.code).then(function (answer) {
        if (answer.status === "unknown") { codeScreen(S("code_unknown")); return; }
        if (answer.status === "locked") { codeScreen(S("locked")); return; }
        state.unchecked = answer.status !== "known"; // no network: she is told, honestly
        // Unchecked, the tablet cannot know a boy: it keeps the forms for women and girls.
        if (answer.forms === "boy" && pack.boy) boy = pack.boy;
        typeScreen();
      });
    } }, [
      aloud("label", { for: "code" }, S("code_label")),
      error ? aloud("p", { class: "err said", role: "alert" }, error) : null,
      input,
      el("p", { class: "hint", id: "code-help", text: S("code_hint") }),
      el("button", { class: "go", type: "submit", text: S("next") })
    ]);
    show([aloud("h1", {}, S("welcome")), aloud("p", {}, S("welcome_more")), form]);
    if (window.Awaaz) {
      window.Awaaz.codeHelpers(input, { alphabet: ALPHABET, script: S("code_script"), keypad: true,
        keypadLabel: S("keypad"), erase: S("erase"), scan: S("scan"), scanStop: S("scan_stop"),
        noCamera: S("no_camera") });
    }
  }

  // Whether the server knows her code, while there is a network: {status, forms}, status
  // "known", "unknown", "locked" (too many wrong codes on this tablet), or "unchecked" (no
  // answer from it); forms "boy" when the pages address the code's holder as a boy.
  function askServer(code) {
    var UNCHECKED = { status: "unchecked" };
    if (!navigator.onLine) return Promise.resolve(UNCHECKED);
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && setTimeout(function () { abort.abort(); }, 8000);
    return fetch(root.dataset.check + "?lang=" + root.dataset.lang, {
      method: "POST", credentials: "same-origin", redirect: "manual", cache: "no-store",
      signal: abort ? abort.signal : undefined,
      headers: { "Content-Type": "application/json", "X-Awaaz-Tablet": "1" },
      body: JSON.stringify({ survivor_code: code })
    }).then(function (response) {
      clearTimeout(timer);
      var type = response.headers.get("Content-Type") || "";
      if (response.type !== "basic" || type.indexOf("application/json") !== 0) return UNCHECKED;
      if (response.status === 429) return { status: "locked" };
      return response.json().then(function (reply) {
        if (response.status === 200 && reply.known === true) return { status: "known", forms: reply.forms };
        if (response.status === 422 && reply.known === false) return { status: "unknown" };
        return UNCHECKED;
      });
    }).catch(function () { clearTimeout(timer); return UNCHECKED; });
  }

  function typeScreen() {
    var tiles = pack.types.map(function (t) {
      return el("li", { class: "has-say" }, [el("button", { class: "tile", type: "button", "data-type": t.code,
        onclick: function () { state.type = t; stakeholderScreen(""); } }, [pic(t.icon), el("span", { text: t.label })]),
        speaker(t.label)]);
    });
    show([
      aloud("h1", {}, S("whom")),
      state.unchecked ? el("p", { class: "hint", id: "t-unchecked", text: S("unchecked") }) : null,
      el("ul", { class: "tiles" }, tiles)
    ]);
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
          return el("li", { class: "said" }, [el("button", { class: "tile row", type: "button", "data-stakeholder": s.id,
            onclick: function () { state.stakeholder = s; helpScreen(); }, text: s.name }), speaker(s.name)]);
        }));
    }
    render(query);
    show([
      el("h1", { class: "said" }, [pic(state.type.icon), el("span", { text: state.type.heading }), speaker(state.type.heading)]),
      el("label", { for: "q", text: S("search") }), search,
      shown.length ? list : el("p", { text: S("none_found") }),
      el("button", { class: "tile", type: "button", onclick: typeScreen, text: S("back") })
    ]);
  }

  // Answers as tiles: the picture (if any), the words, the speaker.
  function choices(name, options, chosen, cls) {
    return el("div", { class: cls || "tiles" }, options.map(function (o) {
      return el("label", { class: cls === "faces" && o.code !== "dk" ? "pick" : o.code === "dk" ? "pick dk" : "tile pick" }, [
        el("input", { type: "radio", name: name, value: o.code, checked: chosen === o.code }),
        o.pic ? pic(o.pic) : null,
        el("span", { text: o.label }),
        speaker(o.label)
      ]);
    }));
  }

  function helpScreen(error) {
    var whens = ["this_month", "last_month", "earlier"].map(function (c) { return { code: c, label: S(c) }; });
    var services = pack.services.map(function (s) { return { code: s.code, label: s.label, pic: s.icon }; });
    var form = el("form", { novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      var service = form.querySelector("input[name=service]:checked");
      var when = form.querySelector("input[name=when]:checked");
      if (!service || !when) { helpScreen(S("choose")); return; }
      state.service = service.value;
      state.when = when.value;
      questionScreen({}, false);
    } }, [
      error ? aloud("p", { class: "err said", role: "alert" }, error) : null,
      el("fieldset", { class: "q" }, [aloud("legend", {}, S("help")), choices("service", services, state.service)]),
      el("fieldset", { class: "q" }, [aloud("legend", {}, S("when")), choices("when", whens, null, "tiles three")]),
      el("button", { class: "go", type: "submit", text: S("next") })
    ]);
    show([aloud("h1", {}, state.stakeholder.name), form]);
  }

  function itemField(item, index, values, missing) {
    var name = "q_" + item.code, value = values[item.code];
    var said = (boy && (boy.questions[state.type.code] || {})[item.code]) || item.text;
    var options;
    var cls = "tiles";
    if (item.kind === "scale5") {
      cls = "faces";
      options = ["very_bad", "bad", "okay", "good", "very_good"].map(function (k, i) {
        return { code: String(i + 1), label: S(k), pic: "face" + (i + 1) };
      });
    } else if (item.kind === "yesno") {
      cls = "tiles two";
      options = [{ code: "yes", label: S("yes"), pic: "yes" }, { code: "no", label: S("no"), pic: "no" }];
    } else if (item.kind === "choice") {
      options = item.options;
    }
    var body;
    if (options) {
      var dk = { code: "dk", label: S("dont_know"), pic: "dont_know" };
      body = el("div", {}, [choices(name, options, value, cls), choices(name, [dk], value, "dk-row")]);
    } else if (item.kind === "days") {
      body = el("div", {}, [el("label", { class: "hint", for: "d-" + item.code, text: S("days") }),
        el("input", { id: "d-" + item.code, class: "days", name: name, type: "text", inputmode: "numeric",
          maxlength: "4", autocomplete: "off", value: value && value !== "dk" ? value : "" })]);
    }
    return el("fieldset", { class: "q" + (missing ? " bad" : ""), id: "f-" + item.code }, [
      el("legend", {}, [document.createTextNode(num(index + 1) + ". " + said), speaker(said)]),
      missing ? aloud("p", { class: "err said", role: "alert" }, S("choose")) : null,
      body
    ]);
  }

  function questionScreen(values, checked, wrongDays) {
    var items = pack.questionnaires[state.type.code];
    wrongDays = wrongDays || [];
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
      var wrongDays = items.filter(function (i) { return i.kind === "days" && now[i.code] && days(now[i.code]) === null; });
      if (wrongDays.length || items.some(function (i) { return i.required && !now[i.code]; })) {
        questionScreen(now, true, wrongDays); return;
      }
      items.forEach(function (i) { if (i.kind === "days" && now[i.code]) now[i.code] = days(now[i.code]); });
      finish(now, items);
    } }, items.map(function (item, index) {
      return itemField(item, index, values, missing.indexOf(item) >= 0);
    }).map(function (field, index) {
      if (wrongDays.indexOf(items[index]) < 0) return field;
      field.classList.add("bad");
      field.insertBefore(el("p", { class: "err", role: "alert", text: S("days_invalid") }), field.children[1]);
      return field;
    }).concat([
      el("fieldset", { class: "q", id: "f-unsafe" }, [aloud("legend", {}, S("unsafe")),
        choices("unsafe", [{ code: "yes", label: S("yes"), pic: "yes" }, { code: "no", label: S("no"), pic: "no" }], values.__unsafe, "tiles two"),
        aloud("p", { class: "hint said" }, S("unsafe_hint"))]),
      el("fieldset", { class: "q end" }, [aloud("legend", {}, S("more")),
        aloud("label", { class: "hint", for: "comment" }, S("no_names")), comment]),
      el("fieldset", { class: "q end" }, [aloud("legend", {}, S("consent_q")),
        el("label", { class: "pick check" }, [consent, el("span", { text: S("consent") }), speaker(S("consent"))]),
        aloud("p", { class: "hint said" }, S("consent_hint"))]),
      el("button", { class: "go", type: "submit", text: S("send") })
    ]));
    form.setAttribute("data-next", S("next"));
    form.setAttribute("data-back", S("back"));
    show([
      el("h1", { class: "said" }, [el("span", { text: S("about", { name: state.stakeholder.name }) }), speaker(state.stakeholder.name)]),
      missing.length || wrongDays.length ? aloud("p", { class: "err said", role: "alert" }, S("answer_all")) : null,
      form
    ]);
    // One question per screen, as on the kiosk pages (survivor.js).
    if (window.Awaaz) window.Awaaz.steps(form);
  }

  function finish(values, items) {
    var answers = {};
    items.forEach(function (i) { if (values[i.code]) answers[i.code] = values[i.code]; });
    var rating = {
      client_uuid: state.client_uuid,
      survivor_code: state.survivor_code,
      stakeholder_id: state.stakeholder.id,
      service: state.service,
      month: monthFor(state.when), // the tablet's guess; the server goes by `when`
      when: state.when,
      sealed_at: Math.max(0, Date.now()),
      answers: answers,
      comment: values.__comment.trim() || null,
      language: pack.lang,
      consent_contact: !!values.__consent,
      felt_unsafe: values.__unsafe === null ? null : values.__unsafe === "yes"
    };
    state = null; // forget her answers at once: only the sealed copy remains
    seal(rating)
      .then(function (sealed) { rating = null; return outbox.put(sealed).then(function () { return sealed; }); })
      .then(function (sealed) {
        markOutbox(true);
        return (navigator.onLine ? sendOne(sealed).catch(function () { return "kept"; }) : Promise.resolve("kept"));
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

  // status: what sendOne said ("stored", "already_stored", "refused:<why>", "kept"), or
  // "not_saved" when the tablet could not keep it.
  function doneScreen(status) {
    var text = S("saved");
    if (status === "not_saved") text = S("not_saved");
    else if (status === "stored" || status === "already_stored") text = S("thanks");
    else if (status === "refused:code") text = S("code_unknown") + " " + S("tell_didi");
    else if (status && status.indexOf("refused:") === 0) text = S("saved_attention");
    show([
      aloud("h1", {}, text),
      el("p", { class: "has-say" }, [el("button", { class: "tile", type: "button", onclick: function () { codeScreen(); }, text: S("start_again") }), speaker(S("start_again"))])
    ]);
  }

  // Her language's clips into the tablet's cache, once, so they play with no network. One at
  // a time and after the page is up: a survivor's taps come first.
  function keepClips() {
    if (!window.caches || !pack.voice) return;
    var urls = Object.keys(pack.voice).map(function (text) { return pack.voice[text]; })
      .filter(function (url, i, all) { return all.indexOf(url) === i; });
    caches.open("awaaz-voice").then(function (cache) {
      return urls.reduce(function (chain, url) {
        return chain.then(function () {
          return cache.match(url).then(function (kept) { return kept || cache.add(url); });
        }).catch(function () {});
      }, Promise.resolve());
    }).then(function () { root.dataset.clipsKept = String(urls.length); }, function () {});
  }

  function resetWhenIdle() {
    clearTimeout(idle);
    idle = setTimeout(function () { if (state) codeScreen(); }, IDLE_MS);
  }

  // --- start -------------------------------------------------------------------------------------
  // Ask the browser never to evict the outbox when the tablet runs short of space.
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().then(function (granted) { root.dataset.persisted = String(granted); }, function () {});
  }
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
      keepClips();
      return sendAll();
    })
    .catch(function () { /* not a kiosk, or never online yet: the page says what to do */ });
})();
