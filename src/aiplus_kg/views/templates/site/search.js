// The search box of aiplus site and aiplus serve: finds entities, articles and ontology
// terms by any of their labels, in any language, with no server. The index,
// search-index.js (window.aiplusSearchIndex), is loaded on first use by a script tag, so
// that it also works from a folder on disk (file://). Keys: type, then Down/Up to move
// through the results, Enter to open the first (or the one focused), Escape to clear.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var input = form.querySelector("input[type=search]");
  var list = form.querySelector(".results");
  var status = form.querySelector(".status");
  var root = form.getAttribute("data-root") || "";
  var entries = null;
  var loading = false;
  var MAX = 20;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function prepare() {
    var data = window.aiplusSearchIndex || { entries: [] };
    entries = data.entries.map(function (e) {
      return { e: e, labels: e.l.map(function (l) { return [fold(l[0]), l[0], l[1]]; }) };
    });
  }

  function load() {
    if (entries || loading) { return; }
    loading = true;
    status.textContent = "Loading the labels…";
    var script = document.createElement("script");
    script.src = form.getAttribute("data-index");
    script.onload = function () { prepare(); search(); };
    script.onerror = function () { status.textContent = "The search index could not be loaded."; };
    document.head.appendChild(script);
  }

  function rank(label, query) {
    if (label === query) { return 0; }
    if (label.indexOf(query) === 0) { return 1; }
    var at = label.indexOf(query);
    if (at < 0) { return -1; }
    return /[\s\-_:(«"']/.test(label.charAt(at - 1)) ? 2 : 3;
  }

  function search() {
    if (!entries) { return; }
    var query = fold(input.value);
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    var found = [];
    entries.forEach(function (item) {
      var best = null;
      item.labels.forEach(function (l) {
        var r = rank(l[0], query);
        if (r >= 0 && (best === null || r < best[0] || (r === best[0] && l[1].length < best[1].length))) {
          best = [r, l[1], l[2]];
        }
      });
      if (best) { found.push([best, item.e]); }
    });
    found.sort(function (a, b) {
      return a[0][0] - b[0][0] || a[1].n.length - b[1].n.length || (a[1].n < b[1].n ? -1 : a[1].n > b[1].n ? 1 : 0);
    });
    found.slice(0, MAX).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + hit[1].h;
      a.textContent = hit[1].n;
      li.appendChild(a);
      if (hit[1].c) {
        var cls = document.createElement("span");
        cls.className = "cls";
        cls.textContent = " " + hit[1].c;
        li.appendChild(cls);
      }
      if (hit[0][1] !== hit[1].n) {
        var via = document.createElement("span");
        via.className = "via";
        via.textContent = " (" + hit[0][1] + ")";
        if (hit[0][2]) { via.lang = hit[0][2]; }
        li.appendChild(via);
      }
      list.appendChild(li);
    });
    var n = found.length;
    status.textContent = n === 0 ? "Nothing found." :
      n + (n === 1 ? " result" : " results") + (n > MAX ? ", the first " + MAX + " shown" : "") + ".";
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () { load(); search(); });
  form.addEventListener("submit", function (event) {
    var first = links()[0];
    if (first) { event.preventDefault(); window.location.href = first.href; }
    else if (entries) { event.preventDefault(); }
  });
  form.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      if (at <= 0) { input.focus(); } else { all[at - 1].focus(); }
    } else if (event.key === "Escape") {
      input.value = "";
      search();
      input.focus();
    }
  });
  if (input.value) { load(); }
}());
